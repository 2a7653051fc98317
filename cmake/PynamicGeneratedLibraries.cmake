# SPDX-License-Identifier: BSD-3-Clause
# pynamic_generated_library(NAME KIND SOURCE [LINKED_LIBRARY...])
#
# Called once per library by the generator's fragment (generated/targets.cmake).
# KIND is UTILITY, MODULE or MARKER. The source is compiled once, into
# NAME_objects; that object feeds both the shared library NAME (lib/NAME.so,
# what the modes load) and the static archive NAME_static (built only when a
# target needs it: the static and big-executable modes). Each module links
# with --no-as-needed against every utility library, so it carries one
# DT_NEEDED per utility like the original.
#
# Modules and markers are also CPython extension modules (PyInit_NAME): they
# compile against Python's headers (Python3::Module, from PynamicPython.cmake)
# but never link libpython. The Python functions they call are weak in the
# generated code, so the C modes load the same objects with no interpreter
# in the process.

# pynamic_search_runpath(OUT TO_LIB): the RUNPATH list of a binary whose
# $ORIGIN reaches lib/ through TO_LIB ("" for the libraries themselves,
# "/lib" for the executables): PYNAMIC_GEN_SEARCH_DIRS - 1 empty directories
# lib/search/1.. (created here), then lib/ itself. Set by the generator's
# fragment from --search-dirs; ld.so probes every listed directory for each
# library it searches for, which is the point (docs/metrics.md).
function(pynamic_search_runpath out to_lib)
  set(_dirs "")
  if(DEFINED PYNAMIC_GEN_SEARCH_DIRS AND PYNAMIC_GEN_SEARCH_DIRS GREATER 1)
    math(EXPR _last "${PYNAMIC_GEN_SEARCH_DIRS} - 1")
    foreach(_i RANGE 1 ${_last})
      list(APPEND _dirs "$ORIGIN${to_lib}/search/${_i}")
      file(MAKE_DIRECTORY "${PYNAMIC_LIBRARY_DIR}/search/${_i}")
    endforeach()
  endif()
  list(APPEND _dirs "$ORIGIN${to_lib}")
  set(${out} "${_dirs}" PARENT_SCOPE)
endfunction()

