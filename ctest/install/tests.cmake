# Site readiness: the installed tree, the static sizes, the progress lines
# and the presets. Included by ctest/CMakeLists.txt. Labels: install, sizes,
# progress, presets (with serial/parallel where a mode runs).

set(_site_dir "${CMAKE_CURRENT_LIST_DIR}")

# Full-size trees (the coral, nersc8 and coral2 presets set this): one run
# takes minutes, not the seconds the mode tests' own timeouts allow (CORAL-2's
# dlopen import alone took 351 s on one rank here). Raises the timeout of
# every mode test registered so far to PYNAMIC_TEST_TIMEOUT seconds.
# (Interim: belongs in PynamicModeTest.cmake as the default TIMEOUT.)
set(PYNAMIC_TEST_TIMEOUT "" CACHE STRING
    "Timeout in seconds of each mode test (empty: the tests' own, 120 s); the big-tree presets set 3600")
if(PYNAMIC_TEST_TIMEOUT)
  if(NOT PYNAMIC_TEST_TIMEOUT MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "PYNAMIC_TEST_TIMEOUT must be a whole number of seconds, not '${PYNAMIC_TEST_TIMEOUT}'")
  endif()
  get_property(_all_tests DIRECTORY PROPERTY TESTS)
  foreach(_t IN LISTS _all_tests)
    get_test_property(${_t} TIMEOUT _old)
    if(_t MATCHES "^(mode|slurm)\\." AND (NOT _old OR _old LESS PYNAMIC_TEST_TIMEOUT))
      set_tests_properties(${_t} PROPERTIES TIMEOUT ${PYNAMIC_TEST_TIMEOUT})
    endif()
  endforeach()
endif()
set(_install_prefix "${PYNAMIC_TEST_WORK}/install/prefix")

# --- install: cmake --install into a fresh prefix, then run it from elsewhere
add_test(NAME install.tree
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_install.py" install --cmake "${CMAKE_COMMAND}"
          --build "${CMAKE_BINARY_DIR}" --prefix "${_install_prefix}" --treedir "${PYNAMIC_INSTALL_TREEDIR}"
          --bindir "${CMAKE_INSTALL_BINDIR}")
set_tests_properties(install.tree PROPERTIES FIXTURES_SETUP installed_tree LABELS install TIMEOUT 300)

# run_mode.py against the installed manifest; @PREFIX@ is the prefix the run uses.
# AS_USER: run it as that user (not the prefix's owner); DRIVER: program is the
# driver script in the tree, run by the found python3.
function(_pynamic_install_run name mode program)
  cmake_parse_arguments(T "DRIVER" "RANKS;COPY_TO;AS_USER" "CHECK;ARGS;LABELS" ${ARGN})
  set(tree "@PREFIX@/${PYNAMIC_INSTALL_TREEDIR}")
  pynamic_launch(launch RANKS "${T_RANKS}")
  set(copy "")
  if(T_COPY_TO)
    set(copy --copy-to "${T_COPY_TO}")
  endif()
  if(T_AS_USER)
    list(APPEND copy --as-user "${T_AS_USER}")
  endif()
  set(exe "@PREFIX@/${CMAKE_INSTALL_BINDIR}/${program}")
  if(T_DRIVER)
    set(exe --interpreter "${Python3_EXECUTABLE}" "${tree}/${program}")
  endif()
  add_test(NAME ${name}
    COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_install.py" run --prefix "${_install_prefix}"
            --treedir "${PYNAMIC_INSTALL_TREEDIR}" ${copy} --
            --manifest "${tree}/generated/manifest.json" --workdir "${PYNAMIC_TEST_WORK}/${name}" --mode ${mode}
            ${launch_OPTIONS} ${T_CHECK} ${exe} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED installed_tree
                                          LABELS "install;${launch_LABEL};${T_LABELS}"
                                          PROCESSORS ${launch_PROCESSORS} TIMEOUT 180)
endfunction()

_pynamic_install_run(install.dlopen.parallel dlopen pynamic-mode-dlopen RANKS ${PYNAMIC_TEST_RANKS}
                     CHECK --launch-time before)
_pynamic_install_run(install.linked.serial linked pynamic-mode-linked)
# The whole prefix copied elsewhere still runs: nothing in it names where it was installed.
_pynamic_install_run(install.relocated.parallel linked pynamic-mode-linked RANKS ${PYNAMIC_TEST_RANKS}
                     COPY_TO "${PYNAMIC_TEST_WORK}/install/relocated")

# Any user but the prefix's owner: the Python modes make their search directories in a per-user place
# (TMPDIR/pynamic-UID, 0700), never in the prefix, which the run must leave unchanged.
_pynamic_install_run(install.python.other-user.parallel python pynamic-mode-python RANKS ${PYNAMIC_TEST_RANKS}
                     AS_USER nobody LABELS "faults;python")
# The driver and its _pynamic extension are installed with the tree and run from it, as another user too.
# (Not with sanitizers: an uninstrumented python3 cannot load the instrumented runtime.)
if(NOT PYNAMIC_SANITIZERS)
  _pynamic_install_run(install.python-driver.other-user.parallel python-driver pynamic_driver.py DRIVER
                       RANKS ${PYNAMIC_TEST_RANKS} AS_USER nobody LABELS "faults;python")
endif()

# --- static sizes: pynamic-sizes and the report's "static" block against readelf
add_test(NAME sizes.tree
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/sizes_test.py" tree --sizes $<TARGET_FILE:pynamic-sizes>
          --manifest "${PYNAMIC_MANIFEST}" --lib-dir "${PYNAMIC_LIBRARY_DIR}" --workdir "${PYNAMIC_TEST_WORK}/sizes.tree"
          --mode-exe $<TARGET_FILE:pynamic-mode-dlopen>)
add_test(NAME sizes.bad-input
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/sizes_test.py" errors --sizes $<TARGET_FILE:pynamic-sizes>
          --workdir "${PYNAMIC_TEST_WORK}/sizes.bad-input")
set_tests_properties(sizes.tree sizes.bad-input PROPERTIES LABELS "sizes;serial" TIMEOUT 300)

# --- progress: rank 0's terminal only, erased after each phase, never in the reports
list(JOIN MPIEXEC_PREFLAGS " " _preflags)
add_test(NAME progress.terminal
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/progress_test.py" --exe $<TARGET_FILE:pynamic-mode-dlopen>
          --workdir "${PYNAMIC_TEST_WORK}/progress.terminal" --modules ${PYNAMIC_NUM_MODULES}
          --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_preflags}"
          --ranks 2)
set_tests_properties(progress.terminal PROPERTIES LABELS "progress;serial" PROCESSORS 2 TIMEOUT 180)

# --- presets: ours are listed; the documented site example lists, configures and picks its launcher
add_test(NAME presets.site-example
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/presets_test.py" --cmake "${CMAKE_COMMAND}"
          --source "${PROJECT_SOURCE_DIR}" --workdir "${PYNAMIC_TEST_WORK}/presets.site-example"
          --example "${PROJECT_SOURCE_DIR}/docs/site-preset.example.json")
set_tests_properties(presets.site-example PROPERTIES LABELS "presets;build" TIMEOUT 300 PROCESSORS 2)
