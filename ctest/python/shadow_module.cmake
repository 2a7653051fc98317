# SPDX-License-Identifier: BSD-3-Clause
# cmake -DROOT=dir -DFILE=libmodule3.so -P shadow_module.cmake
# A search root whose first directory holds a broken file named like a
# module: a sys.path entry that shadows the real module, as a stray or
# half-installed package does. The import must name the module and the
# Python exception.
foreach(var ROOT FILE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "shadow_module.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${ROOT}")
file(MAKE_DIRECTORY "${ROOT}/dir0")
# Longer than an ELF header, so the loader reads it and rejects it as such.
string(REPEAT "this is not a shared object\n" 8 text)
file(WRITE "${ROOT}/dir0/${FILE}" "${text}")
