# SPDX-License-Identifier: BSD-3-Clause
# The loader's file-system counts (src/audit, src/runtime/pyn_fs.c):
# checked against strace, and against the predicted effect of --search-dirs;
# and the auditor behind them off unless a run asks with --audit.
set(_fs_dir "${CMAKE_CURRENT_LIST_DIR}")
find_program(PYNAMIC_STRACE strace)

if(PYNAMIC_STRACE)
  add_test(NAME fs.strace.dlopen.serial
    COMMAND "${Python3_EXECUTABLE}" "${_fs_dir}/strace_fs.py" --manifest "${PYNAMIC_MANIFEST}"
            --workdir "${PYNAMIC_TEST_WORK}/fs.strace.dlopen.serial" --strace "${PYNAMIC_STRACE}"
            -- $<TARGET_FILE:pynamic-mode-dlopen>)
  # LeakSanitizer cannot run under ptrace.
  set_tests_properties(fs.strace.dlopen.serial PROPERTIES LABELS "serial;fs" TIMEOUT 300
                       ENVIRONMENT_MODIFICATION "ASAN_OPTIONS=string_append::detect_leaks=0")
else()
  add_test(NAME fs.strace.dlopen.serial COMMAND "${CMAKE_COMMAND}" -E echo
           "strace not found: install it (bench/install-deps.sh --tests)")
  set_tests_properties(fs.strace.dlopen.serial PROPERTIES LABELS "serial;fs" WILL_FAIL TRUE)
endif()

# A second, small tree with --search-dirs 4 (not in sanitizer builds: it
# builds with the default flags, and what it checks does not depend on them).
if(NOT PYNAMIC_SANITIZERS)
  add_test(NAME fs.search-dirs.serial
    COMMAND "${Python3_EXECUTABLE}" "${_fs_dir}/search_dirs_test.py"
            --reference-mode $<TARGET_FILE:pynamic-mode-dlopen> --reference-manifest "${PYNAMIC_MANIFEST}"
            --source "${PROJECT_SOURCE_DIR}" --build "${PYNAMIC_TEST_WORK}/fs.search-dirs.build"
            --cmake "${CMAKE_COMMAND}" --generator "${CMAKE_GENERATOR}" "--make-program=${CMAKE_MAKE_PROGRAM}"
            "--c-compiler=${CMAKE_C_COMPILER}" "--python=${Python3_EXECUTABLE}")
  set_tests_properties(fs.search-dirs.serial PROPERTIES LABELS "serial;fs;build" TIMEOUT 600 PROCESSORS 2)
endif()

# --- the auditor is opt-in: a default run (no --audit) has no counts and no
# split, and says why (modecheck/loader.py, loadtime.py); what needs the
# auditor refuses to run without it; and an auditor on with no --audit
# option (the word as another option's value) is a usage error.
foreach(_fs_mode dlopen linked python python-linked)
  if(TARGET pynamic-mode-${_fs_mode})
    pynamic_mode_test(fs.default-run.${_fs_mode}.serial ${_fs_mode} pynamic-mode-${_fs_mode} NO_AUDIT LABELS fs)
  endif()
endforeach()
pynamic_mode_test(fs.default-run.dlopen.parallel dlopen pynamic-mode-dlopen RANKS ${PYNAMIC_TEST_RANKS} NO_AUDIT
                  LABELS fs)
set(_fs_usage --no-report --expect-exit 2 --one-line-error)
pynamic_mode_test(fs.usage.trace-needs-audit.serial dlopen pynamic-mode-dlopen NO_AUDIT LABELS fs TIMEOUT 60
                  CHECK ${_fs_usage} --expect-stderr "^pynamic-mode-dlopen: --trace needs --audit"
                  ARGS --trace "${PYNAMIC_TEST_WORK}/fs.usage.trace-needs-audit.serial/trace.json")
pynamic_mode_test(fs.usage.stage-cache-needs-audit.serial dlopen pynamic-mode-dlopen NO_AUDIT LABELS fs TIMEOUT 60
                  CHECK ${_fs_usage} --expect-stderr "^pynamic-mode-dlopen: --stage cache needs --audit"
                  ARGS --stage cache)
pynamic_mode_test(fs.usage.audit-as-a-value.serial dlopen pynamic-mode-dlopen NO_AUDIT LABELS fs TIMEOUT 60
                  CHECK ${_fs_usage} --expect-stderr "^pynamic-mode-dlopen: ld\\.so's auditor is on, yet --audit is not an option"
                  ARGS --csv --audit)
