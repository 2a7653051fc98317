# loader.unit (labels unit, serial, faults): pyn_elf_check_loadable
# (src/runtime/pyn_elf_check.h) on copies of a generated library with one
# ELF header field broken each (class, byte order, machine, type; empty,
# short, not ELF, a directory, a device, missing), and pyn_loader_explain
# on ld.so's messages, one of them from a real dlopen of a library of
# another machine. Included from ctest/CMakeLists.txt.
pynamic_unit_test(loader.unit "${CMAKE_CURRENT_LIST_DIR}/test_elf_check.c" pynamic_core LABELS faults
                  ARGS "${PYNAMIC_LIBRARY_DIR}/libmodule0.so" "${CMAKE_CURRENT_BINARY_DIR}/loader.unit")
