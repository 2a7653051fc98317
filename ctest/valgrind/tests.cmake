# SPDX-License-Identifier: BSD-3-Clause
# Valgrind memcheck (label `valgrind`): pynamic-gen and the modes as single
# processes under memcheck, their success and error paths, with only the
# system's own code suppressed (system.supp: MPICH's MPI_Init, ld.so).
# Included from ctest/CMakeLists.txt.
#
# Memcheck cannot run sanitizer-instrumented programs: in a build with
# PYNAMIC_SANITIZERS (the asan preset, which checks the same code with
# ASan/UBSan/LSan) the test is not registered, and configure says so.

find_program(PYNAMIC_VALGRIND NAMES valgrind DOC "valgrind, for the memcheck test")
if(PYNAMIC_SANITIZERS)
  message(STATUS "valgrind: memcheck test not registered: this build uses sanitizers (${PYNAMIC_SANITIZERS}), "
                 "which valgrind cannot run; the ci preset runs it")
else()
  add_test(NAME valgrind.memcheck
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/run_memcheck.py"
            "--valgrind=${PYNAMIC_VALGRIND}" --suppressions "${CMAKE_CURRENT_LIST_DIR}/system.supp"
            --workdir "${PYNAMIC_TEST_WORK}/valgrind.memcheck" --generator "${PYNAMIC_GENERATOR_EXECUTABLE}"
            --config "${PYNAMIC_CONFIG}" --mode $<TARGET_FILE:pynamic-mode-dlopen>
            --mode $<TARGET_FILE:pynamic-mode-linked>)
  set_tests_properties(valgrind.memcheck PROPERTIES LABELS "valgrind;serial" TIMEOUT 600)
endif()
