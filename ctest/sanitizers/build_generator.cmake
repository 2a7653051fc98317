# SPDX-License-Identifier: BSD-3-Clause
# cmake -DSOURCE=<repo> -DBUILD=<dir> -DGENERATOR=<gen> -DMAKE_PROGRAM=<p> -DCC=<cc>
#       -DSANITIZERS=<address,undefined> -DVERSION=<x.y.z> -P build_generator.cmake
# Builds pynamic-gen with the build's sanitizers into BUILD (the outer build
# runs its own pynamic-gen at configure time, unsanitized). The fixture of
# the sanitizers.generator.* tests.
set(_flags "-fsanitize=${SANITIZERS} -fno-sanitize-recover=all -fno-omit-frame-pointer -g")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}/src/generator" -B "${BUILD}" -G "${GENERATOR}"
          "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" "-DCMAKE_C_COMPILER=${CC}" -DCMAKE_BUILD_TYPE=Debug
          "-DCMAKE_C_FLAGS=${_flags}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZERS}"
          "-DPYNAMIC_GEN_OUTPUT_DIR=${BUILD}" "-DPYNAMIC_VERSION=${VERSION}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sanitizers: configuring pynamic-gen with -fsanitize=${SANITIZERS} in ${BUILD} failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sanitizers: building pynamic-gen with -fsanitize=${SANITIZERS} failed (${rc})")
endif()
