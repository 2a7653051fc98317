# Unit tests of the programs' shared plumbing, src/common: pyn_tool.[ch]
# (labels unit, serial), and pyn_check.h, the CHECK every C unit test
# uses. Included from ctest/CMakeLists.txt.
add_executable(pyn_tool_unit "${CMAKE_CURRENT_LIST_DIR}/test_tool.c")
set_target_properties(pyn_tool_unit PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_options(pyn_tool_unit PRIVATE -Wall -Wextra)
target_link_libraries(pyn_tool_unit PRIVATE pynamic_tool)
target_include_directories(pyn_tool_unit PRIVATE "${CMAKE_CURRENT_LIST_DIR}") # pyn_check.h
pynamic_apply_sanitizers(pyn_tool_unit)
add_test(NAME common.unit COMMAND pyn_tool_unit)
set_tests_properties(common.unit PROPERTIES LABELS "unit;serial" TIMEOUT 60)

# The typed option layer, src/common/pyn_opt_value.[ch] and pyn_options.[ch]:
# every kind, its range and edges, the grammar and the one error line.
add_executable(pyn_options_unit "${CMAKE_CURRENT_LIST_DIR}/test_options.c")
set_target_properties(pyn_options_unit PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_definitions(pyn_options_unit PRIVATE _POSIX_C_SOURCE=200809L) # open_memstream
target_compile_options(pyn_options_unit PRIVATE -Wall -Wextra)
target_link_libraries(pyn_options_unit PRIVATE pynamic_tool)
target_include_directories(pyn_options_unit PRIVATE "${CMAKE_CURRENT_LIST_DIR}") # pyn_check.h
pynamic_apply_sanitizers(pyn_options_unit)
add_test(NAME options.unit COMMAND pyn_options_unit)
set_tests_properties(options.unit PROPERTIES LABELS "unit;serial" TIMEOUT 60)
