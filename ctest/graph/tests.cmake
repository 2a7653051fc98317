# SPDX-License-Identifier: BSD-3-Clause
# The original's dependency graph and names in the built tree (check_graph.py).
# Under sanitizers the modules are instrumented and cannot be imported by a
# stock python3: their names are then checked in the symbol tables only.
set(_graph_python "")
if(PYNAMIC_SANITIZERS)
  set(_graph_python --no-python)
endif()
add_test(NAME graph.original
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_graph.py" --readelf "${CMAKE_READELF}"
          --manifest "${PYNAMIC_MANIFEST}" --lib-dir "${PYNAMIC_LIBRARY_DIR}"
          --linked $<TARGET_FILE:pynamic-mode-linked> $<TARGET_FILE:pynamic-mode-python-linked> ${_graph_python})
set_tests_properties(graph.original PROPERTIES LABELS "serial;graph" TIMEOUT 120)
