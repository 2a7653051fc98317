# SPDX-License-Identifier: BSD-3-Clause
# Tests of the static and big-executable modes (label bigexe, plus serial or
# parallel), included from ctest/CMakeLists.txt: pynamic-mode-bigexe,
# pynamic-mode-python-static and pynamic-mode-python-bigexe passing and
# failing; their ELF headers (padding in .text, generated code built in,
# still dynamically linked); no file-system lookups for built-in modules;
# and a bad PYNAMIC_BIGEXE_TEXT_MB at configure time.
#
# pynamic-mode-python-static is always built; the two big executables are in
# the default build only with -b in PYNAMIC_CONFIG (src/modes/), so without
# -b their tests are not defined (the configure summary says so) rather than
# failing on a program that was never built.
set(_b_big ${PYNAMIC_GEN_BIG_EXECUTABLES})

set(_b_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_b_work "${PYNAMIC_TEST_WORK}")
set(_b_np ${PYNAMIC_TEST_RANKS})
math(EXPR _b_text "${PYNAMIC_BIGEXE_TEXT_MB} * 1048576")
set(_b_padded --built-in --min-text-bytes ${_b_text})

# --- passing runs: every rank imports and visits every module, checksums verified, no generated .so loaded
if(_b_big)
  pynamic_mode_test(mode.bigexe.serial bigexe pynamic-mode-bigexe LABELS bigexe CHECK ${_b_padded} --launch-time before)
  pynamic_mode_test(mode.bigexe.parallel bigexe pynamic-mode-bigexe RANKS ${_b_np} LABELS bigexe
                    CHECK ${_b_padded} --launch-time option)
  pynamic_mode_test(mode.python-bigexe.serial python-bigexe pynamic-mode-python-bigexe LABELS "bigexe;python"
                    CHECK ${_b_padded})
  pynamic_mode_test(mode.python-bigexe.parallel python-bigexe pynamic-mode-python-bigexe RANKS ${_b_np}
                    LABELS "bigexe;python" CHECK ${_b_padded} --launch-time before)
endif()
pynamic_mode_test(mode.python-static.serial python-static pynamic-mode-python-static LABELS "bigexe;python"
                  CHECK --built-in --launch-time before)
pynamic_mode_test(mode.python-static.parallel python-static pynamic-mode-python-static RANKS ${_b_np}
                  LABELS "bigexe;python" CHECK --built-in)

# --- failures: a manifest of another seed (same names, other checksums), and
# one of a bigger tree (two modules this executable does not have)
set(_b_mismatch --expect-exit 1
    --expect-stderr "rank 0 .*visit: libmodule0\\.so returned checksum 0x[0-9a-f]+ but .*other-seed/manifest\\.json expects")
if(_b_big)
  pynamic_mode_test(mode.bigexe.checksum-mismatch.parallel bigexe pynamic-mode-bigexe RANKS ${_b_np} LABELS bigexe
                    FIXTURES other_seed CHECK ${_b_mismatch} ARGS --manifest "${_b_work}/other-seed/manifest.json")
endif()
pynamic_mode_test(mode.python-static.checksum-mismatch.serial python-static pynamic-mode-python-static
                  LABELS "bigexe;python" FIXTURES other_seed CHECK ${_b_mismatch}
                  ARGS --manifest "${_b_work}/other-seed/manifest.json")
if(_b_big)
  math(EXPR _b_files "${PYNAMIC_NUM_UTILITIES} + ${PYNAMIC_NUM_MODULES} + 2")
  add_test(NAME fixture.bigexe.bigger-tree
    COMMAND "${PYNAMIC_GENERATOR_EXECUTABLE}" -o "${_b_work}/bigger-tree" ${_b_files} 10 -u ${PYNAMIC_NUM_UTILITIES} 10)
  set_tests_properties(fixture.bigexe.bigger-tree PROPERTIES FIXTURES_SETUP bigexe_bigger_tree
                       LABELS "serial;parallel;bigexe" TIMEOUT 60)
  pynamic_mode_test(mode.bigexe.not-built-in.parallel bigexe pynamic-mode-bigexe RANKS ${_b_np} LABELS bigexe
                    FIXTURES bigexe_bigger_tree
                    CHECK --expect-exit 1
                          --expect-stderr "rank [0-9]+ .*import: dlsym libmodule${PYNAMIC_NUM_MODULES}_entry in this executable: .*\\(is libmodule${PYNAMIC_NUM_MODULES} built in\\?\\)"
                    ARGS --manifest "${_b_work}/bigger-tree/manifest.json")
  pynamic_mode_test(mode.python-bigexe.not-built-in.serial python-bigexe pynamic-mode-python-bigexe
                    LABELS "bigexe;python" FIXTURES bigexe_bigger_tree
                    CHECK --expect-exit 1
                          --expect-stderr "rank 0 .*python: libmodule${PYNAMIC_NUM_MODULES} is not a built-in module of this executable"
                    ARGS --manifest "${_b_work}/bigger-tree/manifest.json")
endif()
# The Python search options belong to the modes that search: here they are misuse.
pynamic_mode_test(mode.python-static.usage.search-depth python-static pynamic-mode-python-static
                  LABELS "bigexe;python" CHECK --no-report --expect-exit 2 --one-line-error
                                               --expect-stderr "unknown option '--search-depth'"
                  ARGS --search-depth 3)

