# SPDX-License-Identifier: BSD-3-Clause
# Staging: --stage bcast|cache|pilot (docs/staging.md), label `stage` plus
# serial or parallel, and `faults` for the failures. Included from
# ctest/CMakeLists.txt after the python and faults directories (it uses
# their driver helper, fault_env.py and fixtures).
#
# Every run goes through run_mode.py with --stage-dir: a staging directory of
# the test's own, which must hold no pynamic-stage.* afterwards, whether the
# run passed or failed. run_mode.py reads the strategy from the program's
# --stage and checks what it implies: checksums verified on every rank; for
# bcast no loader operation on the shared tree and the node-local copies
# counted apart (local), for cache and pilot no failed probe and one open per
# file; the stage objects (strategy, files, leaders per host, rank 0's
# shared-tree operations, bytes, stage_s in total_with_stage_s), the CSV.

set(_s_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_s_work "${PYNAMIC_TEST_WORK}/stage")
set(_s_np ${PYNAMIC_TEST_RANKS})
set(_s_map "${PYNAMIC_TEST_WORK}/stage.fixture.pilot-map/pilot.map")  # run_mode.py makes the directory
set(_s_maps "${_s_work}/maps")
set(_s_env "${CMAKE_CURRENT_LIST_DIR}/../faults/fault_env.py")
list(JOIN MPIEXEC_PREFLAGS " " _s_mpipre)

# _pyn_stage_test(NAME MODE TARGET [RANKS n] [LABELS ...] [CHECK ...] [ARGS ...] [FIXTURES ...] [NO_STAGE_DIR])
#   pynamic_mode_test with the stage label and --stage-dir <work>/NAME/stage-dir.
function(_pyn_stage_test name mode target)
  cmake_parse_arguments(S "NO_STAGE_DIR" "RANKS" "LABELS;CHECK;ARGS;FIXTURES" ${ARGN})
  set(ranks "")
  if(S_RANKS)
    set(ranks RANKS ${S_RANKS})
  endif()
  set(stage_dir --stage-dir "${PYNAMIC_TEST_WORK}/${name}/stage-dir")
  if(S_NO_STAGE_DIR)
    set(stage_dir "")
  endif()
  pynamic_mode_test(${name} ${mode} ${target} ${ranks} LABELS stage ${S_LABELS} TIMEOUT 60
                    CHECK ${stage_dir} ${S_CHECK} ARGS ${S_ARGS} FIXTURES ${S_FIXTURES})
endfunction()

# The job directories' names, lock and reaping (pyn_stage_dir.h), one process without MPI.
pynamic_unit_test(stage.dir.unit "${_s_dir}/test_stage_dir.c" pynamic_core LABELS stage
                  ARGS "${_s_work}/stage-dir-unit")
# The same mechanism for any kind of directory held for a run's life (pyn_lockdir.h): staging's and the Python
# modes' per-run search directories side by side, each reaper removing only its own kind.
pynamic_unit_test(lockdir.unit "${_s_dir}/test_lockdir.c" pynamic_core LABELS "stage;python;faults"
                  ARGS "${_s_work}/lockdir-unit")

set(_s_modes dlopen)
if(TARGET pynamic-mode-python)
  list(APPEND _s_modes python)
endif()

# --- the map a small run records, replayed by the pilot tests -------------
# One rank, --stage cache --pilot-map: run_mode.py removes an older map
# first and checks the new one (header, seed, every file once, by an
# absolute path that exists).
_pyn_stage_test(stage.fixture.pilot-map dlopen pynamic-mode-dlopen LABELS parallel
                ARGS --stage cache --pilot-map "${_s_map}")
set_tests_properties(stage.fixture.pilot-map PROPERTIES FIXTURES_SETUP stage_pilot_map)

# --- passing runs: every strategy, every mode that loads at run time ------
foreach(_mode IN LISTS _s_modes)
  foreach(_how bcast cache pilot)
    set(_fx "")
    set(_map "")
    if(_how STREQUAL "pilot")
      set(_fx stage_pilot_map)
      set(_map --pilot-map "${_s_map}")
    endif()
    _pyn_stage_test(stage.${_mode}.${_how}.parallel ${_mode} pynamic-mode-${_mode} RANKS ${_s_np}
                    ARGS --stage ${_how} ${_map} FIXTURES ${_fx})
    # One process, no launcher: the asan preset runs these (label serial).
    _pyn_stage_test(stage.${_mode}.${_how}.serial ${_mode} pynamic-mode-${_mode}
                    ARGS --stage ${_how} ${_map} FIXTURES ${_fx})
  endforeach()
