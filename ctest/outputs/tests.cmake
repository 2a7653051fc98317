# SPDX-License-Identifier: BSD-3-Clause
# The run's outputs and what it prints (label `faults`, plus `outputs`):
# every output path checked before the run, temporary names for any legal
# name, a lost result line failing the run, and error lines that keep their
# cause however long the path. Included from ctest/CMakeLists.txt;
# docs/reliability.md ("Outputs") lists each fault with its test.

set(_o_dir "${CMAKE_CURRENT_LIST_DIR}")

# pyn_outputs and pyn_file's temporary names in one process (no MPI).
pynamic_unit_test(outputs.unit "${_o_dir}/test_outputs.c" pynamic_core LABELS outputs
                  ARGS "${PYNAMIC_TEST_WORK}/outputs/unit")

set(_o_work "${PYNAMIC_TEST_WORK}/outputs")
set(_o_dl pynamic-mode-dlopen)
set(_o_np ${PYNAMIC_TEST_RANKS})
# A usage error before anything runs: exit status 2 on every rank, one line (rank 0's), nothing on stdout (no
# phase ran, not even the header).
set(_o_usage --no-report --expect-exit 2 --one-line-error --forbid-stdout ".")

function(_pyn_output_test name)
  pynamic_mode_test(${name} ${ARGN} LABELS faults outputs TIMEOUT 60)
endfunction()

# --- 1. every output checked before the run: distinct from each other and from every input ----------------
set(_o_same "${PYNAMIC_TEST_WORK}/outputs.json-same-as-csv.serial")
_pyn_output_test(outputs.json-same-as-csv.serial dlopen ${_o_dl}
  CHECK ${_o_usage} --expect-absent "${_o_same}/r.out"
        --expect-stderr "^${_o_dl}: --csv ${_o_same}/r\\.out: the same file as --json ${_o_same}/r\\.out. give each output its own path$"
  ARGS --json "${_o_same}/r.out" --csv "${_o_same}/r.out")
set(_o_samep "${PYNAMIC_TEST_WORK}/outputs.json-same-as-csv.parallel")
_pyn_output_test(outputs.json-same-as-csv.parallel dlopen ${_o_dl} RANKS ${_o_np}
  CHECK ${_o_usage} --expect-absent "${_o_samep}/r.out"
        --expect-stderr "^${_o_dl}: --csv ${_o_samep}/\\./r\\.out: the same file as --json ${_o_samep}/r\\.out. give each output its own path$"
  ARGS --json "${_o_samep}/r.out" --csv "${_o_samep}/./r.out")
# --pilot-map recorded by --stage cache, and the JSON on top of it.
set(_o_pm "${PYNAMIC_TEST_WORK}/outputs.pilot-map-same-as-json.parallel")
_pyn_output_test(outputs.pilot-map-same-as-json.parallel dlopen ${_o_dl} RANKS ${_o_np}
  CHECK ${_o_usage} --expect-absent "${_o_pm}/p.map"
        --expect-stderr "^${_o_dl}: --pilot-map ${_o_pm}/p\\.map: the same file as --json ${_o_pm}/p\\.map. give each output its own path$"
  ARGS --stage cache --pilot-map "${_o_pm}/p.map" --json "${_o_pm}/p.map")
# --stage pilot reads the map: the JSON must not replace it (the map need not exist for the names to agree).
set(_o_pr "${PYNAMIC_TEST_WORK}/outputs.json-is-pilot-map.serial")
_pyn_output_test(outputs.json-is-pilot-map.serial dlopen ${_o_dl}
  CHECK ${_o_usage}
        --expect-stderr "^${_o_dl}: --json ${_o_pr}/p\\.map: the same file as the pilot map \\(--stage pilot\\) ${_o_pr}/p\\.map, which this run reads. give the output a path of its own$"
  ARGS --stage pilot --pilot-map "${_o_pr}/p.map" --json "${_o_pr}/p.map")
