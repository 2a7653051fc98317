# SPDX-License-Identifier: BSD-3-Clause
# The loader's file-system counts (src/audit, src/runtime/pyn_fs.c):
# checked against strace, and against the predicted effect of --search-dirs.
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
