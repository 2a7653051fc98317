# SPDX-License-Identifier: BSD-3-Clause
# Install rules: `cmake --install <build> --prefix <prefix>` lays out a tree
# that runs from anywhere (docs/install.md):
#
#   <prefix>/lib/pynamic/                  PYNAMIC_INSTALL_TREEDIR, the build tree's layout:
#     pynamic-mode-*, pynamic-sizes          every mode (the linked ones: RUNPATH $ORIGIN/lib), the sizes tool
#     pynamic-mdsfs                          and the emulated shared file system
#     lib/*.so                               the generated libraries (RUNPATH $ORIGIN)
#     generated/manifest.json                the manifest
#   <prefix>/bin/pynamic-mode-*, pynamic-sizes, pynamic-mdsfs   relative symbolic links into the tree
#   <prefix>/share/modulefiles/pynamic/<VERSION>   a Tcl modulefile (Lmod, Environment Modules)
#
# The programs find the manifest and the libraries relative to their real
# path (realpath of /proc/self/exe, which resolves the bin/ links), and ld.so
# expands $ORIGIN from the same real path, so the tree needs no
# LD_LIBRARY_PATH and can be moved or copied as a whole.
#
# Other directories take part without editing this file:
#   - every target named pynamic-mode-* is installed into the tree with a
#     link in bin/ (found by name, wherever it is defined), unless it is
#     EXCLUDE_FROM_ALL (the big executables without -b in PYNAMIC_CONFIG,
#     which may not exist at install time);
#   - any other target with the property PYNAMIC_INSTALL_SUBDIR (a directory
#     relative to the tree, "." for its top) is installed there as it is
#     (its own INSTALL_RPATH is kept);
#   - files listed in the global properties PYNAMIC_INSTALL_FILES (data) and
#     PYNAMIC_INSTALL_PROGRAMS (executable scripts), absolute paths inside
#     the build tree, are installed at the same path relative to the tree:
#       set_property(GLOBAL APPEND PROPERTY PYNAMIC_INSTALL_PROGRAMS "${CMAKE_BINARY_DIR}/pynamic_driver.py")
#     and a program named pynamic-* also gets a link in bin/.
# One configuration per prefix: the links in bin/ would collide.

include(GNUInstallDirs)
include("${PROJECT_SOURCE_DIR}/src/tools/pynamic_targets.cmake")

set(PYNAMIC_INSTALL_TREEDIR "${CMAKE_INSTALL_LIBDIR}/pynamic" CACHE STRING
    "Directory of the installed tree (modes, lib/, generated/), relative to CMAKE_INSTALL_PREFIX")
if(IS_ABSOLUTE "${PYNAMIC_INSTALL_TREEDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}")
  message(FATAL_ERROR "PYNAMIC_INSTALL_TREEDIR (${PYNAMIC_INSTALL_TREEDIR}) and CMAKE_INSTALL_BINDIR "
                      "(${CMAKE_INSTALL_BINDIR}) must be relative to the prefix, so the tree is relocatable")
endif()

# Where things are in the build tree is where they go in the installed tree.
file(RELATIVE_PATH _pyn_lib_rel "${CMAKE_BINARY_DIR}" "${PYNAMIC_LIBRARY_DIR}")
file(RELATIVE_PATH _pyn_manifest_rel "${CMAKE_BINARY_DIR}" "${PYNAMIC_MANIFEST}")
get_filename_component(_pyn_manifest_dir "${_pyn_manifest_rel}" DIRECTORY)
# bin/ -> tree, as a relative link target ("../lib/pynamic").
file(RELATIVE_PATH _pyn_bin_to_tree "/_/${CMAKE_INSTALL_BINDIR}" "/_/${PYNAMIC_INSTALL_TREEDIR}")

set(_pyn_tree "${PYNAMIC_INSTALL_TREEDIR}")
set(_pyn_links "")

# The generated libraries: found by each other through their own directory.
# (The marker modules too, when the generator writes them.)
set(_pyn_generated ${PYNAMIC_GENERATED_LIBRARIES} ${PYNAMIC_GEN_MARKERS})
# Their RUNPATH (INSTALL_RPATH, used in the build tree too) is set where they
# are defined: cmake/PynamicGeneratedLibraries.cmake.
# The empty search directories of --search-dirs, which those RUNPATHs list.
if(IS_DIRECTORY "${PYNAMIC_LIBRARY_DIR}/search" AND PYNAMIC_GEN_SEARCH_DIRS GREATER 1)
  install(DIRECTORY "${PYNAMIC_LIBRARY_DIR}/search" DESTINATION "${_pyn_tree}/${_pyn_lib_rel}" COMPONENT tree)
endif()
install(TARGETS ${_pyn_generated} LIBRARY DESTINATION "${_pyn_tree}/${_pyn_lib_rel}" COMPONENT tree)
install(FILES "${PYNAMIC_MANIFEST}" DESTINATION "${_pyn_tree}/${_pyn_manifest_dir}" COMPONENT tree)

