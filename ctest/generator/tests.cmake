# SPDX-License-Identifier: BSD-3-Clause
# Tests of pynamic-gen, included from ctest/CMakeLists.txt.
# Uses PYNAMIC_GENERATOR_EXECUTABLE (the built pynamic-gen) and
# Python3_EXECUTABLE; the scripts need only Python's standard library.

# The prediction test compiles generated code like the real build does.
if(CMAKE_C_COMPILER)
  set(_pyn_gen_cc "${CMAKE_C_COMPILER}")
else()
  set(_pyn_gen_cc cc)
endif()
set(_pyn_gen_checksum_dir "${CMAKE_CURRENT_LIST_DIR}/../../src/runtime")

add_test(NAME generator.bad_input
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_bad_input.py
          ${PYNAMIC_GENERATOR_EXECUTABLE})
add_test(NAME generator.determinism
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_determinism.py
          ${PYNAMIC_GENERATOR_EXECUTABLE})
add_test(NAME generator.rerun
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_rerun.py
          ${PYNAMIC_GENERATOR_EXECUTABLE})
add_test(NAME generator.manifest
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_manifest.py
          ${PYNAMIC_GENERATOR_EXECUTABLE} ${CMAKE_COMMAND})
# The modules are also CPython extension modules: Python's headers, and
# Python3_EXECUTABLE (the same installation) imports them.
list(GET Python3_INCLUDE_DIRS 0 _pyn_gen_python_include)
add_test(NAME generator.prediction
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_prediction.py
          ${PYNAMIC_GENERATOR_EXECUTABLE} ${_pyn_gen_cc} ${_pyn_gen_checksum_dir} ${_pyn_gen_python_include})

# The original's build options (-b, -i, --with-*, -c) in targets.cmake,
# read back by cmake -P with hostile values.
add_test(NAME generator.build_options
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_build_options.py
          ${PYNAMIC_GENERATOR_EXECUTABLE} ${CMAKE_COMMAND})

set_tests_properties(generator.bad_input generator.determinism generator.rerun
  generator.manifest generator.build_options PROPERTIES LABELS "serial;generator" TIMEOUT 60)

# An output directory 492 bytes deep it cannot write: the one line keeps the cause, the path loses its middle.
add_test(NAME generator.long-path-cause
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_long_path.py ${PYNAMIC_GENERATOR_EXECUTABLE})
set_tests_properties(generator.long-path-cause PROPERTIES LABELS "serial;generator;faults" TIMEOUT 60)
# Compiles and runs three small trees at three optimisation settings.
set_tests_properties(generator.prediction PROPERTIES
  LABELS "serial;generator" TIMEOUT 180)

# What the outer build does with a pasted command line's build options:
# configures (four times, never builds) a tiny tree in its own directory
# and reads ninja's dry run, ctest -N and compile_commands.json.
if(CMAKE_GENERATOR STREQUAL "Ninja")
  add_test(NAME generator.configure_options
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_configure_options.py
            --source "${PROJECT_SOURCE_DIR}" --build "${PYNAMIC_TEST_WORK}/generator.configure_options"
            --cmake "${CMAKE_COMMAND}" --ninja "${CMAKE_MAKE_PROGRAM}" --c-compiler "${CMAKE_C_COMPILER}"
            --python "${Python3_EXECUTABLE}")
  set_tests_properties(generator.configure_options PROPERTIES LABELS "generator;build;serial" TIMEOUT 300)
else()
  message(STATUS "pynamic: generator.configure_options needs the Ninja generator (its dry run), not "
                 "${CMAKE_GENERATOR}: not registered")
endif()

unset(_pyn_gen_cc)
unset(_pyn_gen_checksum_dir)
unset(_pyn_gen_python_include)

# An interrupted generator leaves no temporary files and no writers; the
# next run removes what a SIGKILL left (test_signals.py). The shim holds
# the writers while their temporary file exists.
add_library(pyn_rename_pause_shim MODULE "${CMAKE_CURRENT_LIST_DIR}/rename_pause_shim.c")
set_target_properties(pyn_rename_pause_shim PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF PREFIX "lib")
target_compile_options(pyn_rename_pause_shim PRIVATE -Wall -Wextra)
target_link_libraries(pyn_rename_pause_shim PRIVATE ${CMAKE_DL_LIBS})
add_test(NAME generator.signals
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_signals.py
          ${PYNAMIC_GENERATOR_EXECUTABLE} $<TARGET_FILE:pyn_rename_pause_shim>)
set_tests_properties(generator.signals PROPERTIES LABELS "generator;faults;serial" TIMEOUT 180)
