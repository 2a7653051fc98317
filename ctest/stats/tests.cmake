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
  add_executable(pyn_${_unit}_unit "${CMAKE_CURRENT_LIST_DIR}/test_${_unit}.c")
  set_target_properties(pyn_${_unit}_unit PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
  target_compile_options(pyn_${_unit}_unit PRIVATE -Wall -Wextra)
  target_link_libraries(pyn_${_unit}_unit PRIVATE pynamic_core)
  target_include_directories(pyn_${_unit}_unit PRIVATE "${CMAKE_CURRENT_LIST_DIR}/../common") # pyn_check.h
  pynamic_apply_sanitizers(pyn_${_unit}_unit)
  add_test(NAME ${_unit}.unit COMMAND pyn_${_unit}_unit)
  set_tests_properties(${_unit}.unit PROPERTIES LABELS "unit;serial" TIMEOUT 60)
endforeach()