endforeach()
# Chunked broadcast: every generated file is larger than 4096 bytes, so each
# takes several chunks (run_mode.py checks that, and the bytes written).
_pyn_stage_test(stage.dlopen.bcast-chunked.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np}
                CHECK --expect-min-chunks 2 ARGS --stage bcast --stage-chunk 4096)
_pyn_stage_test(stage.python.bcast-chunked.parallel python pynamic-mode-python RANKS ${_s_np}
                CHECK --expect-min-chunks 2 ARGS --stage bcast --stage-chunk 4K)
# A relative --stage-dir (from the test's working directory): the copies
# are still counted as node-local, never as the shared tree.
file(RELATIVE_PATH _s_rel "${CMAKE_CURRENT_BINARY_DIR}"
     "${PYNAMIC_TEST_WORK}/stage.dlopen.bcast-relative-dir.parallel/stage-dir")
_pyn_stage_test(stage.dlopen.bcast-relative-dir.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} NO_STAGE_DIR
                CHECK --stage-dir "${_s_rel}" ARGS --stage bcast)
set_tests_properties(stage.dlopen.bcast-relative-dir.parallel PROPERTIES
                     WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
# The driver under a stock python3: bcast (it puts the copies on sys.path);
# cache and pilot need ld.so's auditor (--audit), which a stock python3 does not load.
if(_py_driver)
  pynamic_driver_test(stage.driver.bcast.parallel RANKS ${_s_np} LABELS stage TIMEOUT 60
                      CHECK --stage-dir "${PYNAMIC_TEST_WORK}/stage.driver.bcast.parallel/stage-dir"
                      ARGS --stage bcast)
  pynamic_driver_test(stage.driver.cache-needs-auditor.parallel RANKS ${_s_np} LABELS "stage;faults" TIMEOUT 60
                      CHECK --stage-dir "${PYNAMIC_TEST_WORK}/stage.driver.cache-needs-auditor.parallel/stage-dir"
                            --expect-exit 1
                            --expect-stderr "rank 0 \\(.*\\): --audit: libpynamic-audit\\.so was not loaded"
                      ARGS --audit --stage cache)
endif()

# --- shared-file-system operations flat in the rank count -----------------
foreach(_mode IN LISTS _s_modes)
  add_test(NAME stage.flat-counts.${_mode}.parallel
    COMMAND "${Python3_EXECUTABLE}" "${_s_dir}/flat_counts.py" --run-mode "${PYNAMIC_RUN_MODE}"
            --manifest "${PYNAMIC_MANIFEST}" --mode ${_mode}
            --workdir "${PYNAMIC_TEST_WORK}/stage.flat-counts.${_mode}.parallel"
            --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_s_mpipre}"
            --ranks ${_s_np} -- $<TARGET_FILE:pynamic-mode-${_mode}>)
  set_tests_properties(stage.flat-counts.${_mode}.parallel PROPERTIES LABELS "stage;parallel" PROCESSORS ${_s_np}
                       TIMEOUT 180)
endforeach()

# --- faults: one line naming the object, exit 1 on every rank, nothing left
set(_s_fail --expect-exit 1)
set(_s_who "rank 0 \\(.*\\): stage:")
# The staging directory: missing, not a directory, full, out of inodes, read-only, noexec.
_pyn_stage_test(stage.fault.dir-missing.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults NO_STAGE_DIR
  CHECK --stage-dir "${PYNAMIC_TEST_WORK}/stage.fault.dir-missing.parallel/absent" --stage-dir-missing ${_s_fail}
        --expect-stderr "${_s_who} --stage-dir .*/absent: No such file or directory"
  ARGS --stage bcast)
_pyn_stage_test(stage.fault.dir-not-a-directory.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  NO_STAGE_DIR CHECK ${_s_fail} --expect-stderr "${_s_who} --stage-dir .*/manifest\\.json: not a directory"
  ARGS --stage bcast --stage-dir "${PYNAMIC_MANIFEST}")
