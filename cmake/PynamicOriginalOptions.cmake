# SPDX-License-Identifier: BSD-3-Clause
# The original's build options in PYNAMIC_CONFIG. config_pynamic.py takes
# them beside the tree's arguments, so published command lines carry them;
# pynamic-gen accepts them and records them in generated/targets.cmake
# (PYNAMIC_GEN_*: docs/generator.md) without letting them change a source.
# Included by PynamicGenerator.cmake right after that fragment. Here:
#
#   -b                 the big executables are in the default build
#                      (src/modes/CMakeLists.txt; without it their tests are
#                      not defined and they are not installed)
#   -i DIR             searched first by the modules and markers
#                      (pynamic_generated_library, which also checks DIR)
#   --with-cc=CMD      too late to honour: project() has chosen the compiler
#   --with-python=CMD  and find_package(Python3) the interpreter; one line
#                      says whether CMD is the one chosen, or which variable
#                      chooses it
#   --with-mpi4py, --with-pympi, -c ARGS
#                      one line each: what does that here
#
# Every value is the user's text: it is only ever quoted ("${...}" expands
# once, and bracket arguments in the fragment expand nothing).

# _pynamic_resolve_program(OUT CMD): CMD's real path (symbolic links
# resolved): looked up on PATH when it has no slash, else a path (relative
# to the source tree, as -i DIR); "" when there is no such program.
function(_pynamic_resolve_program out cmd)
  set(_path "")
  if(cmd MATCHES "/")
    get_filename_component(_candidate "${cmd}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
    if(EXISTS "${_candidate}" AND NOT IS_DIRECTORY "${_candidate}")
      set(_path "${_candidate}")
    endif()
  else()
    unset(_pyn_found_program)
    find_program(_pyn_found_program NAMES "${cmd}" NAMES_PER_DIR NO_CACHE NO_DEFAULT_PATH PATHS ENV PATH)
    if(_pyn_found_program)
      set(_path "${_pyn_found_program}")
    endif()
  endif()
  if(NOT _path STREQUAL "")
    file(REAL_PATH "${_path}" _path)
  endif()
  set(${out} "${_path}" PARENT_SCOPE)
endfunction()

# _pynamic_compare_program(OPTION CMD VARIABLE WHAT HOW): one STATUS line
# when CMD is the program VARIABLE holds (WHAT it does here), else one
# WARNING naming -DVARIABLE=CMD (HOW: where to pass it).
function(_pynamic_compare_program option cmd variable what how)
  _pynamic_resolve_program(_want "${cmd}")
  file(REAL_PATH "${${variable}}" _have)
  if(NOT _want STREQUAL "" AND _want STREQUAL _have)
    message(STATUS "pynamic: ${option}=${cmd}: the same file as ${variable} (${${variable}}), ${what}")
    return()
  endif()
  if(_want STREQUAL "")
    set(_want "not found")
  endif()
  message(WARNING "pynamic: ${option}=${cmd} (${_want}) is not ${variable} (${_have}) and cannot be honoured "
                  "after configure chose it: ${how} -D${variable}=${cmd}")
endfunction()

if(NOT PYNAMIC_GEN_WITH_CC STREQUAL "")
  _pynamic_compare_program(--with-cc "${PYNAMIC_GEN_WITH_CC}" CMAKE_C_COMPILER
                           "which compiles the generated libraries" "configure a new build directory with")
endif()
if(NOT PYNAMIC_GEN_WITH_PYTHON STREQUAL "")
  _pynamic_compare_program(--with-python "${PYNAMIC_GEN_WITH_PYTHON}" Python3_EXECUTABLE
                           "whose headers the modules use and which runs the Python modes and the driver"
                           "reconfigure with")
endif()
if(PYNAMIC_GEN_WITH_MPI4PY)
  message(STATUS "pynamic: --with-mpi4py: the original's mpi4py-based vanilla-interpreter run is "
                 "'${Python3_EXECUTABLE} ${CMAKE_BINARY_DIR}/pynamic_driver.py' here (always built), which needs "
                 "no mpi4py: its own extension module brings the runtime and MPI")
endif()
if(PYNAMIC_GEN_WITH_PYMPI)
  message(STATUS "pynamic: --with-pympi: no pyMPI is built here; the original's pyMPI executables are "
                 "pynamic-mode-python-linked (pynamic-pyMPI) and pynamic-mode-python-static (pynamic-sdb-pyMPI), "
                 "always built, and the driver (pynamic_driver.py) needs neither pyMPI nor mpi4py")
endif()
if(PYNAMIC_GEN_CONFIGURE)
  set(_pyn_c_args "")
  if(PYNAMIC_GEN_CONFIGURE_ARGC GREATER 0)
    math(EXPR _pyn_c_last "${PYNAMIC_GEN_CONFIGURE_ARGC} - 1")
    foreach(_i RANGE ${_pyn_c_last})
      set(_pyn_c_arg "${PYNAMIC_GEN_CONFIGURE_ARG${_i}}")
      if(_pyn_c_arg MATCHES "[ \t]")  # as the shell took it
        set(_pyn_c_arg "'${_pyn_c_arg}'")
      endif()
      string(APPEND _pyn_c_args " ${_pyn_c_arg}")
    endforeach()
  endif()
  message(STATUS "pynamic: -c${_pyn_c_args}: pyMPI's configure arguments have no equivalent here (no pyMPI is "
                 "built) and are ignored; the generated code's compiler flags are PYNAMIC_GENERATED_C_FLAGS "
                 "(${PYNAMIC_GENERATED_C_FLAGS})")
  unset(_pyn_c_args)
  unset(_pyn_c_arg)
  unset(_pyn_c_last)
endif()
