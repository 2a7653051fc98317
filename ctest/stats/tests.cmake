# SPDX-License-Identifier: BSD-3-Clause
# Unit tests of the statistics and the results summary (labels unit,
# serial), in one process without MPI. Included from ctest/CMakeLists.txt.
#   stats.unit    pyn_stats_compute (src/runtime/pyn_stats.h): odd and even
#                 counts, one value, NaN (not measured), ties for the max,
#                 negative values and zeros, infinities, 200000 values;
#   results.unit  pyn_results_summarise over rank records built by hand:
#                 counts and verdicts, every metric's spread and slowest
#                 rank, page faults, file-system counts, staging;
#   fields.unit   the field table (src/runtime/pyn_fields.h): unique keys
#                 and CSV columns, the per-slot rows, a doc per row, and
#                 the values and nulls pyn_field_get reads.
foreach(_unit stats results fields)
  pynamic_unit_test(${_unit}.unit "${CMAKE_CURRENT_LIST_DIR}/test_${_unit}.c" pynamic_core)
endforeach()
