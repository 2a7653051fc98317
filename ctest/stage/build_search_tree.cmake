# SPDX-License-Identifier: BSD-3-Clause
# cmake -DSOURCE=<repo> -DBUILD=<dir> -DGENERATOR=<gen> -DMAKE_PROGRAM=<p> -DCC=<cc> -DPYTHON=<py>
#       -DCONFIG=<pynamic-gen arguments> -P build_search_tree.cmake
# Configures and builds a small second tree (pynamic-mode-dlopen, its
# libraries and both markers: every file staging handles) whose RUNPATH
# lists several directories (--search-dirs). The fixture of the
# stage.search-dirs.* tests.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${BUILD}" -G "${GENERATOR}" -DBUILD_TESTING=OFF
          -DCMAKE_BUILD_TYPE=Release "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" "-DCMAKE_C_COMPILER=${CC}"
          "-DPython3_EXECUTABLE=${PYTHON}" "-DPYNAMIC_CONFIG=${CONFIG}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "stage: configuring the tree '${CONFIG}' in ${BUILD} failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD}" --target pynamic-mode-dlopen libmodulebegin
                        libmodulefinal RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "stage: building the tree '${CONFIG}' in ${BUILD} failed (${rc})")
endif()
