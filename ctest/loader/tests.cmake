# SPDX-License-Identifier: BSD-3-Clause
# loader.unit (labels unit, serial, faults): pyn_elf_check_loadable
# (src/runtime/pyn_elf_check.h) on copies of a generated library with one
# ELF header field broken each (class, byte order, machine, type; empty,
# short, not ELF, a directory, a device, missing), and pyn_loader_explain
# on ld.so's messages, one of them from a real dlopen of a library of
# another machine. Included from ctest/CMakeLists.txt.
pynamic_unit_test(loader.unit "${CMAKE_CURRENT_LIST_DIR}/test_elf_check.c" pynamic_core LABELS faults
                  ARGS "${PYNAMIC_LIBRARY_DIR}/libmodule0.so" "${CMAKE_CURRENT_BINARY_DIR}/loader.unit")

# loader.search-order: pyn_ld_search's places for a missing DT_NEEDED are the
# files ld.so itself tries (LD_DEBUG=libs), in its order, apart from the hwcap
# subdirectories it does not model (search_order.py).
add_executable(pyn_ld_search_probe "${CMAKE_CURRENT_LIST_DIR}/ld_search_probe.c")
set_target_properties(pyn_ld_search_probe PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_options(pyn_ld_search_probe PRIVATE -Wall -Wextra)
target_link_libraries(pyn_ld_search_probe PRIVATE pynamic_core ${CMAKE_DL_LIBS})
pynamic_apply_sanitizers(pyn_ld_search_probe)
if(PYNAMIC_NUM_UTILITIES GREATER 0)
  add_test(NAME loader.search-order
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/search_order.py" --probe $<TARGET_FILE:pyn_ld_search_probe>
            --lib "${PYNAMIC_LIBRARY_DIR}/libmodule0.so" --name libutility0.so
            --workdir "${PYNAMIC_TEST_WORK}/loader.search-order")
  set_tests_properties(loader.search-order PROPERTIES LABELS "unit;serial;faults" TIMEOUT 60)
endif()
