# SPDX-License-Identifier: BSD-3-Clause
# bench/sweep.py, small: both file systems (local and pynamic-mdsfs, which
# needs root and /dev/fuse), two modes, 1 and 2 ranks, warm and cold, plots.
if(TARGET pynamic-mdsfs)
  add_test(NAME bench.sweep.parallel
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_sweep.py"
            --sweep "${PROJECT_SOURCE_DIR}/bench/sweep.py" --build "${CMAKE_BINARY_DIR}"
            --out "${PYNAMIC_TEST_WORK}/bench.sweep.parallel" --launcher "${MPIEXEC_EXECUTABLE}"
            "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}")
  # It evicts (--cold) and mounts: alone, like the other page-cache tests.
  set_tests_properties(bench.sweep.parallel PROPERTIES LABELS "parallel;bench;mdsfs" TIMEOUT 600 PROCESSORS 2
                       RESOURCE_LOCK pynamic_page_cache)
endif()
