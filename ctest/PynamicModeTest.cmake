# pynamic_mode_test(NAME MODE TARGET [RANKS n] [LAUNCHER exe] [NUMPROC_FLAG flag] [PREFLAGS ...]
#                   [LABELS ...] [CHECK ...] [ARGS ...] [FIXTURES ...])
#   Runs a mode through run_mode.py and checks it against the manifest.
#   RANKS absent: one process without a launcher (label serial); with RANKS,
#   under LAUNCHER (default MPIEXEC_EXECUTABLE and its flags; label parallel).
#   CHECK: options for run_mode.py; ARGS: options for the mode itself.
#   Every test gets a TIMEOUT and PROCESSORS.

set(PYNAMIC_RUN_MODE "${CMAKE_CURRENT_LIST_DIR}/run_mode.py")
set(PYNAMIC_TEST_WORK "${CMAKE_BINARY_DIR}/ctest/work")

function(pynamic_mode_test name mode target)
  cmake_parse_arguments(T "" "RANKS;LAUNCHER;NUMPROC_FLAG;TIMEOUT" "PREFLAGS;LABELS;CHECK;ARGS;FIXTURES" ${ARGN})
  set(launch "")
  set(labels serial)
  set(procs 1)
  if(T_RANKS)
    if(NOT T_LAUNCHER)
      set(T_LAUNCHER "${MPIEXEC_EXECUTABLE}")
      set(T_NUMPROC_FLAG "${MPIEXEC_NUMPROC_FLAG}")
      set(T_PREFLAGS ${MPIEXEC_PREFLAGS})
    endif()
    list(JOIN T_PREFLAGS " " preflags)
    set(launch --launcher "${T_LAUNCHER}" "--numproc-flag=${T_NUMPROC_FLAG}" "--preflags=${preflags}"
               --ranks ${T_RANKS})
    set(labels parallel)
    set(procs ${T_RANKS})
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_test(NAME ${name}
    COMMAND "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${PYNAMIC_MANIFEST}"
            --workdir "${PYNAMIC_TEST_WORK}/${name}" --mode ${mode} ${launch} ${T_CHECK}
            -- $<TARGET_FILE:${target}> ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "${labels};${T_LABELS}" PROCESSORS ${procs} TIMEOUT ${T_TIMEOUT})
  if(T_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
  endif()
endfunction()