# Copies of the manifest and the libraries, so an old build that overwrote them breaks only its copy.
add_test(NAME outputs.fixture.copies
  COMMAND "${CMAKE_COMMAND}" -E copy_directory "${PYNAMIC_LIBRARY_DIR}" "${_o_work}/copy/lib")
add_test(NAME outputs.fixture.manifest-copy
  COMMAND "${CMAKE_COMMAND}" -E copy "${PYNAMIC_MANIFEST}" "${_o_work}/copy/manifest.json")
set_tests_properties(outputs.fixture.copies outputs.fixture.manifest-copy PROPERTIES
  FIXTURES_SETUP outputs_copies LABELS "faults;outputs;serial;parallel" TIMEOUT 60)
_pyn_output_test(outputs.json-is-manifest.serial dlopen ${_o_dl} FIXTURES outputs_copies
  CHECK ${_o_usage}
        --expect-stderr "^${_o_dl}: --json ${_o_work}/copy/lib/\\.\\./manifest\\.json: the same file as the manifest ${_o_work}/copy/manifest\\.json, which this run reads. give the output a path of its own$"
  ARGS --manifest "${_o_work}/copy/manifest.json" --lib-dir "${_o_work}/copy/lib"
       --json "${_o_work}/copy/lib/../manifest.json")
_pyn_output_test(outputs.csv-is-library.parallel dlopen ${_o_dl} RANKS ${_o_np} FIXTURES outputs_copies
  CHECK ${_o_usage}
        --expect-stderr "^${_o_dl}: --csv ${_o_work}/copy/lib/libmodule1\\.so: the same file as the generated library ${_o_work}/copy/lib/libmodule1\\.so, which this run reads. give the output a path of its own$"
  ARGS --manifest "${_o_work}/copy/manifest.json" --lib-dir "${_o_work}/copy/lib"
       --csv "${_o_work}/copy/lib/libmodule1.so")
# Where the output cannot go: refused before the run, not after it (exit 2, not 1).
_pyn_output_test(outputs.csv-dir-missing.parallel dlopen ${_o_dl} RANKS ${_o_np}
  CHECK ${_o_usage}
        --expect-stderr "^${_o_dl}: --csv /nonexistent/r\\.csv: directory /nonexistent: stat: No such file or directory$"
  ARGS --csv /nonexistent/r.csv)

# --- 2. a report named with the longest legal name (255 bytes): its temporary file must be legal too ------
string(REPEAT "n" 250 _o_stem)
_pyn_output_test(outputs.long-report-name.serial dlopen ${_o_dl} CHECK --report-stem "${_o_stem}")

# --- 3. standard output that cannot be written: the result lines are lost, the run failed ----------------
set(_o_stdout "${Python3_EXECUTABLE}" "${_o_dir}/stdout_fault.py")
set(_o_lost "write the result lines to standard output")
foreach(_how full closed-pipe)
  if(_how STREQUAL "full")
    set(_why "No space left on device")
  else()
    set(_why "Broken pipe")
  endif()
  add_test(NAME outputs.stdout-${_how}.dlopen.serial
    COMMAND ${_o_stdout} --how ${_how} --workdir "${PYNAMIC_TEST_WORK}/outputs.stdout-${_how}.dlopen.serial"
            --expect-stderr "^${_o_dl}: rank 0: ${_o_lost}: ${_why}$" -- $<TARGET_FILE:${_o_dl}>)
  pynamic_launch(_o RANKS ${_o_np})
  add_test(NAME outputs.stdout-${_how}.dlopen.parallel
    COMMAND ${_o_stdout} --how ${_how} --workdir "${PYNAMIC_TEST_WORK}/outputs.stdout-${_how}.dlopen.parallel"
            ${_o_OPTIONS} --expect-stderr "^${_o_dl}: rank 0: ${_o_lost}: ${_why}$" -- $<TARGET_FILE:${_o_dl}>)
  set_tests_properties(outputs.stdout-${_how}.dlopen.parallel PROPERTIES LABELS "faults;outputs;parallel"
                       PROCESSORS ${_o_np} TIMEOUT 120)
  set_tests_properties(outputs.stdout-${_how}.dlopen.serial PROPERTIES LABELS "faults;outputs;serial" TIMEOUT 60)
  # The driver runs under an uninstrumented python3: not in sanitizer builds (as ctest/python/tests.cmake).
  if(PYNAMIC_DRIVER AND NOT PYNAMIC_SANITIZERS)
    add_test(NAME outputs.stdout-${_how}.driver.serial
      COMMAND ${_o_stdout} --how ${_how} --workdir "${PYNAMIC_TEST_WORK}/outputs.stdout-${_how}.driver.serial"
              --expect-stderr "^pynamic_driver\\.py: rank 0: ${_o_lost}: ${_why}$"
              -- "${Python3_EXECUTABLE}" "${PYNAMIC_DRIVER}")
    set_tests_properties(outputs.stdout-${_how}.driver.serial PROPERTIES LABELS "faults;outputs;serial" TIMEOUT 60)
  endif()