# pynamic_generated_include_dir(OUT): the -i DIR of PYNAMIC_CONFIG (the
# original's Python include directory; PYNAMIC_GEN_INCLUDE_DIR, set by the
# generator's fragment before any library), absolute, or "" without -i. A
# relative DIR is taken from the source tree, where the original's
# config_pynamic.py ran. A DIR that is not a directory (or that CMake would
# not take literally) fails configure with one line.
function(pynamic_generated_include_dir out)
  set(_dir "")
  if(DEFINED PYNAMIC_GEN_INCLUDE_DIR AND NOT PYNAMIC_GEN_INCLUDE_DIR STREQUAL "")
    get_filename_component(_dir "${PYNAMIC_GEN_INCLUDE_DIR}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
    if(NOT IS_DIRECTORY "${_dir}")
      set(_from "")
      if(NOT IS_ABSOLUTE "${PYNAMIC_GEN_INCLUDE_DIR}")
        set(_from " (${_dir}: a relative DIR is taken from the source tree)")
      endif()
      message(FATAL_ERROR "PYNAMIC_CONFIG: -i DIR: '${PYNAMIC_GEN_INCLUDE_DIR}' is not a directory${_from}")
    endif()
    # target_include_directories() would split it at a ';' and evaluate a '$<'.
    if(_dir MATCHES ";|\\$<")
      message(FATAL_ERROR "PYNAMIC_CONFIG: -i DIR: '${PYNAMIC_GEN_INCLUDE_DIR}' contains ';' or '$<', which CMake "
                          "would read as a list or a generator expression")
    endif()
  endif()
  set(${out} "${_dir}" PARENT_SCOPE)
endfunction()

# pynamic_link_by_name(TARGET LIBRARY...): TARGET links the generated
# libraries by name (-L lib/ -l:NAME.so), in the order given, and is built
# after them. Not as CMake targets, for two reasons: the libraries have no
# DT_SONAME (as the original's), so a library linked by its path would be
# recorded as a DT_NEEDED of that path ("lib/libutility0.so", opened
# relative to the working directory, never searched for); and CMake would
# reorder targets by their own dependencies (libmodulebegin ahead of the
# modules it needs), not keep the original's link order.
function(pynamic_link_by_name target)
  set(_flags "-L${PYNAMIC_LIBRARY_DIR}")
  foreach(_lib IN LISTS ARGN)
    list(APPEND _flags "-l:${_lib}.so")
  endforeach()
  target_link_libraries(${target} PRIVATE ${_flags})
  add_dependencies(${target} ${ARGN})
endfunction()

# pynamic_generated_c_flags(OUT): the C flags every generated library is
# compiled with, as one string in the compiler's order (the build type's,
# position-independent code, PYNAMIC_GENERATED_C_FLAGS, the sanitizers', the
# C standard), for the reports (src/runtime/pyn_build.h); the include
# directories and the dependency-file options are left out.
# build.generated-c-flags compares it with the compile command Ninja runs.
# Single-configuration generators only (CMAKE_BUILD_TYPE), as the presets.
function(pynamic_generated_c_flags out)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" _config)
  set(_flags ${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${_config}} ${CMAKE_C_COMPILE_OPTIONS_PIC} ${PYNAMIC_GENERATED_C_FLAGS}
             ${PYNAMIC_SANITIZER_COMPILE_OPTIONS} ${CMAKE_C11_STANDARD_COMPILE_OPTION})
  list(JOIN _flags " " _flags)
  string(REGEX REPLACE "  +" " " _flags "${_flags}")
  string(STRIP "${_flags}" _flags)
  set(${out} "${_flags}" PARENT_SCOPE)
endfunction()

function(pynamic_generated_library name kind source)
  if(NOT kind MATCHES "^(UTILITY|MODULE|MARKER)$")
    message(FATAL_ERROR "pynamic_generated_library(${name}): KIND must be UTILITY, MODULE or MARKER, not '${kind}'")
  endif()
  add_library(${name}_objects OBJECT "${source}")
  set_target_properties(${name}_objects PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 11 C_EXTENSIONS OFF)
  target_include_directories(${name}_objects PRIVATE "${PROJECT_SOURCE_DIR}/src/runtime")
  if(NOT kind STREQUAL "UTILITY")
    if(NOT TARGET Python3::Module)
      message(FATAL_ERROR "pynamic_generated_library(${name}): ${kind} libraries are CPython extension modules and "
                          "need Python's headers: include(PynamicPython) first")
    endif()
    # Headers only: an OBJECT library takes the usage requirements, and
    # Python3::Module links no libpython on this platform anyway.
    target_link_libraries(${name}_objects PRIVATE Python3::Module)
    # -i DIR: first, before Python's own headers, as the original's -I.
    pynamic_generated_include_dir(_include)
    if(NOT _include STREQUAL "")
      target_include_directories(${name}_objects BEFORE PRIVATE "${_include}")
    endif()
  endif()
  target_compile_options(${name}_objects PRIVATE ${PYNAMIC_GENERATED_C_FLAGS})
  pynamic_apply_sanitizers(${name}_objects)

  add_library(${name} SHARED $<TARGET_OBJECTS:${name}_objects>)
  pynamic_search_runpath(_runpath "")
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY "${PYNAMIC_LIBRARY_DIR}"
    # The same RUNPATH in the build and the install tree (their layouts
    # match): a build RPATH shorter than the install one gets padded with
    # empty entries, and ld.so reads an empty entry as the current directory.
    INSTALL_RPATH "${_runpath}"
    BUILD_WITH_INSTALL_RPATH ON
    # No DT_SONAME, as the original's (gcc -shared without -soname): with
    # one, every name ld.so looks up among the loaded objects is also
    # compared with each object's soname, which doubles the cost of building
    # a module's dependency list (measured: docs/modes.md).
    NO_SONAME ON)
  target_link_options(${name} PRIVATE "LINKER:--no-as-needed")
  if(ARGN)
    pynamic_link_by_name(${name} ${ARGN})
  endif()
  pynamic_apply_sanitizers(${name})

  add_library(${name}_static STATIC EXCLUDE_FROM_ALL $<TARGET_OBJECTS:${name}_objects>)
  set_target_properties(${name}_static PROPERTIES
    OUTPUT_NAME "${name}"
    PREFIX ""
    ARCHIVE_OUTPUT_DIRECTORY "${PYNAMIC_LIBRARY_DIR}/static")
endfunction()
