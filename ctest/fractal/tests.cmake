# The MPI capability test (the original's fractal, docs/report.md): label
# `fractal`, plus serial or parallel. Included from ctest/CMakeLists.txt.
#
# The tests:
#   fractal.unit                pyn_fractal in one process: the row split,
#                               pixels worked out by hand, the check of a
#                               gathered image, the BMP header and file, the
#                               output-path check (sanitized in the asan preset);

set(_fr_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_fr_work "${PYNAMIC_TEST_WORK}/fractal")

add_executable(pyn_fractal_unit "${_fr_dir}/test_fractal.c")
set_target_properties(pyn_fractal_unit PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_options(pyn_fractal_unit PRIVATE -Wall -Wextra)
target_link_libraries(pyn_fractal_unit PRIVATE pynamic_core)
pynamic_apply_sanitizers(pyn_fractal_unit)
add_test(NAME fractal.unit COMMAND pyn_fractal_unit "${_fr_work}/unit")
set_tests_properties(fractal.unit PROPERTIES LABELS "fractal;serial" TIMEOUT 60)
