# The parallel mode tests again, through Slurm's srun --mpi=pmi2 on a real
# one-host cluster (munged + slurmctld + slurmd) that local_slurm.py starts
# for them in the build tree and stops afterwards (fixture local_slurm).
# Label: slurm. Included by ctest/CMakeLists.txt.
#
# PYNAMIC_TEST_SLURM: AUTO (default) registers these tests when the Slurm
# and munge daemons are installed and configure runs as root; ON requires
# them (configure fails otherwise: the ci preset sets it, so CI never skips
# them silently); OFF never registers them. The tests need root at run time
# too: slurmd starts the job steps.

set(PYNAMIC_TEST_SLURM AUTO CACHE STRING
    "Run the parallel tests through srun on a local one-host Slurm too (needs root, slurmctld, slurmd, munged): AUTO, ON or OFF")
set_property(CACHE PYNAMIC_TEST_SLURM PROPERTY STRINGS AUTO ON OFF)
if(NOT PYNAMIC_TEST_SLURM MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "PYNAMIC_TEST_SLURM must be AUTO, ON or OFF, not '${PYNAMIC_TEST_SLURM}'")
endif()

if(NOT PYNAMIC_TEST_SLURM STREQUAL "OFF")
  set(_slurm_missing "")
  foreach(_prog munged slurmctld slurmd srun sinfo scontrol squeue scancel)
    string(TOUPPER "${_prog}" _var)
    find_program(PYNAMIC_SLURM_${_var} NAMES ${_prog} PATHS /usr/sbin /sbin /usr/bin DOC "${_prog} for the slurm tests")
    mark_as_advanced(PYNAMIC_SLURM_${_var})
    if(NOT PYNAMIC_SLURM_${_var})
      list(APPEND _slurm_missing ${_prog})
    endif()
  endforeach()
  execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(_slurm_why "")
  if(_slurm_missing)
    string(REPLACE ";" ", " _slurm_missing "${_slurm_missing}")
    set(_slurm_why "not found: ${_slurm_missing} (bench/install-deps.sh --tests installs them)")
  elseif(NOT _uid STREQUAL "0")
    set(_slurm_why "not root (uid ${_uid}): the local cluster's slurmd must run as root")
  endif()
  if(_slurm_why AND PYNAMIC_TEST_SLURM STREQUAL "ON")
    message(FATAL_ERROR "PYNAMIC_TEST_SLURM=ON but the slurm tests cannot run: ${_slurm_why}. "
                        "Configure with -DPYNAMIC_TEST_SLURM=OFF (or AUTO) to leave them out.")
  elseif(_slurm_why)
    message(STATUS "slurm tests: left out (${_slurm_why})")
  else()
    set(_slurm_enabled TRUE)
  endif()
endif()