# A tiny tmpfs in a private mount namespace (fault_env.py; as non-root inside
# a user namespace; a fault that cannot be set up fails with status 98).
# --only-keep: afterwards it holds nothing, no file and no directory.
set(_s_tmp "${_s_work}/tmpfs")
_pyn_stage_test(stage.fault.dir-full.serial dlopen pyn_test_python LABELS faults NO_STAGE_DIR
  CHECK ${_s_fail}
        --expect-stderr "${_s_who} write ${_s_tmp}/pynamic-stage\\.[^/]+/lib[a-z0-9]+\\.so: No space left on device"
  ARGS "${_s_env}" --tmpfs "${_s_tmp}" --size 65536 --only-keep
       -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast --stage-dir "${_s_tmp}")
# Under the launcher: the whole launch in the namespace, run_mode.py's own
# checks (every rank's status, nothing left in the staging directory) inside it.
add_test(NAME stage.fault.dir-full.parallel
  COMMAND "${Python3_EXECUTABLE}" "${_s_env}" --tmpfs "${_s_tmp}" --size 65536 --only-keep
          -- "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${PYNAMIC_MANIFEST}"
          --workdir "${PYNAMIC_TEST_WORK}/stage.fault.dir-full.parallel" --mode dlopen
          --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_s_mpipre}"
          --ranks ${_s_np} --stage-dir "${_s_tmp}" ${_s_fail}
          --expect-stderr "${_s_who} write ${_s_tmp}/pynamic-stage\\.[^/]+/lib[a-z0-9]+\\.so: No space left on device"
          -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast)
add_test(NAME stage.fault.dir-noexec.parallel
  COMMAND "${Python3_EXECUTABLE}" "${_s_env}" --tmpfs "${_s_tmp}" --size 4194304 --noexec --only-keep
          -- "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${PYNAMIC_MANIFEST}"
          --workdir "${PYNAMIC_TEST_WORK}/stage.fault.dir-noexec.parallel" --mode python
          --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_s_mpipre}"
          --ranks ${_s_np} --stage-dir "${_s_tmp}" ${_s_fail}
          --expect-stderr "${_s_who} --stage-dir ${_s_tmp} is on a file system mounted noexec: ld\\.so cannot map libraries from it"
          -- $<TARGET_FILE:pynamic-mode-python> --stage bcast)
set_tests_properties(stage.fault.dir-full.parallel stage.fault.dir-noexec.parallel PROPERTIES
                     LABELS "stage;faults;parallel" PROCESSORS ${_s_np} TIMEOUT 60)
_pyn_stage_test(stage.fault.dir-no-inodes.serial dlopen pyn_test_python LABELS faults NO_STAGE_DIR
  CHECK ${_s_fail} --expect-stderr "${_s_who} mkdir ${_s_tmp}/pynamic-stage\\.[^/]+: No space left on device"
  ARGS "${_s_env}" --tmpfs "${_s_tmp}" --inodes 16 --fill inodes --only-keep
       -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast --stage-dir "${_s_tmp}")
_pyn_stage_test(stage.fault.dir-read-only.serial dlopen pyn_test_python LABELS faults NO_STAGE_DIR
  CHECK ${_s_fail} --expect-stderr "${_s_who} mkdir ${_s_tmp}/pynamic-stage\\.[^/]+: Read-only file system"
  ARGS "${_s_env}" --tmpfs "${_s_tmp}" --read-only --only-keep
       -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast --stage-dir "${_s_tmp}")

# The shared tree: rank 0 cannot read a library, or it is missing.
_pyn_stage_test(stage.fault.library-unreadable.bcast.parallel dlopen pyn_test_python RANKS ${_s_np} LABELS faults
  FIXTURES faults_module_unreadable
  CHECK ${_s_fail} --expect-stderr "${_s_who} read .*/module-unreadable/libmodule1\\.so: open: Permission denied"
  ARGS "${_s_env}" --drop-dac -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast
       --lib-dir "${PYNAMIC_TEST_WORK}/faults/module-unreadable")
_pyn_stage_test(stage.fault.library-missing.bcast.parallel python pynamic-mode-python RANKS ${_s_np} LABELS faults
  FIXTURES missing_library
  CHECK ${_s_fail} --expect-stderr "${_s_who} read .*/missing-library-lib/libmodule1\\.so: open: No such file or directory"
  ARGS --stage bcast --lib-dir "${PYNAMIC_TEST_WORK}/missing-library-lib")
