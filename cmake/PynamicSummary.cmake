# SPDX-License-Identifier: BSD-3-Clause
# What was found and what will be built, at the end of every configure.
message(STATUS "")
message(STATUS "pynamic ${PROJECT_VERSION} configuration")
message(STATUS "  generator arguments : ${PYNAMIC_CONFIG}")
message(STATUS "  generated libraries : ${PYNAMIC_NUM_UTILITIES} utility + ${PYNAMIC_NUM_MODULES} module, in ${PYNAMIC_LIBRARY_DIR}")
message(STATUS "  generated C flags   : ${PYNAMIC_GENERATED_C_FLAGS}")
if(NOT PYNAMIC_GEN_INCLUDE_DIR STREQUAL "")
  pynamic_generated_include_dir(_pyn_summary_include)
  message(STATUS "  module include dir  : ${_pyn_summary_include} (-i), before Python's")
endif()
if(PYNAMIC_GEN_BIG_EXECUTABLES)
  message(STATUS "  big executables     : pynamic-mode-bigexe, pynamic-mode-python-bigexe built by default (-b), "
                 "${PYNAMIC_BIGEXE_TEXT_MB} MiB of padding each")
else()
  message(STATUS "  big executables     : not built by default (no -b in PYNAMIC_CONFIG): their tests are not "
                 "defined and they are not installed; build them with cmake --build ${CMAKE_BINARY_DIR} --target "
                 "pynamic-mode-bigexe pynamic-mode-python-bigexe, or add -b")
endif()
message(STATUS "  C compiler          : ${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION} (${CMAKE_BUILD_TYPE})")
# MPI_Get_library_version's text is many lines (MPICH's ends with its whole
# configure line and every compiler's flags): its first line and the device.
string(REGEX REPLACE "\n.*" "" _pyn_summary_mpi "${MPI_C_LIBRARY_VERSION_STRING}")
if(MPI_C_LIBRARY_VERSION_STRING MATCHES "MPICH Device:[ \t]*([^\n]*)")
  string(APPEND _pyn_summary_mpi ", device ${CMAKE_MATCH_1}")
endif()
string(REGEX REPLACE "[ \t]+" " " _pyn_summary_mpi "${_pyn_summary_mpi}")
message(STATUS "  MPI                 : ${_pyn_summary_mpi} (${MPI_C_COMPILER})")
message(STATUS "  MPI launcher        : ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} N")
message(STATUS "  jansson             : ${JANSSON_VERSION}")
message(STATUS "  libfuse3            : ${FUSE3_VERSION} (pynamic-mdsfs)")
message(STATUS "  hwloc               : ${HWLOC_VERSION}")
message(STATUS "  Python              : ${Python3_EXECUTABLE} ${Python3_VERSION} (home ${PYNAMIC_PYTHON_HOME})")
message(STATUS "  sanitizers          : ${PYNAMIC_SANITIZERS}")
message(STATUS "")
