# SPDX-License-Identifier: BSD-3-Clause
# The parallel mode tests again, through Slurm's srun --mpi=pmi2 on a real
# one-host cluster (munged + slurmctld + slurmd) that local_slurm.py starts
# for them in the build tree and stops afterwards (fixture local_slurm).
# Labels: slurm and parallel. Included by ctest/CMakeLists.txt.
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
  # Labels slurm and parallel (srun is the tests' launcher; the fixtures go with them). One cluster of one
  # node: its tests take it in turn (RESOURCE_LOCK), as two job steps would queue for its cores.
  set_tests_properties(slurm.cluster.start PROPERTIES FIXTURES_SETUP local_slurm LABELS "slurm;parallel" TIMEOUT 150
                                                      RESOURCE_LOCK pynamic_local_slurm)
  add_test(NAME slurm.cluster.stop COMMAND "${Python3_EXECUTABLE}" "${_slurm_script}" stop --dir "${_slurm_dir}"
                                           ${_slurm_tools})
  set_tests_properties(slurm.cluster.stop PROPERTIES FIXTURES_CLEANUP local_slurm LABELS "slurm;parallel" TIMEOUT 120
                                                     RESOURCE_LOCK pynamic_local_slurm)

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
    set_tests_properties(${name} PROPERTIES LABELS "slurm;parallel" ENVIRONMENT_MODIFICATION "${_slurm_env}"
                                            FIXTURES_REQUIRED "local_slurm;${_fixtures}"
                                            RESOURCE_LOCK pynamic_local_slurm)
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
  # A rank killed (SIGKILL) while importing, as in faults.rank-kill-in-import.* under hydra: srun names the task
  # and host at once ("srun: error: vm: task 3: Killed"). With --kill-on-bad-exit=1 srun then ends the other
  # tasks; with 0 (Slurm's default KillOnBadExit) they wait in the import's agreement until --timeout, whose
  # line names the rank that did not arrive and its host, and whose MPI_Abort ends the step. rank_fault.py
  # (ctest/faults) reaps what it can, takes the other ranks' ends from srun's lines and scancels a hung job.
  cmake_host_system_information(RESULT _slurm_host QUERY HOSTNAME)
  string(REGEX REPLACE "\\..*" "" _slurm_node "${_slurm_host}")
  math(EXPR _slurm_last "${_np} - 1")
  set(_slurm_dead "srun: error: ${_slurm_node}: task ${_slurm_last}: Killed")
  foreach(_case "kill-on-bad-exit;1;" "timeout;0;--timeout;5")
    list(GET _case 0 _how)
    list(GET _case 1 _k)
    list(SUBLIST _case 2 -1 _opts)
    set(_name slurm.rank-kill-in-import.${_how}.parallel)
    set(_says --expect-output "${_slurm_dead}")
    if(_how STREQUAL "timeout")
      list(APPEND _says --expect-output
           "pynamic-mode-dlopen: --timeout 5: import has not ended on every rank after [0-9.]+ s: rank ${_slurm_last} \\(${_slurm_host}\\) did not arrive. ending the job")
    endif()
    add_test(NAME ${_name}
      COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/../faults/rank_fault.py"
              --shim $<TARGET_FILE:pyn_fault_kill> --launcher "${PYNAMIC_SLURM_SRUN}" --numproc-flag=-n
              "--preflags=--mpi=pmi2 --overcommit --time=5 --kill-on-bad-exit=${_k}" --scancel "${PYNAMIC_SLURM_SCANCEL}"
              --ranks ${_np} --fault-rank ${_slurm_last} --fault-module libmodule1.so --action kill --bound 40 ${_says}
              --workdir "${PYNAMIC_TEST_WORK}/${_name}" -- $<TARGET_FILE:pynamic-mode-dlopen> ${_opts})
    set_tests_properties(${_name} PROPERTIES LABELS "slurm;faults;parallel" PROCESSORS ${_np} TIMEOUT 90
                                             ENVIRONMENT_MODIFICATION "${_slurm_env}" FIXTURES_REQUIRED local_slurm
                                             RESOURCE_LOCK pynamic_local_slurm)
  endforeach()
  # srun without PMI starts N one-rank worlds: every task must refuse, not report a fake rank 0.
  _pynamic_slurm_test(slurm.error.no-pmi dlopen pynamic-mode-dlopen RANKS ${_np}
                      LAUNCHER "${PYNAMIC_SLURM_SRUN}" NUMPROC_FLAG -n PREFLAGS --mpi=none --overcommit --time=5
                      CHECK --no-report --expect-exit 1
                            --expect-stderr "rank 0: launched as one of ${_np} tasks \\(SLURM_STEP_NUM_TASKS=${_np}\\) but MPI_COMM_WORLD has 1 rank")
endif()

