# SPDX-License-Identifier: BSD-3-Clause
# pynamic_mode_test(NAME MODE TARGET [RANKS n] [LAUNCHER exe] [NUMPROC_FLAG flag] [PREFLAGS ...]
#                   [INTERPRETER exe] [LABELS ...] [CHECK ...] [ARGS ...] [FIXTURES ...] [TIMEOUT s]
#                   [NO_AUDIT])
#   Runs a mode through run_mode.py and checks it against the manifest.
#   RANKS absent: one process without a launcher (label serial); with RANKS,
#   under LAUNCHER (default MPIEXEC_EXECUTABLE and its flags; label parallel).
#   INTERPRETER: the program is a script run by exe (run_mode.py
#   --interpreter), and TARGET is the script's path rather than a target.
#   CHECK: options for run_mode.py; ARGS: options for the mode itself. A
#   pynamic-mode-* target runs with --timeout (half the test's TIMEOUT) and
#   --audit first (the auditor's counts and split are checked), or without
#   --audit with NO_AUDIT (the default run: they must be null, with why).
#   Every test gets a TIMEOUT (default 120 s) and PROCESSORS.
#
# pynamic_launch(PREFIX [RANKS n] [LAUNCHER exe] [NUMPROC_FLAG flag] [PREFLAGS ...])
#   How a test of n ranks is launched: sets PREFIX_OPTIONS to run_mode.py's
#   launch options (--launcher, --numproc-flag, --preflags as one string,
#   --ranks; LAUNCHER defaults to MPIEXEC_EXECUTABLE and its flags),
#   PREFIX_LABEL to parallel and PREFIX_PROCESSORS to n. Without RANKS (one
#   process, no launcher): no options, label serial, 1 processor. Scripts
#   that pass options on to run_mode.py take the same ones.
#
# pynamic_long_dir(VAR BASE FIXTURE [LABELS ...])
#   A directory chain too deep for a path in it to fit a 512-byte error line
#   (PYN_ERROR_MAX): BASE/long and 12 directories of 40 'd's below it (492
#   bytes, whatever BASE is), as pynamictest.long_dir makes for the scripts.
#   Sets VAR to its path and adds the test FIXTURE.make that makes it
#   (FIXTURES_SETUP FIXTURE).

# The programs a test may start in front of a mode (a target name for
# pynamic_mode_test): env, to set a variable or preload a shim in the ranks
# only, and Python, for a wrapper such as ctest/faults/fault_env.py.
find_program(PYNAMIC_ENV_EXECUTABLE env REQUIRED)
add_executable(pyn_test_env IMPORTED)
set_target_properties(pyn_test_env PROPERTIES IMPORTED_LOCATION "${PYNAMIC_ENV_EXECUTABLE}")
add_executable(pyn_test_python IMPORTED)
set_target_properties(pyn_test_python PROPERTIES IMPORTED_LOCATION "${Python3_EXECUTABLE}")

set(PYNAMIC_RUN_MODE "${CMAKE_CURRENT_LIST_DIR}/run_mode.py")
set(PYNAMIC_TEST_WORK "${CMAKE_BINARY_DIR}/ctest/work")

function(pynamic_launch prefix)
  cmake_parse_arguments(L "" "RANKS;LAUNCHER;NUMPROC_FLAG" "PREFLAGS" ${ARGN})
  if(NOT L_RANKS)
    set(${prefix}_OPTIONS "" PARENT_SCOPE)
    set(${prefix}_LABEL serial PARENT_SCOPE)
    set(${prefix}_PROCESSORS 1 PARENT_SCOPE)
    return()
  endif()
  if(NOT L_LAUNCHER)
    set(L_LAUNCHER "${MPIEXEC_EXECUTABLE}")
    set(L_NUMPROC_FLAG "${MPIEXEC_NUMPROC_FLAG}")
    set(L_PREFLAGS ${MPIEXEC_PREFLAGS})
  endif()
  list(JOIN L_PREFLAGS " " preflags)
  set(${prefix}_OPTIONS --launcher "${L_LAUNCHER}" "--numproc-flag=${L_NUMPROC_FLAG}" "--preflags=${preflags}"
                        --ranks ${L_RANKS} PARENT_SCOPE)
  set(${prefix}_LABEL parallel PARENT_SCOPE)
  set(${prefix}_PROCESSORS ${L_RANKS} PARENT_SCOPE)
endfunction()

function(pynamic_mode_test name mode target)
  cmake_parse_arguments(T "NO_AUDIT" "RANKS;LAUNCHER;NUMPROC_FLAG;TIMEOUT;INTERPRETER"
                        "PREFLAGS;LABELS;CHECK;ARGS;FIXTURES" ${ARGN})
  pynamic_launch(launch RANKS "${T_RANKS}" LAUNCHER "${T_LAUNCHER}" NUMPROC_FLAG "${T_NUMPROC_FLAG}"
                 PREFLAGS ${T_PREFLAGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(watchdog "")
  if(T_INTERPRETER)
    set(interpreter --interpreter "${T_INTERPRETER}")
    set(program "${target}")
  else()
    set(interpreter "")
    set(program $<TARGET_FILE:${target}>)
    # A mode's own run: a stuck rank ends the test with the watchdog's line
    # (the step, the ranks that did not arrive) well before CTest's timeout.
    if(target MATCHES "^pynamic-mode-")
      math(EXPR _watchdog_s "${T_TIMEOUT} / 2")
      set(watchdog --timeout ${_watchdog_s})
      if(NOT T_NO_AUDIT)
        list(APPEND watchdog --audit)
      endif()
    endif()
  endif()
  add_test(NAME ${name}
    COMMAND "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${PYNAMIC_MANIFEST}"
            --workdir "${PYNAMIC_TEST_WORK}/${name}" --mode ${mode} ${interpreter} ${launch_OPTIONS} ${T_CHECK}
            -- "${program}" ${watchdog} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "${launch_LABEL};${T_LABELS}" PROCESSORS ${launch_PROCESSORS}
                                          TIMEOUT ${T_TIMEOUT})
  if(T_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
  endif()
endfunction()

function(pynamic_long_dir var base fixture)
  cmake_parse_arguments(L "" "" "LABELS" ${ARGN})
  string(REPEAT "d" 40 part)
  set(dir "${base}/long")
  foreach(i RANGE 1 12)
    string(APPEND dir "/${part}")
  endforeach()
  add_test(NAME ${fixture}.make COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}")
  set_tests_properties(${fixture}.make PROPERTIES FIXTURES_SETUP ${fixture} LABELS "serial;parallel;${L_LABELS}"
                                                  TIMEOUT 60)
  set(${var} "${dir}" PARENT_SCOPE)
endfunction()
