# SPDX-License-Identifier: BSD-3-Clause
# cmake -DSOURCE=dir -DDEST=dir -DREMOVE=file -P copy_library_dir.cmake
# A copy of the generated library directory with one file taken out: a
# broken tree to test that a missing library is named, on every rank.
foreach(var SOURCE DEST REMOVE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "copy_library_dir.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${DEST}")
file(GLOB libs "${SOURCE}/*.so")
file(MAKE_DIRECTORY "${DEST}")
file(COPY ${libs} DESTINATION "${DEST}")
if(NOT EXISTS "${DEST}/${REMOVE}")
  message(FATAL_ERROR "copy_library_dir.cmake: ${REMOVE} is not in ${SOURCE}")
endif()
file(REMOVE "${DEST}/${REMOVE}")
