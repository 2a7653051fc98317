# SPDX-License-Identifier: BSD-3-Clause
# pynamic_unit_test(NAME SOURCE LIBRARY [LABELS ...] [ARGS ...]): a C unit
# test, one process without MPI: SOURCE built against LIBRARY with the
# shared CHECK (ctest/common/pyn_check.h) and the sanitizers of the build,
# registered as test NAME with the labels unit and serial (plus LABELS).
function(pynamic_unit_test name source library)
  cmake_parse_arguments(U "" "" "LABELS;ARGS" ${ARGN})
  string(REPLACE "." "_" target "pyn_${name}")
  add_executable(${target} "${source}")
  set_target_properties(${target} PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  target_link_libraries(${target} PRIVATE ${library})
  target_include_directories(${target} PRIVATE "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/common") # pyn_check.h
  pynamic_apply_sanitizers(${target})
  add_test(NAME ${name} COMMAND ${target} ${U_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "unit;serial;${U_LABELS}" TIMEOUT 60)
endfunction()
