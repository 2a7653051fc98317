# SPDX-License-Identifier: BSD-3-Clause
# The licence: every source file and every generated source carries the
# SPDX identifier, and LICENSE holds the licence it names. Label: license.
add_test(NAME license.spdx
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_spdx.py" --source "${PROJECT_SOURCE_DIR}"
          --generated "${PYNAMIC_GENERATED_DIR}")
set_tests_properties(license.spdx PROPERTIES LABELS "serial;license" TIMEOUT 60)
