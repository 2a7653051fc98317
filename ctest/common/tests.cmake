# SPDX-License-Identifier: BSD-3-Clause
# Unit tests of the programs' shared plumbing, src/common: pyn_tool.[ch]
# (labels unit, serial), and pyn_check.h, the CHECK every C unit test
# uses. Included from ctest/CMakeLists.txt.
pynamic_unit_test(common.unit "${CMAKE_CURRENT_LIST_DIR}/test_tool.c" pynamic_tool)

# The typed option layer, src/common/pyn_opt_value.[ch] and pyn_options.[ch]:
# every kind, its range and edges, the grammar and the one error line.
pynamic_unit_test(options.unit "${CMAKE_CURRENT_LIST_DIR}/test_options.c" pynamic_tool)
target_compile_definitions(pyn_options_unit PRIVATE _POSIX_C_SOURCE=200809L) # open_memstream