# bench/slurm.sh, the local Slurm for users (docs/launchers.md), as the docs
# use it, on a cluster of its own in the build tree (never the user's
# /var/tmp/pynamic-slurm-USER): start, status, a refused second start, the
# docs' srun line on 4 ranks (SLURM_OVERCOMMIT from env.sh: no --overcommit),
# jobs that cannot be placed refused at once, stop with nothing left.
if(_slurm_enabled)
  set(_sh_dir "${PYNAMIC_TEST_WORK}/slurm-sh")
  set(_sh_test "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/slurm_sh_test.py")
  set(_sh_script "${PROJECT_SOURCE_DIR}/bench/slurm.sh")
  set(_sh_docs "${PROJECT_SOURCE_DIR}/docs/launchers.md")
  set(_sh_line --docs "${_sh_docs}" --build-dir "${CMAKE_BINARY_DIR}")
  set(_sh_env "")
  foreach(_var SLURM_JOB_ID SLURM_JOBID SLURM_STEP_ID SLURM_STEPID SLURM_JOB_NODELIST SLURM_NODELIST SLURM_NTASKS
               SLURM_NPROCS SLURM_NNODES SLURM_JOB_NUM_NODES SLURM_CONF SLURM_OVERCOMMIT PYNAMIC_SLURM_DIR)
    list(APPEND _sh_env "${_var}=unset:")
  endforeach()

  add_test(NAME slurm.sh.start COMMAND ${_sh_test} start --script "${_sh_script}" --dir "${_sh_dir}")
  set_tests_properties(slurm.sh.start PROPERTIES FIXTURES_SETUP slurm_sh TIMEOUT 200)
  add_test(NAME slurm.sh.stop COMMAND ${_sh_test} stop --script "${_sh_script}" --dir "${_sh_dir}")
  set_tests_properties(slurm.sh.stop PROPERTIES FIXTURES_CLEANUP slurm_sh TIMEOUT 150)
  add_test(NAME slurm.sh.status COMMAND ${_sh_test} status --script "${_sh_script}" --dir "${_sh_dir}")
  add_test(NAME slurm.sh.start-again COMMAND ${_sh_test} start-again --script "${_sh_script}" --dir "${_sh_dir}")
  add_test(NAME slurm.sh.docs-srun
           COMMAND ${_sh_test} docs-run --dir "${_sh_dir}" ${_sh_line} --manifest "${PYNAMIC_MANIFEST}"
                   --workdir "${PYNAMIC_TEST_WORK}/slurm.sh.docs-srun"
                   --line "srun --mpi=pmi2 -n 4 build/ci/pynamic-mode-dlopen $(date +%s.%N) --json report.json")
  add_test(NAME slurm.sh.refuses-N2
           COMMAND ${_sh_test} docs-refused --dir "${_sh_dir}" ${_sh_line}
                   --workdir "${PYNAMIC_TEST_WORK}/slurm.sh.refuses-N2"
                   --line "srun --mpi=pmi2 -N 2 build/ci/pynamic-mode-dlopen"
                   --expect-stderr "Unable to allocate resources: Node count specification invalid")
  add_test(NAME slurm.sh.refuses-n1000
           COMMAND ${_sh_test} docs-refused --dir "${_sh_dir}" ${_sh_line}
                   --workdir "${PYNAMIC_TEST_WORK}/slurm.sh.refuses-n1000"
                   --line "srun --mpi=pmi2 -n 1000 build/ci/pynamic-mode-dlopen"
                   --expect-stderr "Unable to create step for job [0-9]+: Task count specification invalid")
  # The four run on the cluster one after another: a second start's refusal is checked on a quiet cluster, and
  # a refused job's "nothing left in the queue" is not another test's job.
  set_tests_properties(slurm.sh.status slurm.sh.start-again slurm.sh.docs-srun slurm.sh.refuses-N2
                       slurm.sh.refuses-n1000 PROPERTIES FIXTURES_REQUIRED slurm_sh
                       RESOURCE_LOCK "slurm_sh;pynamic_local_slurm" TIMEOUT 150)
  set_tests_properties(slurm.sh.docs-srun PROPERTIES PROCESSORS 4)
  add_test(NAME slurm.sh.not-root
           COMMAND ${_sh_test} not-root --script "${_sh_script}" --dir "${PYNAMIC_TEST_WORK}/not-root-slurm-sh")
  add_test(NAME slurm.sh.no-daemons
           COMMAND ${_sh_test} no-daemons --script "${_sh_script}" --dir "${PYNAMIC_TEST_WORK}/no-daemons-slurm-sh")
  add_test(NAME slurm.sh.unsafe-dir
           COMMAND ${_sh_test} unsafe-dir --script "${_sh_script}" --dir "${PYNAMIC_TEST_WORK}/unsafe-dir-slurm-sh")
  set_tests_properties(slurm.sh.not-root slurm.sh.no-daemons slurm.sh.unsafe-dir PROPERTIES TIMEOUT 60)
  set_tests_properties(slurm.sh.start slurm.sh.stop slurm.sh.status slurm.sh.start-again slurm.sh.docs-srun
                       slurm.sh.refuses-N2 slurm.sh.refuses-n1000 slurm.sh.not-root slurm.sh.no-daemons
                       slurm.sh.unsafe-dir PROPERTIES LABELS "slurm;parallel" ENVIRONMENT_MODIFICATION "${_sh_env}")
  # Labelled parallel as every slurm test (they set up or use srun's cluster; the asan preset leaves them out),
  # and one at a time with the tests' own cluster: two clusters' daemons on one host, their job steps queueing
  # for its cores.
  set_tests_properties(slurm.sh.start slurm.sh.stop slurm.sh.not-root slurm.sh.no-daemons slurm.sh.unsafe-dir
                       PROPERTIES RESOURCE_LOCK pynamic_local_slurm)
endif()
