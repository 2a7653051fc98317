# SPDX-License-Identifier: BSD-3-Clause
# cmake -DSOURCE=dir -DDEST=dir -DREPLACE=file -DWITH=path -P make_lib_dir.cmake
# A copy of the generated library directory with one file replaced by
# another (e.g. a module whose initialisation fails): a broken tree for the
# Python modes' failure tests.
foreach(var SOURCE DEST REPLACE WITH)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "make_lib_dir.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${SOURCE}/${REPLACE}")
  message(FATAL_ERROR "make_lib_dir.cmake: ${REPLACE} is not in ${SOURCE}")
endif()
if(NOT EXISTS "${WITH}")
  message(FATAL_ERROR "make_lib_dir.cmake: ${WITH} does not exist")
endif()
file(REMOVE_RECURSE "${DEST}")
file(GLOB libs "${SOURCE}/*.so")
file(MAKE_DIRECTORY "${DEST}")
file(COPY ${libs} DESTINATION "${DEST}")
file(COPY_FILE "${WITH}" "${DEST}/${REPLACE}")
