# The report's JSON Schema (label report; docs/report.md, "The schema").
# Included from ctest/CMakeLists.txt.
#   report.schema.committed  docs/report.schema.json is the build's
#                            (pynamic-report-schema's output from the field
#                            table) byte for byte, and a valid draft 2020-12
#                            schema; else: cmake --build --preset P --target
#                            update-report-schema.
#   report.schema.strict     a real report (and its CSV) passes, and the
#                            schema rejects it with a field removed, mistyped
#                            or added, a null where none may be, a bad
#                            checksum: it can fail.
# Every test that reads a report validates it (ctest/pynamictest.py,
# load_report), with python3-jsonschema.
execute_process(COMMAND "${Python3_EXECUTABLE}" -c "from jsonschema import Draft202012Validator"
                RESULT_VARIABLE _pyn_jsonschema_rc OUTPUT_QUIET ERROR_QUIET)
if(NOT _pyn_jsonschema_rc EQUAL 0)
  message(WARNING "pynamic: ${Python3_EXECUTABLE} has no jsonschema with Draft 2020-12: every test that reads a "
                  "report will fail (apt-get install python3-jsonschema; bench/install-deps.sh --tests)")
endif()

add_test(NAME report.schema.committed
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_schema.py" committed
          --built "${PYNAMIC_REPORT_SCHEMA}" --committed "${PROJECT_SOURCE_DIR}/docs/report.schema.json")
add_test(NAME report.schema.strict
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_schema.py" strict
          --mode $<TARGET_FILE:pynamic-mode-dlopen> --workdir "${PYNAMIC_TEST_WORK}/report.schema.strict")
set_tests_properties(report.schema.committed report.schema.strict PROPERTIES LABELS "report;serial" TIMEOUT 60)
