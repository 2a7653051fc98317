# SPDX-License-Identifier: BSD-3-Clause
# Fuzzing (label `fuzz`): libFuzzer targets for every parser of outside
# input: pynamic-gen's command line (which is also every preset's
# PYNAMIC_CONFIG), the runtime's option parser, its manifest parser and the
# path cache's parser (a --pilot-map file).
# Included from ctest/CMakeLists.txt. fuzz.build (a fixture) builds
# ctest/fuzz/ with clang at test time; each fuzz.<target> test first replays
# the corpus kept in ctest/fuzz/corpus/<target>/ (every reproducer ever
# found), then fuzzes for PYNAMIC_FUZZ_SECONDS. A finding fails the test and
# leaves its reproducer in the test's work directory.

set(PYNAMIC_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz test mutates inputs after replaying its corpus")
find_program(PYNAMIC_FUZZ_CLANG NAMES clang clang-16 clang-15 clang-14 DOC "clang with libFuzzer, for the fuzz tests")

set(_fz_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_fz_build "${PYNAMIC_TEST_WORK}/fuzz-build")
add_test(NAME fuzz.build
  COMMAND "${CMAKE_COMMAND}" "-DCLANG=${PYNAMIC_FUZZ_CLANG}" "-DSOURCE=${PROJECT_SOURCE_DIR}" "-DBUILD=${_fz_build}"
          "-DGENERATOR=${CMAKE_GENERATOR}" "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}" -P "${_fz_dir}/build_fuzzers.cmake")
set_tests_properties(fuzz.build PROPERTIES FIXTURES_SETUP fuzz_build LABELS "fuzz;serial" TIMEOUT 300 PROCESSORS 2)

foreach(_t gen_options manifest run_options stage_map)
  add_test(NAME fuzz.${_t}
    COMMAND "${Python3_EXECUTABLE}" "${_fz_dir}/run_fuzzer.py" --fuzzer "${_fz_build}/fuzz_${_t}"
            --corpus "${_fz_dir}/corpus/fuzz_${_t}" --dict "${_fz_dir}/dict/${_t}.dict"
            --seconds ${PYNAMIC_FUZZ_SECONDS} --workdir "${PYNAMIC_TEST_WORK}/fuzz.${_t}")
  math(EXPR _fz_timeout "${PYNAMIC_FUZZ_SECONDS} + 120")
  set_tests_properties(fuzz.${_t} PROPERTIES LABELS "fuzz;serial" FIXTURES_REQUIRED fuzz_build TIMEOUT ${_fz_timeout})
endforeach()