# --- the executables' ELF headers, and that the check sees a wrong one
set(_b_elf "${Python3_EXECUTABLE}" "${_b_dir}/check_executables.py" --readelf "${CMAKE_READELF}"
    --manifest "${PYNAMIC_MANIFEST}" --padding-mib ${PYNAMIC_BIGEXE_TEXT_MB})
if(_b_big)
  add_test(NAME bigexe.executables
    COMMAND ${_b_elf} --padded $<TARGET_FILE:pynamic-mode-bigexe> --padded $<TARGET_FILE:pynamic-mode-python-bigexe>
            --unpadded $<TARGET_FILE:pynamic-mode-python-static>
            --python $<TARGET_FILE:pynamic-mode-python-bigexe> --python $<TARGET_FILE:pynamic-mode-python-static>)
else()
  # The static executable alone: built in, unpadded.
  add_test(NAME bigexe.executables
    COMMAND ${_b_elf} --unpadded $<TARGET_FILE:pynamic-mode-python-static>
            --python $<TARGET_FILE:pynamic-mode-python-static>)
endif()
add_test(NAME bigexe.executables.catches-linked
  COMMAND ${_b_elf} --padded $<TARGET_FILE:pynamic-mode-python-linked> --python $<TARGET_FILE:pynamic-mode-python-linked>)
add_test(NAME bigexe.executables.catches-unpadded
  COMMAND ${_b_elf} --padded $<TARGET_FILE:pynamic-mode-python-static>)
set_tests_properties(bigexe.executables bigexe.executables.catches-linked bigexe.executables.catches-unpadded
                     PROPERTIES LABELS "serial;bigexe" TIMEOUT 120)
set_tests_properties(bigexe.executables.catches-linked PROPERTIES
                     PASS_REGULAR_EXPRESSION "CHECK FAILED: .*pynamic-mode-python-linked: DT_NEEDED names generated")
set_tests_properties(bigexe.executables.catches-unpadded PROPERTIES
                     PASS_REGULAR_EXPRESSION "CHECK FAILED: .*pynamic-mode-python-static: (\\.text is|the padding)")

# --- built-in imports touch no file of the tree (strace), and the check sees lookups where there are some
find_program(PYNAMIC_STRACE strace DOC "strace, for the import search depth test")
if(PYNAMIC_STRACE)
  set(_b_lookups python-static)
  if(_b_big)
    list(APPEND _b_lookups bigexe python-bigexe)
  endif()
  foreach(_m IN LISTS _b_lookups)
    add_test(NAME bigexe.no-file-lookups.${_m}
      COMMAND "${Python3_EXECUTABLE}" "${_b_dir}/check_no_lookups.py" --strace "${PYNAMIC_STRACE}"
              --manifest "${PYNAMIC_MANIFEST}" --workdir "${_b_work}/bigexe.no-file-lookups.${_m}"
              -- $<TARGET_FILE:pynamic-mode-${_m}>)
    set_tests_properties(bigexe.no-file-lookups.${_m} PROPERTIES LABELS "serial;bigexe" TIMEOUT 300)
  endforeach()
  add_test(NAME bigexe.no-file-lookups.catches-python
    COMMAND "${Python3_EXECUTABLE}" "${_b_dir}/check_no_lookups.py" --strace "${PYNAMIC_STRACE}"
            --manifest "${PYNAMIC_MANIFEST}" --workdir "${_b_work}/bigexe.no-file-lookups.catches-python"
            --expect-lookups -- $<TARGET_FILE:pynamic-mode-python>)
  set_tests_properties(bigexe.no-file-lookups.catches-python PROPERTIES LABELS "serial;bigexe;python" TIMEOUT 300)
  # LeakSanitizer cannot run under ptrace: the leak checks run in the other tests.
  if(PYNAMIC_SANITIZERS)
    list(TRANSFORM _b_lookups PREPEND bigexe.no-file-lookups.)
    set_tests_properties(${_b_lookups} bigexe.no-file-lookups.catches-python PROPERTIES
                         ENVIRONMENT_MODIFICATION "ASAN_OPTIONS=string_append::detect_leaks=0")
  endif()
else()
  message(STATUS "pynamic: strace not found: the built-in import tests (bigexe.no-file-lookups.*) are left out "
                 "(bench/install-deps.sh --tests installs it)")
endif()

# --- a bad padding size: one configure error line, nothing generated
add_test(NAME bigexe.bad-padding
  COMMAND "${Python3_EXECUTABLE}" "${_b_dir}/bad_padding.py" --source "${PROJECT_SOURCE_DIR}"
          --build "${_b_work}/bigexe-bad-padding-build" --cmake "${CMAKE_COMMAND}" --generator "${CMAKE_GENERATOR}"
          "--make-program=${CMAKE_MAKE_PROGRAM}" "--c-compiler=${CMAKE_C_COMPILER}" "--python=${Python3_EXECUTABLE}")
set_tests_properties(bigexe.bad-padding PROPERTIES LABELS "serial;bigexe;build" TIMEOUT 300)
