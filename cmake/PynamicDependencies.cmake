# SPDX-License-Identifier: BSD-3-Clause
# Finds MPICH (by name, never through Debian's mpicc/mpiexec alternatives,
# which may point at Open MPI) and jansson. Python: cmake/PynamicPython.cmake.
# A site preset may set MPI_C_COMPILER / MPIEXEC_EXECUTABLE to its own.

if(NOT MPI_C_COMPILER)
  find_program(PYNAMIC_MPICH_CC NAMES mpicc.mpich DOC "MPICH's C compiler wrapper")
  if(PYNAMIC_MPICH_CC)
    set(MPI_C_COMPILER "${PYNAMIC_MPICH_CC}" CACHE FILEPATH "MPI C compiler wrapper" FORCE)
  endif()
endif()
if(NOT MPIEXEC_EXECUTABLE)
  find_program(PYNAMIC_MPICH_EXEC NAMES mpiexec.mpich DOC "MPICH's launcher")
  if(PYNAMIC_MPICH_EXEC)
    set(MPIEXEC_EXECUTABLE "${PYNAMIC_MPICH_EXEC}" CACHE FILEPATH "MPI launcher" FORCE)
  endif()
endif()
# Ask FindMPI to run MPI_Get_library_version, so we can tell MPICH from others.
set(MPI_DETERMINE_LIBRARY_VERSION TRUE)
find_package(MPI 3.0 REQUIRED COMPONENTS C)
if(NOT MPI_C_LIBRARY_VERSION_STRING MATCHES "MPICH|CRAY MPICH|Intel|MVAPICH")
  message(WARNING "The MPI found (${MPI_C_LIBRARY_VERSION_STRING}) does not look like MPICH or an MPICH "
                  "derivative; pynamic is tested with MPICH. Set MPI_C_COMPILER to choose another.")
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson>=2.10)

# libfuse3 for pynamic-mdsfs, the emulated shared file system (docs/mdsfs.md).
# 3.12 for the fuse_loop_cfg_* API.
pkg_check_modules(FUSE3 IMPORTED_TARGET fuse3>=3.12)
if(NOT FUSE3_FOUND)
  message(FATAL_ERROR "libfuse3 (>= 3.12) not found through pkg-config: pynamic-mdsfs, the emulated shared file "
                      "system, needs it. Install it with bench/install-deps.sh (apt-get install libfuse3-dev fuse3).")
endif()
find_package(Threads REQUIRED)

# Rank placement and binding (src/runtime/pyn_placement.c): hwloc 2's API.
pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET hwloc>=2.0)
