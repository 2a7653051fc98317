# SPDX-License-Identifier: BSD-3-Clause
# The superbuild step: at configure time, build the generator for the host
# (its own small CMake project, with the host's default compiler, not the
# MPI wrapper or a cross compiler) and run it on PYNAMIC_CONFIG. The
# generator rewrites only files whose content changes, so reconfiguring with
# the same arguments rebuilds nothing.

set(_gen_build "${CMAKE_BINARY_DIR}/_generator")
set(PYNAMIC_GENERATOR_EXECUTABLE "${CMAKE_BINARY_DIR}/pynamic-gen")

function(_pynamic_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pynamic: ${what} failed (${rc}):\n${out}")
  endif()
endfunction()

_pynamic_step("configuring the generator"
  "${CMAKE_COMMAND}" -S "${PROJECT_SOURCE_DIR}/src/generator" -B "${_gen_build}"
  -G "${CMAKE_GENERATOR}" -DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM} -DCMAKE_BUILD_TYPE=Release
  "-DPYNAMIC_GEN_OUTPUT_DIR=${CMAKE_BINARY_DIR}" "-DPYNAMIC_VERSION=${PROJECT_VERSION}")
_pynamic_step("building the generator" "${CMAKE_COMMAND}" --build "${_gen_build}")

separate_arguments(_gen_args UNIX_COMMAND "${PYNAMIC_CONFIG}")
execute_process(
  COMMAND "${PYNAMIC_GENERATOR_EXECUTABLE}" -o "${PYNAMIC_GENERATED_DIR}" ${_gen_args}
  RESULT_VARIABLE _gen_rc OUTPUT_VARIABLE _gen_out ERROR_VARIABLE _gen_err
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE)
if(NOT _gen_rc EQUAL 0)
  message(FATAL_ERROR "PYNAMIC_CONFIG=\"${PYNAMIC_CONFIG}\" was rejected by pynamic-gen:\n  ${_gen_err}")
endif()
message(STATUS "${_gen_out}")

# Editing the generator (or the checksum it shares with the runtime, or
# src/common, which it builds too) reruns configure, which rebuilds and
# reruns it. (No CONFIGURE_DEPENDS glob: it would re-check the directory on
# every build; a new source file is added to the generator's or src/common's
# CMakeLists.txt, which are listed here anyway.)
file(GLOB _gen_sources
  "${PROJECT_SOURCE_DIR}/src/generator/*.c" "${PROJECT_SOURCE_DIR}/src/generator/*.h"
  "${PROJECT_SOURCE_DIR}/src/generator/*.in"
  "${PROJECT_SOURCE_DIR}/src/generator/CMakeLists.txt"
  "${PROJECT_SOURCE_DIR}/src/common/*.c" "${PROJECT_SOURCE_DIR}/src/common/*.h"
  "${PROJECT_SOURCE_DIR}/src/common/CMakeLists.txt")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_gen_sources} "${PROJECT_SOURCE_DIR}/src/runtime/pyn_checksum.h" "${PYNAMIC_GENERATED_DIR}/manifest.json")

set(PYNAMIC_MANIFEST "${PYNAMIC_GENERATED_DIR}/manifest.json")
include("${PYNAMIC_GENERATED_DIR}/targets.cmake")
# -b, -i, --with-*, -c of PYNAMIC_CONFIG, recorded by the fragment.
include(PynamicOriginalOptions)
# The original's link order: modules, then utilities. It decides the global
# scope of the linked modes, hence how many objects each symbol lookup
# passes (a module's reference to a utility function passes every module).
set(PYNAMIC_GENERATED_LIBRARIES ${PYNAMIC_GEN_MODULES} ${PYNAMIC_GEN_UTILITIES})
list(LENGTH PYNAMIC_GEN_UTILITIES PYNAMIC_NUM_UTILITIES)
list(LENGTH PYNAMIC_GEN_MODULES PYNAMIC_NUM_MODULES)
add_custom_target(pynamic-generated-libraries DEPENDS ${PYNAMIC_GENERATED_LIBRARIES})