_pyn_stage_test(stage.fault.library-missing.cache.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  FIXTURES missing_library
  CHECK ${_s_fail}
        --expect-stderr "${_s_who} resolve libmodule1\\.so: in none of the [0-9]+ RUNPATH directories under .*/missing-library-lib"
  ARGS --stage cache --lib-dir "${PYNAMIC_TEST_WORK}/missing-library-lib")

# A failure after staging (every rank's import raises): the copies are removed all the same.
_pyn_stage_test(stage.fault.import-fails-after-bcast.parallel python pynamic-mode-python RANKS ${_s_np} LABELS faults
  FIXTURES python_bad_init
  CHECK ${_s_fail}
        --expect-stderr "rank [0-9]+ .*import: ${_py_bad_module}: RuntimeError: pynamic test: ${_py_bad_module} refuses to initialise"
  ARGS --stage bcast --lib-dir "${PYNAMIC_TEST_WORK}/python-bad-init-lib")

# Pilot maps: damaged copies of the recorded map (make_map.py checks each is damaged as it says).
add_test(NAME stage.fixture.bad-maps
  COMMAND "${Python3_EXECUTABLE}" "${_s_dir}/make_map.py" --from "${_s_map}" --to "${_s_maps}")
set_tests_properties(stage.fixture.bad-maps PROPERTIES FIXTURES_SETUP stage_bad_maps FIXTURES_REQUIRED stage_pilot_map
                     LABELS "stage;faults;serial;parallel" TIMEOUT 60)
set(_s_m "${_s_who} .*/maps")
foreach(_case
    "other-seed|${_s_m}/other-seed\\.map was recorded for seed 987654321 with [0-9]+ files. this manifest has seed [0-9]+"
    "bad-header|${_s_m}/bad-header\\.map: line 1: not a pynamic path cache"
    "garbled|${_s_m}/garbled\\.map: line 5: expected 'FILE<tab>PATH'"
    "relative|${_s_m}/relative\\.map: line 6: 'lib/lib[a-z0-9]+\\.so' is not an absolute path"
    "duplicate|${_s_m}/duplicate\\.map: line 5: lib[a-z0-9]+\\.so is listed twice"
    "short|${_s_m}/short\\.map does not list lib[a-z0-9]+\\.so, a file of this manifest"
    "control|${_s_m}/control\\.map: line 7: holds a control character"
    "nul|${_s_m}/nul\\.map: holds a NUL byte"
    "trailing|${_s_m}/trailing\\.map: line 2: expected 'seed S files N'"
    "blank-line|${_s_m}/blank-line\\.map: line 5: empty line")
  string(REPLACE "|" ";" _case "${_case}")
  list(GET _case 0 _name)
  list(GET _case 1 _says)
  _pyn_stage_test(stage.fault.pilot-${_name}.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
    FIXTURES stage_bad_maps CHECK ${_s_fail} --one-line-error --expect-stderr "${_says}"
    ARGS --stage pilot --pilot-map "${_s_maps}/${_name}.map")
endforeach()
# One process each (the asan preset runs these: the error paths free what they allocated).
_pyn_stage_test(stage.fault.pilot-garbled.serial dlopen pynamic-mode-dlopen LABELS faults FIXTURES stage_bad_maps
  CHECK ${_s_fail} --one-line-error --expect-stderr "${_s_m}/garbled\\.map: line 5: expected 'FILE<tab>PATH'"
  ARGS --stage pilot --pilot-map "${_s_maps}/garbled.map")
_pyn_stage_test(stage.fault.library-missing.cache.serial python pynamic-mode-python LABELS faults
  FIXTURES missing_library
  CHECK ${_s_fail} --one-line-error --expect-stderr "${_s_who} resolve libmodule1\\.so: in none of the"
  ARGS --stage cache --lib-dir "${PYNAMIC_TEST_WORK}/missing-library-lib")
# The map is fine but the manifest is another build's.
_pyn_stage_test(stage.fault.pilot-other-manifest.parallel python pynamic-mode-python RANKS ${_s_np} LABELS faults
  FIXTURES "stage_pilot_map;other_seed"
  CHECK ${_s_fail} --one-line-error
        --expect-stderr "${_s_who} .*/pilot\\.map was recorded for seed 1 with [0-9]+ files. this manifest has seed 987654321"
  ARGS --stage pilot --pilot-map "${_s_map}" --manifest "${PYNAMIC_TEST_WORK}/other-seed/manifest.json")
