# SPDX-License-Identifier: BSD-3-Clause
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
#   report.job.unit          the job description (src/runtime/pyn_job.h):
#                            schedulers and launchers from the environment,
#                            rank lists, hosts and agreement, in one process.
#   report.job.*             the report's job block under mpiexec.mpich
#                            (hydra, no scheduler), alone (a singleton), and
#                            with a PBS or Flux job id in the ranks'
#                            environment, with one rank of another job (modecheck/job.py checks it against
#                            rank 0's environment and the ranks' rows on
#                            every passing run; ctest/slurm under srun).
#   report.build-info        the report's build block: the commit is the
#                            source tree's, the flags those Ninja compiles
#                            the generated libraries with.
#   build.source-commit      cmake/PynamicSourceCommit.cmake on repositories
#                            it makes: commit, dirty, unknown, the depfile.
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

pynamic_unit_test(report.job.unit "${CMAKE_CURRENT_LIST_DIR}/test_job.c" pynamic_core LABELS report)

# No scheduler's variable from outside (ctest run inside a job) reaches these runs but the ones a test sets.
set(_pyn_job_env "")
foreach(_var FLUX_JOB_ID SLURM_JOB_ID SLURM_JOBID SLURM_STEP_ID SLURM_STEPID SLURM_JOB_NAME SLURM_CLUSTER_NAME
             SLURM_PROCID PBS_JOBID PBS_JOBNAME LSB_JOBID LSB_JOBNAME)
  list(APPEND _pyn_job_env "${_var}=unset:")
endforeach()
function(_pynamic_job_test name)
  cmake_parse_arguments(J "" "" "ENV" ${ARGN})
  pynamic_mode_test(${name} dlopen pynamic-mode-dlopen LABELS report ${J_UNPARSED_ARGUMENTS})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT_MODIFICATION "${_pyn_job_env};${J_ENV}")
endfunction()
_pynamic_job_test(report.job.hydra.parallel RANKS ${PYNAMIC_TEST_RANKS}
                  CHECK --expect-launcher hydra --expect-scheduler none)
_pynamic_job_test(report.job.singleton.serial CHECK --expect-launcher none --expect-scheduler none)
# The job's name has a tab and a newline: one clean line in the report.
_pynamic_job_test(report.job.pbs.parallel RANKS ${PYNAMIC_TEST_RANKS}
                  CHECK --expect-launcher hydra --expect-scheduler pbs --expect-job id=4242.pbs-server
                        "--expect-job=name=nightly pynamic run"
                  ENV "PBS_JOBID=set:4242.pbs-server" "PBS_JOBNAME=set:nightly\tpynamic\nrun")
# One rank with another job's id (MPMD): rank 0's job, and the rank that disagreed named.
math(EXPR _pyn_last_rank "${PYNAMIC_TEST_RANKS} - 1")
_pynamic_job_test(report.job.mixed.parallel RANKS ${PYNAMIC_TEST_RANKS}
                  CHECK --expect-scheduler none --last-rank-env PBS_JOBID=99.other --expect-other-rank ${_pyn_last_rank})
# Flux's ids start with U+0192 (f58).
_pynamic_job_test(report.job.flux.parallel RANKS ${PYNAMIC_TEST_RANKS}
                  CHECK --expect-launcher hydra --expect-scheduler flux "--expect-job=id=ƒABCdef12"
                  ENV "FLUX_JOB_ID=set:ƒABCdef12")

# The build block: the source tree's commit and the generated code's compiler and flags (git and Ninja needed).
if(GIT_EXECUTABLE AND CMAKE_GENERATOR STREQUAL "Ninja")
  add_test(NAME report.build-info
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_build.py" report
            --mode $<TARGET_FILE:pynamic-mode-dlopen> --workdir "${PYNAMIC_TEST_WORK}/report.build-info"
            --source "${PROJECT_SOURCE_DIR}" --build "${CMAKE_BINARY_DIR}" --ninja "${CMAKE_MAKE_PROGRAM}"
            --git "${GIT_EXECUTABLE}")
  add_test(NAME build.source-commit
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/check_build.py" script --cmake "${CMAKE_COMMAND}"
            --script "${PROJECT_SOURCE_DIR}/cmake/PynamicSourceCommit.cmake" --git "${GIT_EXECUTABLE}"
            --workdir "${PYNAMIC_TEST_WORK}/build.source-commit")
  set_tests_properties(report.build-info build.source-commit PROPERTIES LABELS "report;build;serial" TIMEOUT 60)
else()
  message(STATUS "report.build-info, build.source-commit: left out (they need git and the Ninja generator)")
endif()
