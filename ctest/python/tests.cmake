# SPDX-License-Identifier: BSD-3-Clause
# Tests of the Python modes (label python, plus serial or parallel), included
# from ctest/CMakeLists.txt: pynamic-mode-python, pynamic-mode-python-linked
# and pynamic_driver.py under python3, passing and failing; the generated
# objects' Python symbols; the C modes running with no libpython; and the
# import search depth seen from the system calls.

set(_py_work "${PYNAMIC_TEST_WORK}")
set(_py_np ${PYNAMIC_TEST_RANKS})
math(EXPR _py_last_rank "${_py_np} - 1")

# pynamic_driver_test(NAME [RANKS n] [LABELS ...] [CHECK ...] [ARGS ...] [FIXTURES ...] [TIMEOUT s])
#   pynamic_mode_test() for the driver script, run by the found python3 (label python).
function(pynamic_driver_test name)
  pynamic_mode_test(${name} python-driver "${PYNAMIC_DRIVER}" INTERPRETER "${Python3_EXECUTABLE}" LABELS python
                    ${ARGN})
endfunction()

# The driver runs under an uninstrumented python3: with sanitizers the runtime
# and the generated modules it imports are instrumented and cannot load there.
if(PYNAMIC_SANITIZERS)
  set(_py_driver OFF)
else()
  set(_py_driver ON)
endif()

# --- passing runs: every rank imports every module (count = the manifest's) and verifies its checksum
pynamic_mode_test(mode.python.serial python pynamic-mode-python LABELS python
                  CHECK --launch-time before --expect-option search_depth=2)
pynamic_mode_test(mode.python.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  CHECK --launch-time before)
pynamic_mode_test(mode.python.search-depth.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  CHECK --expect-option search_depth=7 ARGS --search-depth 7)
pynamic_mode_test(mode.python-linked.serial python-linked pynamic-mode-python-linked LABELS python
                  CHECK --launch-time option)
pynamic_mode_test(mode.python-linked.parallel python-linked pynamic-mode-python-linked RANKS ${_py_np} LABELS python
                  CHECK --launch-time before --expect-option search_depth=0 ARGS --search-depth=0)
if(_py_driver)
  pynamic_driver_test(mode.python-driver.serial CHECK --launch-time before --expect-option search_depth=2)
  pynamic_driver_test(mode.python-driver.parallel RANKS ${_py_np} CHECK --launch-time after)
endif()