# The modes and the tools: RUNPATH to the tree's libraries, plus any
# directory outside the project the build linked from (a site's MPI under
# /opt, say), so the installed program needs no LD_LIBRARY_PATH either.
pynamic_targets_with_prefix(_pyn_modes pynamic-mode-)
set(_pyn_programs ${_pyn_modes})
foreach(_tool pynamic-sizes pynamic-mdsfs)
  if(TARGET ${_tool})
    list(APPEND _pyn_programs ${_tool})
  endif()
endforeach()
foreach(_t IN LISTS _pyn_programs)
  get_target_property(_type ${_t} TYPE)
  # A program left out of the default build (the big executables without -b
  # in PYNAMIC_CONFIG) may not exist at install time: not installed.
  get_target_property(_excluded ${_t} EXCLUDE_FROM_ALL)
  if(_excluded)
    continue()
  endif()
  if(NOT _type STREQUAL "EXECUTABLE")
    message(WARNING "pynamic install: ${_t} is a ${_type}, not an executable: not installed; install its "
                    "files with the global property PYNAMIC_INSTALL_PROGRAMS (cmake/PynamicInstall.cmake)")
    continue()
  endif()
  # Modes linked to the generated libraries set their RUNPATH to lib/
  # themselves (src/modes/CMakeLists.txt); the others need none.
  set_target_properties(${_t} PROPERTIES INSTALL_RPATH_USE_LINK_PATH TRUE)
  install(TARGETS ${_t} RUNTIME DESTINATION "${_pyn_tree}" COMPONENT tree)
  list(APPEND _pyn_links "${_t}")
endforeach()

# Other targets that asked to be installed, where they asked.
pynamic_targets_with_prefix(_pyn_all_targets "")
foreach(_t IN LISTS _pyn_all_targets)
  get_target_property(_subdir ${_t} PYNAMIC_INSTALL_SUBDIR)
  if(_subdir AND NOT _t IN_LIST _pyn_programs)
    install(TARGETS ${_t} RUNTIME DESTINATION "${_pyn_tree}/${_subdir}" LIBRARY DESTINATION "${_pyn_tree}/${_subdir}"
            COMPONENT tree)
  endif()
endforeach()

# Files and scripts registered by path, at their path relative to the build tree.
foreach(_kind FILES PROGRAMS)
  get_property(_paths GLOBAL PROPERTY PYNAMIC_INSTALL_${_kind})
  foreach(_path IN LISTS _paths)
    file(RELATIVE_PATH _rel "${CMAKE_BINARY_DIR}" "${_path}")
    if(_rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${_rel}")
      message(FATAL_ERROR "PYNAMIC_INSTALL_${_kind}: ${_path} is not inside the build tree ${CMAKE_BINARY_DIR}")
    endif()
    get_filename_component(_dir "${_rel}" DIRECTORY)
    get_filename_component(_name "${_rel}" NAME)
    install(${_kind} "${_path}" DESTINATION "${_pyn_tree}/${_dir}" COMPONENT tree)
    if(_kind STREQUAL "PROGRAMS" AND _dir STREQUAL "" AND _name MATCHES "^pynamic-")
      list(APPEND _pyn_links "${_name}")
    endif()
  endforeach()
endforeach()

# bin/: relative links, so a copied or moved prefix keeps working.
foreach(_name IN LISTS _pyn_links)
  install(CODE "
    set(_link \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${_name}\")
    file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    message(STATUS \"Installing: \${_link} -> ${_pyn_bin_to_tree}/${_name}\")
    file(CREATE_LINK \"${_pyn_bin_to_tree}/${_name}\" \"\${_link}\" SYMBOLIC)"
    COMPONENT tree)
endforeach()

# The modulefile: Tcl, read by Lmod and Environment Modules; it finds the
# prefix from its own place (this relative path up from its directory), so
# it holds wherever the prefix is installed, copied or packaged.
set(PYNAMIC_MODULEFILE_DIR "${CMAKE_INSTALL_DATADIR}/modulefiles/pynamic")
if(IS_ABSOLUTE "${PYNAMIC_MODULEFILE_DIR}")
  message(FATAL_ERROR "CMAKE_INSTALL_DATADIR (${CMAKE_INSTALL_DATADIR}) must be relative to the prefix: the "
                      "modulefile finds the prefix from its own place")
endif()
file(RELATIVE_PATH PYNAMIC_MODULEFILE_TO_PREFIX "/_/${PYNAMIC_MODULEFILE_DIR}" "/_")
string(REGEX REPLACE "/$" "" PYNAMIC_MODULEFILE_TO_PREFIX "${PYNAMIC_MODULEFILE_TO_PREFIX}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/pynamic.modulefile.in" "${CMAKE_BINARY_DIR}/modulefile/${PROJECT_VERSION}"
               @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/modulefile/${PROJECT_VERSION}" DESTINATION "${PYNAMIC_MODULEFILE_DIR}"
        COMPONENT tree)
