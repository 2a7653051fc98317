# SPDX-License-Identifier: BSD-3-Clause
# Sanitizer checks for a build with PYNAMIC_SANITIZERS (the asan preset;
# label `sanitizers`, and `serial` so `ctest --preset asan -L serial` runs
# them). Nothing is registered in a build without sanitizers.
#   sanitizers.canary: one deliberate defect each for ASan, UBSan and LSan,
#     built with the runtime's sanitizer flags, must be reported and stop
#     the program under the test environment (proves the checks are live);
#   sanitizers.generator.*: the generator's own tests, run against a
#     pynamic-gen built with the same sanitizers (the configure-time one is
#     not instrumented).
# lsan.supp: the LeakSanitizer suppressions for MPICH's stack, which the
# asan test preset names in LSAN_OPTIONS.
include_guard(GLOBAL)

if(PYNAMIC_SANITIZERS)
  add_executable(pyn_sanitizer_canary "${CMAKE_CURRENT_LIST_DIR}/canary.c")
  set_target_properties(pyn_sanitizer_canary PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
  # -O0: the defects must survive to run time.
  target_compile_options(pyn_sanitizer_canary PRIVATE -O0)
  pynamic_apply_sanitizers(pyn_sanitizer_canary)
  add_test(NAME sanitizers.canary
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_canary.py" $<TARGET_FILE:pyn_sanitizer_canary>)
  set_tests_properties(sanitizers.canary PROPERTIES LABELS "sanitizers;serial" TIMEOUT 60)

  list(JOIN PYNAMIC_SANITIZERS "," _san_list)
  set(_san_gen "${PYNAMIC_TEST_WORK}/sanitized-generator")
  add_test(NAME sanitizers.generator.build
    COMMAND "${CMAKE_COMMAND}" "-DSOURCE=${PROJECT_SOURCE_DIR}" "-DBUILD=${_san_gen}" "-DGENERATOR=${CMAKE_GENERATOR}"
            "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}" "-DCC=${CMAKE_C_COMPILER}" "-DSANITIZERS=${_san_list}"
            "-DVERSION=${PROJECT_VERSION}" -P "${CMAKE_CURRENT_LIST_DIR}/build_generator.cmake")
  set_tests_properties(sanitizers.generator.build PROPERTIES FIXTURES_SETUP sanitized_generator
                       LABELS "sanitizers;serial" TIMEOUT 300)
  set(_gen_tests "${CMAKE_CURRENT_LIST_DIR}/../generator")
  foreach(_t bad_input determinism rerun)
    add_test(NAME sanitizers.generator.${_t}
      COMMAND "${Python3_EXECUTABLE}" "${_gen_tests}/test_${_t}.py" "${_san_gen}/pynamic-gen")
  endforeach()
  add_test(NAME sanitizers.generator.manifest
    COMMAND "${Python3_EXECUTABLE}" "${_gen_tests}/test_manifest.py" "${_san_gen}/pynamic-gen" "${CMAKE_COMMAND}")
  set_tests_properties(sanitizers.generator.bad_input sanitizers.generator.determinism sanitizers.generator.rerun
                       sanitizers.generator.manifest PROPERTIES
                       LABELS "sanitizers;serial;generator" TIMEOUT 180 FIXTURES_REQUIRED sanitized_generator)
endif()