# Paths that no longer exist (the tree moved): the load fails naming the path.
_pyn_stage_test(stage.fault.pilot-stale.parallel python pynamic-mode-python RANKS ${_s_np} LABELS faults
  FIXTURES stage_bad_maps
  CHECK ${_s_fail} --expect-stderr "rank [0-9]+ \\(.*\\): import: libmodule[a-z0-9]+: ImportError: /nonexistent/.*/libmodule[a-z0-9]+\\.so: cannot open shared object file"
  ARGS --stage pilot --pilot-map "${_s_maps}/stale.map")
_pyn_stage_test(stage.fault.pilot-map-missing.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  CHECK ${_s_fail} --one-line-error
        --expect-stderr "${_s_who} --pilot-map: read .*/absent\\.map: open: No such file or directory"
  ARGS --stage pilot --pilot-map "${_s_work}/absent.map")
_pyn_stage_test(stage.fault.pilot-map-directory.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  CHECK ${_s_fail} --one-line-error --expect-stderr "${_s_who} --pilot-map: read ${_s_dir}: read: Is a directory"
  ARGS --stage pilot --pilot-map "${_s_dir}")
# A path 492 bytes deep (pynamic_long_dir): the line keeps its start and the cause, the path loses its middle.
pynamic_long_dir(_s_long "${_s_work}" stage_long_dir LABELS "stage;faults")
set(_s_cut "${_s_work}/long/d+[d/]*[d/]\\.\\.\\.[d/][d/]*")
_pyn_stage_test(stage.fault.long-dir-missing.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  NO_STAGE_DIR FIXTURES stage_long_dir
  CHECK --stage-dir "${_s_long}/absent" --stage-dir-missing ${_s_fail} --one-line-error
        --expect-stderr "^pynamic-mode-dlopen: ${_s_who} --stage-dir ${_s_cut}/absent: No such file or directory$"
  ARGS --stage bcast)
_pyn_stage_test(stage.fault.long-pilot-map-missing.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  FIXTURES stage_long_dir
  CHECK ${_s_fail} --one-line-error
        --expect-stderr "^pynamic-mode-dlopen: ${_s_who} --pilot-map: read ${_s_cut}/absent\\.map: open: No such file or directory$"
  ARGS --stage pilot --pilot-map "${_s_long}/absent.map")
# Recording: the map cannot be written, found before the run like every output's (a usage error).
_pyn_stage_test(stage.fault.pilot-map-unwritable.parallel dlopen pynamic-mode-dlopen RANKS ${_s_np} LABELS faults
  CHECK --expect-exit 2 --one-line-error --forbid-stdout "."
        --expect-stderr "^pynamic-mode-dlopen: --pilot-map /nonexistent/pilot\\.map: directory /nonexistent: stat: No such file or directory$"
  ARGS --stage cache --pilot-map /nonexistent/pilot.map)

# --- usage errors: exit status 2 on every rank, one line from rank 0 ------
set(_s_usage --no-report --expect-exit 2 --one-line-error)
# A --stage-dir longer than PATH_MAX (5000 bytes): the value loses its middle, never what is allowed.
string(REPEAT "x" 5000 _s_huge)
_pyn_stage_test(stage.usage.stage-dir-too-long.serial dlopen pynamic-mode-dlopen LABELS faults NO_STAGE_DIR
  CHECK ${_s_usage}
        --expect-stderr "^pynamic-mode-dlopen: --stage-dir: 'x+\\.\\.\\.x+' is not a path \\(a file name of 1 to 4095 bytes\\)$"
  ARGS --stage bcast --stage-dir "${_s_huge}")
