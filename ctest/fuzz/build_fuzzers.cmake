# SPDX-License-Identifier: BSD-3-Clause
# cmake -DCLANG=<clang> -DSOURCE=<repo> -DBUILD=<dir> -DGENERATOR=<gen> [-DMAKE_PROGRAM=<p>] -P build_fuzzers.cmake
# Configures and builds ctest/fuzz (the libFuzzer targets) with clang. The
# fixture of the fuzz tests: a missing clang fails here, loudly, instead of
# the fuzz tests being skipped.
if(NOT CLANG)
  message(FATAL_ERROR "fuzz: clang was not found when this build was configured; the fuzz tests need clang's "
                      "libFuzzer (bench/install-deps.sh --tests installs it), then reconfigure")
endif()
set(_args -S "${SOURCE}/ctest/fuzz" -B "${BUILD}" -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${CLANG}"
          "-DPYNAMIC_SOURCE_DIR=${SOURCE}")
if(MAKE_PROGRAM)
  list(APPEND _args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" ${_args} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz: configuring the fuzz targets in ${BUILD} failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz: building the fuzz targets in ${BUILD} failed (${rc})")
endif()
