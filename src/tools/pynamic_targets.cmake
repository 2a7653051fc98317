# SPDX-License-Identifier: BSD-3-Clause
# pynamic_targets_with_prefix(<out-var> <prefix>)
#   Every target whose name starts with <prefix>, in every directory of the
#   project processed so far (BUILDSYSTEM_TARGETS, recursively). Used by the
#   `sizes` target and the install rules to find the modes (pynamic-mode-*)
#   whichever directory defines them, so a new mode needs no edit here.
include_guard(GLOBAL)

function(_pynamic_targets_in_dir dir prefix out)
  set(found "")
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    string(FIND "${t}" "${prefix}" at)
    if(at EQUAL 0)
      list(APPEND found "${t}")
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _pynamic_targets_in_dir("${sub}" "${prefix}" sub_found)
    list(APPEND found ${sub_found})
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

function(pynamic_targets_with_prefix out prefix)
  _pynamic_targets_in_dir("${PROJECT_SOURCE_DIR}" "${prefix}" found)
  list(SORT found)
  set(${out} "${found}" PARENT_SCOPE)
endfunction()
