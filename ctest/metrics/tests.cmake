# SPDX-License-Identifier: BSD-3-Clause
# Tests of the page-fault, page-cache and placement measurements (label
# metrics, plus serial or parallel), included from ctest/CMakeLists.txt.
# Every passing mode test checks these fields too (ctest/modecheck/metrics.py);
# the tests here are the ones that need their own runs.

set(_m_work "${PYNAMIC_TEST_WORK}")

# --- placement: 4 ranks, every row placed within its host's topology; --bind core on distinct cores
pynamic_mode_test(metrics.placement.parallel dlopen pynamic-mode-dlopen RANKS 4 LABELS metrics
                  CHECK --expect-option bind=none --expect-cache warm ARGS --cache-count)
pynamic_mode_test(metrics.bind-core.parallel dlopen pynamic-mode-dlopen RANKS 4 LABELS metrics
                  CHECK --expect-bound ARGS --bind core)
pynamic_mode_test(metrics.python.bind-core.parallel python pynamic-mode-python RANKS 4 LABELS "metrics;python"
                  CHECK --expect-bound ARGS --bind=core)

# --- usage: one line, exit status 2 on every rank
set(_m_usage --no-report --expect-exit 2 --one-line-error)
pynamic_mode_test(metrics.usage.bad-bind dlopen pynamic-mode-dlopen LABELS metrics
                  CHECK ${_m_usage} --expect-stderr "^pynamic-mode-dlopen: --bind: 'bogus' is not one of core, none$"
                  ARGS --bind bogus)
pynamic_mode_test(metrics.usage.bad-bind.parallel python pynamic-mode-python RANKS 4 LABELS "metrics;python"
                  CHECK ${_m_usage} --expect-stderr "--bind: 'socket' is not one of core, none" ARGS --bind socket)
# The linked modes map every library before main: --cold cannot evict them, and says so.
pynamic_mode_test(metrics.usage.cold-linked linked pynamic-mode-linked LABELS metrics
                  CHECK ${_m_usage} --expect-stderr "--cold: [0-9]+ of [0-9]+ generated libraries are already mapped by this process"
                  ARGS --cold)

# --- cold vs warm on one private copy of the libraries: a warm run, then --cold
# They evict (and, as root, drop the host's caches): one at a time, so one's
# eviction never lands between another's warm-up and its run.
function(pynamic_cold_test name mode)
  cmake_parse_arguments(T "" "RANKS" "CHECK;PROGRAM" ${ARGN})
  pynamic_launch(launch RANKS "${T_RANKS}")
  add_test(NAME ${name}
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/cold_vs_warm.py" --run-mode "${PYNAMIC_RUN_MODE}"
            --workdir "${_m_work}/${name}" --lib-source "${PYNAMIC_LIBRARY_DIR}"
            --manifest "${PYNAMIC_MANIFEST}" --mode ${mode} ${launch_OPTIONS} ${T_CHECK} -- ${T_PROGRAM})
  set_tests_properties(${name} PROPERTIES LABELS "${launch_LABEL};metrics" PROCESSORS ${launch_PROCESSORS}
                                          TIMEOUT 240 RESOURCE_LOCK pynamic_page_cache)
endfunction()

pynamic_cold_test(metrics.cold-vs-warm.dlopen.parallel dlopen RANKS 4 PROGRAM $<TARGET_FILE:pynamic-mode-dlopen>)
pynamic_cold_test(metrics.cold-vs-warm.dlopen.serial dlopen PROGRAM $<TARGET_FILE:pynamic-mode-dlopen>)
if(TARGET pynamic-mode-python)
  pynamic_cold_test(metrics.cold-vs-warm.python.serial python PROGRAM $<TARGET_FILE:pynamic-mode-python>)
  set_property(TEST metrics.cold-vs-warm.python.serial APPEND PROPERTY LABELS python)
endif()
if(PYNAMIC_DRIVER AND NOT PYNAMIC_SANITIZERS)
  pynamic_cold_test(metrics.cold-vs-warm.python-driver.parallel python-driver RANKS 2
                    CHECK --interpreter "${Python3_EXECUTABLE}" PROGRAM "${PYNAMIC_DRIVER}")
  set_property(TEST metrics.cold-vs-warm.python-driver.parallel APPEND PROPERTY LABELS python)
endif()

# --- --cold that cannot evict (another process maps the libraries): an error on every rank, not a warm run
list(JOIN MPIEXEC_PREFLAGS " " _m_preflags)
add_test(NAME metrics.cold-pinned.parallel
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/cold_pinned.py" --run-mode "${PYNAMIC_RUN_MODE}"
          --workdir "${_m_work}/metrics.cold-pinned.parallel" --lib-source "${PYNAMIC_LIBRARY_DIR}"
          --manifest "${PYNAMIC_MANIFEST}" --mode dlopen --launcher "${MPIEXEC_EXECUTABLE}"
          "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_m_preflags}" --ranks 2 -- $<TARGET_FILE:pynamic-mode-dlopen>)
set_tests_properties(metrics.cold-pinned.parallel PROPERTIES LABELS "parallel;metrics" PROCESSORS 2 TIMEOUT 120
                                                          RESOURCE_LOCK pynamic_page_cache)

# --- --help lists the new options (the table feeds it)
pynamic_mode_test(metrics.usage.help dlopen pynamic-mode-dlopen LABELS metrics
                  CHECK --no-report "--expect-stdout=\n  --cold  +evict the generated libraries"
                        "--expect-stdout=\n  --bind WHAT  +bind each rank: core" ARGS --help)
