# SPDX-License-Identifier: BSD-3-Clause
# The MPI capability test (the original's fractal, docs/report.md): label
# `fractal`, plus serial or parallel. Included from ctest/CMakeLists.txt.
#
# Every passing mode test already checks the test's three lines, the rows
# each rank computed and the report's fields (ctest/modecheck/fractal.py);
# the tests here are the ones that need their own runs or no MPI at all:
#   fractal.unit                pyn_fractal in one process: the row split,
#                               pixels worked out by hand, the check of a
#                               gathered image, the BMP header and file
#                               (sanitized in the asan preset; the check of
#                               the --fractal-image path is outputs.unit's);
#   fractal.image.parallel      3 ranks (400 rows do not divide): the image
#                               written, every byte compared with a
#                               recomputation in Python floats;
#   fractal.wrong-row.parallel  rank 1 computes wrong bytes (hypot_shim.c):
#                               rank 0's check names row 133 and rank 1, the
#                               run fails on every rank, the module test
#                               still passed;
#   fractal.usage.*             --fractal-image in --help; refused before
#                               anything runs (exit 2, one line, nothing on
#                               stdout, no report written);
#   fractal.image-write-fails   the image does not fit: the run fails, one
#                               line, nothing left behind.

set(_fr_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_fr_work "${PYNAMIC_TEST_WORK}/fractal")
set(_fr_env "${_fr_dir}/../faults/fault_env.py")
set(_fr_dl pynamic-mode-dlopen)

pynamic_unit_test(fractal.unit "${_fr_dir}/test_fractal.c" pynamic_core LABELS fractal ARGS "${_fr_work}/unit")

# The shim that makes one rank's fractal wrong. Never sanitized: it is
# preloaded into ASan-built programs, which then need verify_asan_link_order=0.
add_library(pyn_fault_hypot MODULE "${_fr_dir}/hypot_shim.c")
set_target_properties(pyn_fault_hypot PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF PREFIX "lib")
target_compile_options(pyn_fault_hypot PRIVATE -Wall -Wextra)
target_link_libraries(pyn_fault_hypot PRIVATE ${CMAKE_DL_LIBS})


# --- the image at 3 ranks: 133, 133 and 134 rows
pynamic_mode_test(fractal.image.parallel dlopen ${_fr_dl} RANKS 3 LABELS fractal
                  CHECK --fractal-image "${PYNAMIC_TEST_WORK}/fractal.image.parallel/image.bmp")

# --- a wrong share: rank 1's rows (133..265) all take 0 iterations, so row 133 is the first wrong one
pynamic_mode_test(fractal.wrong-row.parallel dlopen pyn_test_env RANKS 3 LABELS fractal
                  CHECK --expect-exit 1 --one-line-error
                        --expect-stderr "^${_fr_dl}: rank 0 \\(.*\\): fractal: row 133 \\(computed by rank 1 of 3\\) differs from the recomputation from pixel 0 on: .* \\(133 of 400 rows differ\\)$"
                        --expect-fractal-failure "^fractal: row 133 \\(computed by rank 1 of 3\\)"
                  ARGS "LD_PRELOAD=$<TARGET_FILE:pyn_fault_hypot>" PYN_FAULT_RANK=1 $<TARGET_FILE:${_fr_dl}>)
if(PYNAMIC_SANITIZERS)
  set_tests_properties(fractal.wrong-row.parallel PROPERTIES
                       ENVIRONMENT_MODIFICATION "ASAN_OPTIONS=string_append::verify_asan_link_order=0")
endif()

# --- usage: refused before anything runs: one line, exit status 2 on every rank, nothing on stdout (no phase
# began: not even the startup line), no report written
set(_fr_usage --no-report --expect-exit 2 --one-line-error --forbid-stdout ".")
set(_fr_same "${PYNAMIC_TEST_WORK}/fractal.usage.same-as-json")
pynamic_mode_test(fractal.usage.same-as-json dlopen ${_fr_dl} LABELS fractal
                  CHECK ${_fr_usage} --expect-absent "${_fr_same}/r.json"
                        --expect-stderr "^${_fr_dl}: --fractal-image ${_fr_same}/\\./r\\.json: the same file as --json ${_fr_same}/r\\.json. give each output its own path$"
                  ARGS --json "${_fr_same}/r.json" --fractal-image "${_fr_same}/./r.json")
set(_fr_missing "${PYNAMIC_TEST_WORK}/fractal.usage.no-directory.parallel")
pynamic_mode_test(fractal.usage.no-directory.parallel dlopen ${_fr_dl} RANKS 2 LABELS fractal
                  CHECK ${_fr_usage} --expect-absent "${_fr_missing}/r.json"
                        --expect-stderr "^${_fr_dl}: --fractal-image /nonexistent/f\\.bmp: directory /nonexistent: stat: No such file or directory$"
                  ARGS --json "${_fr_missing}/r.json" --fractal-image /nonexistent/f.bmp)
# A directory nobody may write into (mode 555; run without root's permission override).
add_test(NAME fractal.fixture.dir-555
  COMMAND "${Python3_EXECUTABLE}" "${_fr_dir}/../faults/make_fault.py" dir --to "${_fr_work}/dir-555" --mode 555)
set_tests_properties(fractal.fixture.dir-555 PROPERTIES FIXTURES_SETUP fractal_dir_555 LABELS "fractal;serial"
                                                     TIMEOUT 60)
set(_fr_ro "${PYNAMIC_TEST_WORK}/fractal.usage.dir-not-writable")
pynamic_mode_test(fractal.usage.dir-not-writable dlopen pyn_test_python LABELS fractal FIXTURES fractal_dir_555
                  CHECK ${_fr_usage} --expect-absent "${_fr_ro}/r.json"
                        --expect-stderr "^${_fr_dl}: --fractal-image ${_fr_work}/dir-555/f\\.bmp: cannot create a file in directory ${_fr_work}/dir-555: Permission denied$"
                  ARGS "${_fr_env}" --drop-dac -- $<TARGET_FILE:${_fr_dl}> --json "${_fr_ro}/r.json"
                       --fractal-image "${_fr_work}/dir-555/f.bmp")

# --- the image does not fit (a 64 KiB tmpfs: the path check passes, the 480 kB write cannot): exit 1, one line,
# no temporary file left there (--only-keep), the report says the run failed
set(_fr_full "${_fr_work}/full")
pynamic_mode_test(fractal.image-write-fails dlopen pyn_test_python LABELS fractal
                  CHECK --expect-exit 1 --one-line-error
                        --expect-stderr "^${_fr_dl}: rank 0 \\(.*\\): fractal: --fractal-image: write ${_fr_full}/f\\.bmp: write: No space left on device$"
                        --expect-stdout "Pynamic: mpi test passed!"
                  ARGS "${_fr_env}" --tmpfs "${_fr_full}" --only-keep -- $<TARGET_FILE:${_fr_dl}>
                       --fractal-image "${_fr_full}/f.bmp")

# --- --help lists the option (the table feeds it)
pynamic_mode_test(fractal.usage.help dlopen ${_fr_dl} LABELS fractal
                  CHECK --no-report "--expect-stdout=\n  --fractal-image FILE +write the MPI capability test's image"
                  ARGS --help)