endforeach()

# --- 4. an error line keeps its cause however long the path: a library directory 480 bytes deep ----------
string(REPEAT "d" 40 _o_d40)
set(_o_long "${_o_work}/long")
foreach(_i RANGE 10)
  string(APPEND _o_long "/${_o_d40}")
endforeach()
add_test(NAME outputs.fixture.long-dir COMMAND "${CMAKE_COMMAND}" -E make_directory "${_o_long}")
set_tests_properties(outputs.fixture.long-dir PROPERTIES FIXTURES_SETUP outputs_long_dir
                     LABELS "faults;outputs;serial;parallel" TIMEOUT 60)
# The tree is empty: the first library is missing. The line keeps its start and the loader's cause.
_pyn_output_test(outputs.long-path-cause.library-missing.serial dlopen ${_o_dl} FIXTURES outputs_long_dir
  CHECK --expect-exit 1 --one-line-error
        --expect-stderr "^${_o_dl}: rank 0 \\(.*\\): import: dlopen: ${_o_work}/long/d+.*\\.\\.\\..*d/libmodulebegin\\.so: cannot open shared object file: No such file or directory$"
  ARGS --lib-dir "${_o_long}")
# The directory itself missing, on every rank: the system's reason is the end of the line.
_pyn_output_test(outputs.long-path-cause.library-dir-missing.parallel dlopen ${_o_dl} RANKS ${_o_np}
  FIXTURES outputs_long_dir
  CHECK --no-report --expect-exit 1
        --expect-stderr "rank 0 \\(.*\\): library directory ${_o_work}/long/.*\\.\\.\\..*d/nonexistent: No such file or directory\n"
  ARGS --lib-dir "${_o_long}/nonexistent")
# Two long paths in one line (pyn_shorten_pair): each keeps its start and end, the words between them and the
# cause stay. A usage error found before the run, as every output's.
set(_o_cut "${_o_work}/long/d+[d/]*[d/]\\.\\.\\.[d/][d/]*")
_pyn_output_test(outputs.long-path-cause.json-dir-missing.serial dlopen ${_o_dl} FIXTURES outputs_long_dir
  CHECK ${_o_usage}
        --expect-stderr "^${_o_dl}: --json ${_o_cut}/absent/r\\.json: directory ${_o_cut}/absent: stat: No such file or directory$"
  ARGS --json "${_o_long}/absent/r.json")
_pyn_output_test(outputs.long-path-cause.csv-same-as-json.serial dlopen ${_o_dl} FIXTURES outputs_long_dir
  CHECK ${_o_usage}
        --expect-stderr "^${_o_dl}: --csv ${_o_cut}/r\\.out: the same file as --json ${_o_cut}/r\\.out. give each output its own path$"
  ARGS --json "${_o_long}/r.out" --csv "${_o_long}/r.out")