if(_slurm_enabled)
  set(_slurm_dir "${PYNAMIC_TEST_WORK}/slurm")
  set(_slurm_script "${CMAKE_CURRENT_LIST_DIR}/local_slurm.py")
  set(_slurm_tools
      --munged "${PYNAMIC_SLURM_MUNGED}" --slurmctld "${PYNAMIC_SLURM_SLURMCTLD}" --slurmd "${PYNAMIC_SLURM_SLURMD}"
      --srun "${PYNAMIC_SLURM_SRUN}" --sinfo "${PYNAMIC_SLURM_SINFO}" --scontrol "${PYNAMIC_SLURM_SCONTROL}"
      --squeue "${PYNAMIC_SLURM_SQUEUE}" --scancel "${PYNAMIC_SLURM_SCANCEL}")
  add_test(NAME slurm.cluster.start
           COMMAND "${Python3_EXECUTABLE}" "${_slurm_script}" start --dir "${_slurm_dir}" --wait 60 ${_slurm_tools})
  set_tests_properties(slurm.cluster.start PROPERTIES FIXTURES_SETUP local_slurm LABELS slurm TIMEOUT 150)
  add_test(NAME slurm.cluster.stop COMMAND "${Python3_EXECUTABLE}" "${_slurm_script}" stop --dir "${_slurm_dir}"
                                           ${_slurm_tools})
  set_tests_properties(slurm.cluster.stop PROPERTIES FIXTURES_CLEANUP local_slurm LABELS slurm TIMEOUT 120)

  # srun as the tests' launcher: pmi2 is what MPICH's PMI client speaks to
  # Slurm; --overcommit lets 4 tasks share this host's CPUs; --time bounds a
  # stuck job even if ctest's timeout misses it.
  set(_srun LAUNCHER "${PYNAMIC_SLURM_SRUN}" NUMPROC_FLAG -n PREFLAGS --mpi=pmi2 --overcommit --time=5)
  # This cluster's configuration, and none of an outer allocation's (ctest run inside a Slurm job).
  set(_slurm_env "SLURM_CONF=set:${_slurm_dir}/slurm.conf")
  foreach(_var SLURM_JOB_ID SLURM_JOBID SLURM_STEP_ID SLURM_STEPID SLURM_JOB_NODELIST SLURM_NODELIST SLURM_NTASKS
               SLURM_NPROCS SLURM_NNODES SLURM_JOB_NUM_NODES)
    list(APPEND _slurm_env "${_var}=unset:")
  endforeach()

  function(_pynamic_slurm_test name)
    pynamic_mode_test(${name} ${ARGN})
    get_test_property(${name} FIXTURES_REQUIRED _fixtures)
    if(NOT _fixtures)
      set(_fixtures "")
    endif()
    set_tests_properties(${name} PROPERTIES LABELS slurm ENVIRONMENT_MODIFICATION "${_slurm_env}"
                                            FIXTURES_REQUIRED "local_slurm;${_fixtures}")
  endfunction()

  # Passing runs: 4 ranks in one MPI world (run_mode.py checks nranks and every rank's row).
  # The report's job is srun's (modecheck/job.py: the ids rank 0's environment had), step 0 of a job of its own.
  _pynamic_slurm_test(slurm.dlopen.parallel dlopen pynamic-mode-dlopen RANKS ${_np} ${_srun}
                      CHECK --launch-time before --expect-scheduler slurm --expect-launcher srun --expect-job step=0)
  _pynamic_slurm_test(slurm.dlopen.lazy.parallel dlopen pynamic-mode-dlopen RANKS ${_np} ${_srun}
                      CHECK --binding lazy ARGS --lazy)
  _pynamic_slurm_test(slurm.linked.parallel linked pynamic-mode-linked RANKS ${_np} ${_srun})
  # Failures through srun: named, non-zero on every rank, no hang.
  _pynamic_slurm_test(slurm.dlopen.missing-library.parallel dlopen pynamic-mode-dlopen RANKS ${_np} ${_srun}
                      FIXTURES missing_library CHECK ${_missing} ARGS --lib-dir "${_work}/missing-library-lib")
  _pynamic_slurm_test(slurm.linked.checksum-mismatch.parallel linked pynamic-mode-linked RANKS ${_np} ${_srun}
                      FIXTURES other_seed CHECK ${_mismatch} ARGS --manifest "${_work}/other-seed/manifest.json")
  # srun without PMI starts N one-rank worlds: every task must refuse, not report a fake rank 0.
  _pynamic_slurm_test(slurm.error.no-pmi dlopen pynamic-mode-dlopen RANKS ${_np}
                      LAUNCHER "${PYNAMIC_SLURM_SRUN}" NUMPROC_FLAG -n PREFLAGS --mpi=none --overcommit --time=5
                      CHECK --no-report --expect-exit 1
                            --expect-stderr "rank 0: launched as one of ${_np} tasks \\(SLURM_STEP_NUM_TASKS=${_np}\\) but MPI_COMM_WORLD has 1 rank")
endif()