foreach(_case
    "unknown-stage|dlopen|--stage: 'spread' is not one of none, bcast, cache, pilot|--stage;spread"
    "chunk-too-small|dlopen|--stage-chunk: '4095' is not a size in 4K..1G|--stage;bcast;--stage-chunk;4095"
    "chunk-too-large|python|--stage-chunk: '2G' is not a size in 4K..1G|--stage;bcast;--stage-chunk;2G"
    "chunk-bad-suffix|dlopen|--stage-chunk: '64m' is not a size|--stage;bcast;--stage-chunk;64m"
    "chunk-negative|dlopen|--stage-chunk: '-4096' is not a size|--stage;bcast;--stage-chunk=-4096"
    "pilot-without-map|python|--stage pilot replays a map: give it with --pilot-map FILE|--stage;pilot"
    "pilot-map-with-none|dlopen|--pilot-map goes with --stage cache .* not --stage none|--pilot-map;${_s_map}"
    "pilot-map-with-bcast|dlopen|--pilot-map goes with --stage cache .* not --stage bcast|--stage;bcast;--pilot-map;${_s_map}"
    "cold-with-bcast|python|--cold with --stage bcast: the run loads node-local copies|--stage;bcast;--cold")
  string(REPLACE "|" ";" _case "${_case}")
  list(GET _case 0 _name)
  list(GET _case 1 _mode)
  list(GET _case 2 _says)
  list(SUBLIST _case 3 -1 _args)
  if(_mode IN_LIST _s_modes)
    _pyn_stage_test(stage.usage.${_name}.parallel ${_mode} pynamic-mode-${_mode} RANKS ${_s_np} LABELS faults
      CHECK ${_s_usage} --expect-stderr "^pynamic-mode-${_mode}: ${_says}" ARGS ${_args})
  endif()
endforeach()
# The modes whose code is linked or built in refuse every strategy.
# (Not the big executables when they are left out of the default build: no -b.)
foreach(_mode linked python-linked bigexe python-bigexe python-static)
  set(_s_excluded TRUE)
  if(TARGET pynamic-mode-${_mode})
    get_target_property(_s_excluded pynamic-mode-${_mode} EXCLUDE_FROM_ALL)
  endif()
  if(NOT _s_excluded)
    _pyn_stage_test(stage.usage.${_mode}-refuses.parallel ${_mode} pynamic-mode-${_mode} RANKS ${_s_np} LABELS faults
      CHECK ${_s_usage}
            --expect-stderr "^pynamic-mode-${_mode}: --stage cache: mode ${_mode} does not load the generated files at run time"
      ARGS --stage cache)
  endif()
endforeach()
if(_py_driver)
  pynamic_driver_test(stage.usage.driver-unknown-stage.parallel RANKS ${_s_np} LABELS "stage;faults" TIMEOUT 60
                      CHECK ${_s_usage} --expect-stderr "^pynamic_driver\\.py: --stage: 'spread' is not one of"
                      ARGS --stage spread)
endif()

# --- a tree whose RUNPATH lists 4 directories, the first 3 empty ----------
# bcast mirrors the empty directories next to the copies (ld.so searches the
# copies as it would the originals) and still touches no shared file; cache
# pays rank 0's 3 failed candidates per file once (shared_enoent) so that no
# rank probes anything. Not in sanitizer builds (the tree is built with the
# default flags; what is checked does not depend on them).
if(NOT PYNAMIC_SANITIZERS)
  set(_s_tree "${PYNAMIC_TEST_WORK}/stage.search-dirs.build")
  add_test(NAME stage.fixture.search-dirs-tree
    COMMAND "${CMAKE_COMMAND}" "-DSOURCE=${PROJECT_SOURCE_DIR}" "-DBUILD=${_s_tree}" "-DGENERATOR=${CMAKE_GENERATOR}"
            "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}" "-DCC=${CMAKE_C_COMPILER}" "-DPYTHON=${Python3_EXECUTABLE}"
            "-DCONFIG=4 10 -u 2 10 --search-dirs 4" -P "${_s_dir}/build_search_tree.cmake")
  set_tests_properties(stage.fixture.search-dirs-tree PROPERTIES FIXTURES_SETUP stage_search_tree
                       LABELS "stage;build;parallel" TIMEOUT 600 PROCESSORS 2)
  foreach(_how bcast cache)
    set(_name stage.search-dirs.${_how}.parallel)
    add_test(NAME ${_name}
      COMMAND "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${_s_tree}/generated/manifest.json"
              --workdir "${PYNAMIC_TEST_WORK}/${_name}" --mode dlopen --stage-dir "${PYNAMIC_TEST_WORK}/${_name}/stage-dir"
              --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_s_mpipre}"
              --ranks ${_s_np} -- "${_s_tree}/pynamic-mode-dlopen" --audit --stage ${_how})
    set_tests_properties(${_name} PROPERTIES LABELS "stage;parallel" PROCESSORS ${_s_np} TIMEOUT 60
                         FIXTURES_REQUIRED stage_search_tree)
  endforeach()
endif()
