# SPDX-License-Identifier: BSD-3-Clause
# CPython for the Python modes, found with FindPython3: the headers every
# generated module and marker compiles against (Development.Module), the
# library the embedding modes link (Development.Embed), and the interpreter
# the driver script and the tests run. Defaults to the system Python 3 (the
# presets set Python3_EXECUTABLE=/usr/bin/python3); choose another with
# -DPython3_EXECUTABLE=... (its headers and libpython must be installed).
#
# Sets PYNAMIC_PYTHON_HOME and PYNAMIC_PYTHON_STDLIB_PATHS: the prefix and the
# standard-library sys.path entries of that interpreter (as `python3 -I -S`
# has them), which the embedding modes put in their PyConfig explicitly so
# that nothing in the environment changes what they import.

find_package(Python3 3.8 REQUIRED COMPONENTS Interpreter Development.Embed Development.Module)

# The embedded interpreter must be the same installation as the found one.
execute_process(
  COMMAND "${Python3_EXECUTABLE}" -I -S -c
          "import json, sys; print(json.dumps({'home': sys.base_prefix, 'path': sys.path}))"
  RESULT_VARIABLE _pyn_py_rc OUTPUT_VARIABLE _pyn_py_json ERROR_VARIABLE _pyn_py_err
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _pyn_py_rc EQUAL 0)
  message(FATAL_ERROR "pynamic: cannot ask ${Python3_EXECUTABLE} for its prefix and sys.path (${_pyn_py_rc}): "
                      "${_pyn_py_err}")
endif()
string(JSON PYNAMIC_PYTHON_HOME GET "${_pyn_py_json}" home)
set(PYNAMIC_PYTHON_STDLIB_PATHS "")
string(JSON _pyn_n LENGTH "${_pyn_py_json}" path)
if(_pyn_n EQUAL 0)
  message(FATAL_ERROR "pynamic: ${Python3_EXECUTABLE} -I -S has an empty sys.path")
endif()
math(EXPR _pyn_last "${_pyn_n} - 1")
foreach(_i RANGE ${_pyn_last})
  string(JSON _pyn_entry GET "${_pyn_py_json}" path ${_i})
  list(APPEND PYNAMIC_PYTHON_STDLIB_PATHS "${_pyn_entry}")
endforeach()
if(NOT Python3_Development.Module_FOUND OR NOT Python3_Development.Embed_FOUND)
  message(FATAL_ERROR "pynamic: Python ${Python3_VERSION} headers or libpython not found (install python3-dev)")
endif()

unset(_pyn_py_rc)
unset(_pyn_py_json)
unset(_pyn_py_err)
unset(_pyn_n)
unset(_pyn_last)
unset(_pyn_entry)