# --- fixtures: a module whose initialisation raises, and a regular file where a directory belongs
# The last module: nothing calls into it, so libmodulebegin still loads with it replaced.
math(EXPR _py_last_module "${PYNAMIC_NUM_MODULES} - 1")
set(_py_bad_module libmodule${_py_last_module})
add_library(pynamic_test_bad_init MODULE "${CMAKE_CURRENT_LIST_DIR}/bad_init_module.c")
target_link_libraries(pynamic_test_bad_init PRIVATE Python3::Module)
target_compile_definitions(pynamic_test_bad_init PRIVATE PYN_BAD_MODULE=${_py_bad_module})
set_target_properties(pynamic_test_bad_init PROPERTIES PREFIX "" OUTPUT_NAME ${_py_bad_module} SUFFIX ".so"
                      LIBRARY_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/python/bad-init")
add_test(NAME fixture.python.bad-init
  COMMAND "${CMAKE_COMMAND}" "-DSOURCE=${PYNAMIC_LIBRARY_DIR}" "-DDEST=${_py_work}/python-bad-init-lib"
          -DREPLACE=${_py_bad_module}.so "-DWITH=$<TARGET_FILE:pynamic_test_bad_init>"
          -P "${CMAKE_CURRENT_LIST_DIR}/make_lib_dir.cmake")
set_tests_properties(fixture.python.bad-init PROPERTIES FIXTURES_SETUP python_bad_init
                     LABELS "serial;parallel;python" TIMEOUT 60)
add_test(NAME fixture.python.not-a-directory
  COMMAND "${CMAKE_COMMAND}" -E touch "${_py_work}/python-not-a-directory")
set_tests_properties(fixture.python.not-a-directory PROPERTIES FIXTURES_SETUP python_not_a_directory
                     LABELS "serial;parallel;python" TIMEOUT 60)

add_test(NAME fixture.python.shadowed-module
  COMMAND "${CMAKE_COMMAND}" "-DROOT=${_py_work}/python-shadowing-root" -DFILE=libmodule3.so
          -P "${CMAKE_CURRENT_LIST_DIR}/shadow_module.cmake")
set_tests_properties(fixture.python.shadowed-module PROPERTIES FIXTURES_SETUP python_shadowed_module
                     LABELS "serial;parallel;python" TIMEOUT 60)

# A module of another build named libmodule3, earlier on sys.path than the generated one: on PYTHONPATH for the
# driver, in a search directory (--search-root) for the embedding modes. The run names the file it imported
# (docs/reliability.md, "Messages that name the cause"), after the import phase, instead of failing the visit's
# check with "the libraries ... were not built from this manifest".
if(PYNAMIC_NUM_MODULES GREATER 3)
  add_library(pynamic_test_impostor MODULE "${CMAKE_CURRENT_LIST_DIR}/impostor_module.c")
  target_link_libraries(pynamic_test_impostor PRIVATE Python3::Module)
  target_compile_definitions(pynamic_test_impostor PRIVATE PYN_IMPOSTOR=libmodule3)
  set_target_properties(pynamic_test_impostor PROPERTIES PREFIX "" OUTPUT_NAME libmodule3 SUFFIX ".so"
                        LIBRARY_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/python/impostor")
  add_test(NAME fixture.python.impostor-search-root
    COMMAND "${CMAKE_COMMAND}" -E copy "$<TARGET_FILE:pynamic_test_impostor>" "${_py_work}/python-impostor-root/dir0/libmodule3.so")
  set_tests_properties(fixture.python.impostor-search-root PROPERTIES FIXTURES_SETUP python_impostor_root
                       LABELS "serial;parallel;python" TIMEOUT 60)
  set(_py_imported "import: libmodule3: Python imported .*/libmodule3\\.so, not .*/lib/libmodule3\\.so: the sys\\.path entry")
  pynamic_mode_test(faults.python-shadowed-module.parallel python pynamic-mode-python RANKS ${_py_np}
                    LABELS python faults FIXTURES python_impostor_root
                    CHECK --expect-exit 1 --forbid-stderr "not built from this manifest"
                          --expect-stderr "rank [0-9]+ \\(.*\\): ${_py_imported} .*/python-impostor-root/dir0 comes before the modules' directory and shadows it$"
                    ARGS --search-root "${_py_work}/python-impostor-root")
  if(_py_driver)
    pynamic_driver_test(faults.driver-shadowed-module.serial LABELS faults
                        CHECK --expect-exit 1 --forbid-stderr "not built from this manifest"
                              --expect-stderr "rank 0 \\(.*\\): ${_py_imported} .*/python/impostor \\(from PYTHONPATH\\) comes before the modules' directory and shadows it$")
    set_tests_properties(faults.driver-shadowed-module.serial PROPERTIES
                         ENVIRONMENT "PYTHONPATH=${CMAKE_CURRENT_BINARY_DIR}/python/impostor")
  endif()
endif()

# --- failures: the module and the Python exception named, non-zero on every rank, no hang
# A module missing: the import of libmodulebegin, which needs every module, names it (as in the original).
set(_py_missing --expect-exit 1
    --expect-stderr "rank [0-9]+ .*import: libmodulebegin: ImportError: libmodule1\\.so: cannot open shared object file")
# libmodulebegin itself missing: not found on sys.path, and where the importer looked.
set(_py_not_found --expect-exit 1
    --expect-stderr "rank [0-9]+ .*import: libmodulebegin: ModuleNotFoundError: No module named 'libmodulebegin' \\(searched")
add_test(NAME fixture.python.missing-begin
  COMMAND "${CMAKE_COMMAND}" "-DSOURCE=${PYNAMIC_LIBRARY_DIR}" "-DDEST=${_py_work}/missing-begin-lib"
          -DREMOVE=libmodulebegin.so -P "${CMAKE_CURRENT_LIST_DIR}/../copy_library_dir.cmake")
set_tests_properties(fixture.python.missing-begin PROPERTIES FIXTURES_SETUP python_missing_begin
                     LABELS "serial;parallel;python" TIMEOUT 60)
pynamic_mode_test(mode.python.not-found.serial python pynamic-mode-python LABELS python
                  FIXTURES python_missing_begin CHECK ${_py_not_found} ARGS --lib-dir "${_py_work}/missing-begin-lib")
pynamic_mode_test(mode.python.missing-module.serial python pynamic-mode-python LABELS python
                  FIXTURES missing_library CHECK ${_py_missing} ARGS --lib-dir "${_py_work}/missing-library-lib")
pynamic_mode_test(mode.python.missing-module.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  FIXTURES missing_library CHECK ${_py_missing} ARGS --lib-dir "${_py_work}/missing-library-lib")
# Only the last rank misses the module: the others must not wait for it.
pynamic_mode_test(mode.python.one-rank-fails.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  FIXTURES missing_library
                  CHECK --expect-exit 1
                        --expect-stderr "rank ${_py_last_rank} \\(.*\\): import: libmodulebegin: ImportError: libmodule1\\.so"
                        "--last-rank-args=--lib-dir ${_py_work}/missing-library-lib")
set(_py_bad_init --expect-exit 1 --expect-stderr
    "rank [0-9]+ .*import: ${_py_bad_module}: RuntimeError: pynamic test: ${_py_bad_module} refuses to initialise")
pynamic_mode_test(mode.python.module-init-fails.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  FIXTURES python_bad_init CHECK ${_py_bad_init} ARGS --lib-dir "${_py_work}/python-bad-init-lib")
# A broken sys.path: an entry that is not a directory, and search directories that cannot be created.
pynamic_mode_test(mode.python.lib-dir-not-a-directory.serial python pynamic-mode-python LABELS python
                  FIXTURES python_not_a_directory
                  CHECK --expect-exit 1
                        --expect-stderr "rank 0 .*python: sys.path entry .*/python-not-a-directory: Not a directory"
                  ARGS --lib-dir "${_py_work}/python-not-a-directory")
set(_py_bad_root --expect-exit 1 --expect-stderr
    "rank [0-9]+ .*search path: cannot create directory /dev/null/search: mkdir: Not a directory")
pynamic_mode_test(mode.python.search-root-unusable.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  CHECK ${_py_bad_root} ARGS --search-root /dev/null/search)
pynamic_mode_test(mode.python-linked.search-root-unusable.serial python-linked pynamic-mode-python-linked
                  LABELS python CHECK ${_py_bad_root} ARGS --search-root /dev/null/search)
# The per-user default root's directory (TMPDIR/pynamic-UID) made by someone else, or writable by others (here
# mode 777): refused, since whoever can write there chooses what the imports search.
add_test(NAME fixture.python.shared-user-dir
  COMMAND "${Python3_EXECUTABLE}" -c "import os, sys; d = os.path.join(sys.argv[1], f'pynamic-{os.geteuid()}'); \
os.makedirs(d, exist_ok=True); os.chmod(d, 0o777)" "${_py_work}/python-shared-tmp")
set_tests_properties(fixture.python.shared-user-dir PROPERTIES FIXTURES_SETUP python_shared_user_dir
                     LABELS "serial;parallel;python" TIMEOUT 60)
pynamic_mode_test(faults.search-root-not-private.serial python pyn_test_env LABELS "python;faults"
                  FIXTURES python_shared_user_dir
                  CHECK --expect-exit 1 --one-line-error
                        --expect-stderr "rank 0 .*search path: .*/python-shared-tmp/pynamic-[0-9]+ is not a private directory of uid [0-9]+ \\(it is a directory of uid [0-9]+, mode 777\\): remove it, or give --search-root DIR$"
                  ARGS "TMPDIR=${_py_work}/python-shared-tmp" $<TARGET_FILE:pynamic-mode-python>)

# The per-run search directories (TMPDIR/pynamic-UID/search-path.HOST.PID.HEX, one per rank): a run removes its
# own at its end, passing or failing, so nothing of it is left under the per-user directory (TMPDIR of the test's
# own: run_mode.py --search-tmpdir), and a passing report's search_root names that directory. Killed, stopped
# and concurrent runs: ctest/faults/tests.cmake.
pynamic_mode_test(faults.search-dirs-removed.python.parallel python pynamic-mode-python RANKS ${_py_np}
                  LABELS "python;faults" CHECK --search-tmpdir "${_py_work}/faults.search-dirs-removed.python.parallel/tmp"
                  ARGS --search-depth 5)
pynamic_mode_test(faults.search-dirs-removed.python-linked.serial python-linked pynamic-mode-python-linked
                  LABELS "python;faults"
                  CHECK --search-tmpdir "${_py_work}/faults.search-dirs-removed.python-linked.serial/tmp")
pynamic_mode_test(faults.search-dirs-removed-failed.python.parallel python pynamic-mode-python RANKS ${_py_np}
                  LABELS "python;faults" FIXTURES missing_library
                  CHECK ${_py_missing} --search-tmpdir "${_py_work}/faults.search-dirs-removed-failed.python.parallel/tmp"
                  ARGS --lib-dir "${_py_work}/missing-library-lib")
if(_py_driver)
  pynamic_driver_test(faults.search-dirs-removed.python-driver.parallel RANKS ${_py_np} LABELS faults
                      CHECK --search-tmpdir "${_py_work}/faults.search-dirs-removed.python-driver.parallel/tmp")
  pynamic_driver_test(faults.search-dirs-removed-failed.python-driver.parallel RANKS ${_py_np} LABELS faults
                      FIXTURES missing_library
                      CHECK ${_py_missing}
                            --search-tmpdir "${_py_work}/faults.search-dirs-removed-failed.python-driver.parallel/tmp"
                      ARGS --lib-dir "${_py_work}/missing-library-lib")
endif()

# A broken sys.path: a search directory holds a file named like a module that is not one.
set(_py_shadowed --expect-exit 1 --expect-stderr
    "rank [0-9]+ .*import: libmodule3: ImportError: .*python-shadowing-root/dir0/libmodule3\\.so: invalid ELF header")
pynamic_mode_test(mode.python.shadowed-module.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  FIXTURES python_shadowed_module CHECK ${_py_shadowed}
                  ARGS --search-root "${_py_work}/python-shadowing-root")
set(_py_mismatch --expect-exit 1
    --expect-stderr "rank 0 .*visit: libmodule0\\.so returned checksum 0x[0-9a-f]+ but .*other-seed/manifest\\.json expects")
pynamic_mode_test(mode.python.checksum-mismatch.parallel python pynamic-mode-python RANKS ${_py_np} LABELS python
                  FIXTURES other_seed CHECK ${_py_mismatch} ARGS --manifest "${_py_work}/other-seed/manifest.json")
pynamic_mode_test(mode.python-linked.checksum-mismatch.serial python-linked pynamic-mode-python-linked LABELS python
                  FIXTURES other_seed CHECK ${_py_mismatch} ARGS --manifest "${_py_work}/other-seed/manifest.json")
if(_py_driver)
  pynamic_driver_test(mode.python-driver.missing-module.parallel RANKS ${_py_np} FIXTURES missing_library
                      CHECK ${_py_missing} ARGS --lib-dir "${_py_work}/missing-library-lib")
  pynamic_driver_test(mode.python-driver.one-rank-fails.parallel RANKS ${_py_np} FIXTURES missing_library
                      CHECK --expect-exit 1
                            --expect-stderr "rank ${_py_last_rank} \\(.*\\): import: libmodulebegin: ImportError: libmodule1\\.so"
                            "--last-rank-args=--lib-dir ${_py_work}/missing-library-lib")
  pynamic_driver_test(mode.python-driver.not-found.serial FIXTURES python_missing_begin
                      CHECK ${_py_not_found} ARGS --lib-dir "${_py_work}/missing-begin-lib")
  pynamic_driver_test(mode.python-driver.module-init-fails.serial FIXTURES python_bad_init
                      CHECK ${_py_bad_init} ARGS --lib-dir "${_py_work}/python-bad-init-lib")
  pynamic_driver_test(mode.python-driver.lib-dir-not-a-directory.parallel RANKS ${_py_np}
                      FIXTURES python_not_a_directory
                      CHECK --expect-exit 1
                            --expect-stderr "rank [0-9]+ .*python: sys.path entry .*/python-not-a-directory: Not a dir"
                      ARGS --lib-dir "${_py_work}/python-not-a-directory")
  pynamic_driver_test(mode.python-driver.shadowed-module.serial FIXTURES python_shadowed_module
                      CHECK ${_py_shadowed} ARGS --search-root "${_py_work}/python-shadowing-root")
  pynamic_driver_test(mode.python-driver.checksum-mismatch.serial FIXTURES other_seed
                      CHECK ${_py_mismatch} ARGS --manifest "${_py_work}/other-seed/manifest.json")
endif()

# --- usage errors: one line, exit status 2 on every rank
set(_py_usage --no-report --expect-exit 2 --one-line-error)
pynamic_mode_test(mode.python.usage.bad-search-depth python pynamic-mode-python LABELS python
                  CHECK ${_py_usage} --expect-stderr "--search-depth: 'two' is not a whole number in 0\\.\\.10000"
                  ARGS --search-depth two)
pynamic_mode_test(mode.python-linked.usage.search-depth-range.parallel python-linked pynamic-mode-python-linked
                  RANKS ${_py_np} LABELS python
                  CHECK ${_py_usage} --expect-stderr "--search-depth: '10001' is not a whole number"
                  ARGS --search-depth=10001)
pynamic_mode_test(mode.python.usage.unknown-option python pynamic-mode-python LABELS python
                  CHECK ${_py_usage} --expect-stderr "unknown option '--bogus'" ARGS --bogus)
pynamic_mode_test(mode.python.usage.help python pynamic-mode-python LABELS python
                  CHECK --no-report --expect-stdout "usage: pynamic-mode-python"
                        "--expect-stdout=--search-depth N" "--expect-stdout=--search-root DIR" ARGS --help)
if(_py_driver)
  pynamic_driver_test(mode.python-driver.usage.bad-search-depth RANKS ${_py_np}
                      CHECK ${_py_usage} --expect-stderr "pynamic_driver.py: --search-depth: '-1' is not a whole"
                      ARGS --search-depth -1)
  pynamic_driver_test(mode.python-driver.usage.help
                      CHECK --no-report --expect-stdout "usage: pynamic_driver.py" "--expect-stdout=--search-depth N"
                      ARGS --help)
endif()

# --- one object for C and Python
add_test(NAME python.module-symbols
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_python_symbols.py" "${CMAKE_READELF}"
          "${PYNAMIC_MANIFEST}" "${PYNAMIC_LIBRARY_DIR}")
set_tests_properties(python.module-symbols PROPERTIES LABELS "serial;python" TIMEOUT 60)
# The C modes load the same modules (dlopen RTLD_NOW; ld.so before main) with no libpython in the process.
set(_py_no_libpython --expect-stderr "calling init: [^\\n]*/libmodule0\\.so" --forbid-stderr "libpython")
pynamic_mode_test(mode.dlopen.no-libpython.serial dlopen pynamic-mode-dlopen LABELS python
                  CHECK --binding now ${_py_no_libpython})
pynamic_mode_test(mode.linked.no-libpython.serial linked pynamic-mode-linked LABELS python CHECK ${_py_no_libpython})
set_tests_properties(mode.dlopen.no-libpython.serial mode.linked.no-libpython.serial PROPERTIES
                     ENVIRONMENT "LD_DEBUG=files")

# --- the import search depth, from the system calls of one rank
find_program(PYNAMIC_STRACE strace DOC "strace, for the import search depth test")
if(PYNAMIC_STRACE)
  add_test(NAME python.search-depth.strace
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_search_probes.py" --strace "${PYNAMIC_STRACE}"
            --manifest "${PYNAMIC_MANIFEST}" --lib-dir "${PYNAMIC_LIBRARY_DIR}"
            --workdir "${_py_work}/python.search-depth.strace" --depth 3 -- $<TARGET_FILE:pynamic-mode-python>)
  # LeakSanitizer cannot run under ptrace (it stops the process's threads
  # itself): in sanitizer builds the traced run checks everything but leaks.
  set_tests_properties(python.search-depth.strace PROPERTIES LABELS "serial;python" TIMEOUT 300
                       ENVIRONMENT_MODIFICATION "ASAN_OPTIONS=string_append::detect_leaks=0")
  if(_py_driver)
    add_test(NAME python-driver.search-depth.strace
      COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_search_probes.py" --strace "${PYNAMIC_STRACE}"
              --manifest "${PYNAMIC_MANIFEST}" --lib-dir "${PYNAMIC_LIBRARY_DIR}"
              --workdir "${_py_work}/python-driver.search-depth.strace" --depth 2
              -- "${Python3_EXECUTABLE}" "${PYNAMIC_DRIVER}")
    set_tests_properties(python-driver.search-depth.strace PROPERTIES LABELS "serial;python" TIMEOUT 300)
  endif()
else()
  message(STATUS "pynamic: strace not found: the import search depth tests (python.search-depth.strace) are left out "
                 "(bench/install-deps.sh --tests installs it)")
endif()
