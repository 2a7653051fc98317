# SPDX-License-Identifier: BSD-3-Clause
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
set_tests_properties(install.tree PROPERTIES FIXTURES_SETUP installed_tree LABELS "install;serial" TIMEOUT 300)

# run_mode.py against the installed manifest; @PREFIX@ is the prefix the run uses.
# AS_USER: run it as that user (not the prefix's owner); DRIVER: program is the
# driver script in the tree, run by the found python3.
# PACKAGE: the prefix is /usr, where the Debian package is installed (fixture
# system_package) instead of the cmake --install prefix.
function(_pynamic_install_run name mode program)
  cmake_parse_arguments(T "DRIVER;PACKAGE" "RANKS;COPY_TO;AS_USER" "CHECK;ARGS;LABELS" ${ARGN})
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
  set(prefix "${_install_prefix}")
  set(fixture installed_tree)
  if(T_PACKAGE)
    set(prefix /usr)
    list(APPEND copy --package pynamic)
    set(fixture system_package)
  endif()
  add_test(NAME ${name}
    COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_install.py" run --prefix "${prefix}"
            --treedir "${PYNAMIC_INSTALL_TREEDIR}" ${copy} --
            --manifest "${tree}/generated/manifest.json" --workdir "${PYNAMIC_TEST_WORK}/${name}" --mode ${mode}
            ${launch_OPTIONS} ${T_CHECK} ${exe} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED ${fixture}
                                          LABELS "install;${launch_LABEL};${T_LABELS}"
                                          PROCESSORS ${launch_PROCESSORS} TIMEOUT 180)
  if(T_PACKAGE)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK system-packages)
  endif()
endfunction()

_pynamic_install_run(install.dlopen.parallel dlopen pynamic-mode-dlopen RANKS ${PYNAMIC_TEST_RANKS}
                     CHECK --launch-time before)
_pynamic_install_run(install.linked.serial linked pynamic-mode-linked)
# The whole prefix copied elsewhere still runs: nothing in it names where it was installed.
_pynamic_install_run(install.relocated.parallel linked pynamic-mode-linked RANKS ${PYNAMIC_TEST_RANKS}
                     COPY_TO "${PYNAMIC_TEST_WORK}/install/relocated")

# Any user but the prefix's owner: the Python modes make their search directories in a per-user place
# (per run, under TMPDIR/pynamic-UID, 0700, removed at the end), never in the prefix, which the run must leave
# unchanged.
_pynamic_install_run(install.python.other-user.parallel python pynamic-mode-python RANKS ${PYNAMIC_TEST_RANKS}
                     AS_USER nobody LABELS "faults;python")
# The driver and its _pynamic extension are installed with the tree and run from it, as another user too.
# (Not with sanitizers: an uninstrumented python3 cannot load the instrumented runtime.)
if(NOT PYNAMIC_SANITIZERS)
  _pynamic_install_run(install.python-driver.other-user.parallel python-driver pynamic_driver.py DRIVER
                       RANKS ${PYNAMIC_TEST_RANKS} AS_USER nobody LABELS "faults;python")
endif()

# --- site packaging: the Debian package (cpack -G DEB, apt-get) and the modulefile under Lmod
#
# PYNAMIC_TEST_PACKAGES: AUTO (default) registers the package's build (it
# needs cpack's dpkg-shlibdeps and file) and the modulefile's test (Debian's
# lmod) when their tools are here; ON also registers the tests that install
# the package into /usr with apt-get and remove it (root; RESOURCE_LOCK
# system-packages), and requires them all (the ci preset sets it: CI never
# skips them; nothing changes a machine's /usr unasked); OFF registers none.
set(PYNAMIC_TEST_PACKAGES AUTO CACHE STRING
    "Test the Debian package (ON: also apt-get install it into /usr, as root) and the modulefile: AUTO, ON or OFF")
set_property(CACHE PYNAMIC_TEST_PACKAGES PROPERTY STRINGS AUTO ON OFF)
if(NOT PYNAMIC_TEST_PACKAGES MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "PYNAMIC_TEST_PACKAGES must be AUTO, ON or OFF, not '${PYNAMIC_TEST_PACKAGES}'")
endif()
if(NOT PYNAMIC_TEST_PACKAGES STREQUAL "OFF")
  find_program(PYNAMIC_DPKG_SHLIBDEPS dpkg-shlibdeps DOC "dpkg-shlibdeps (dpkg-dev), for cpack's Depends")
  find_program(PYNAMIC_FILE file DOC "file, for cpack's Depends")
  find_program(PYNAMIC_APT_GET apt-get DOC "apt-get, for the package tests")
  find_file(PYNAMIC_LMOD_INIT bash PATHS /usr/share/lmod/lmod/init NO_DEFAULT_PATH DOC "Lmod's bash init")
  mark_as_advanced(PYNAMIC_DPKG_SHLIBDEPS PYNAMIC_FILE PYNAMIC_APT_GET PYNAMIC_LMOD_INIT)
  execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(_pkg_why_deb "")
  set(_pkg_why_apt "")
  set(_pkg_why_lmod "")
  if(NOT PYNAMIC_DPKG_SHLIBDEPS OR NOT PYNAMIC_FILE)
    set(_pkg_why_deb "dpkg-shlibdeps or file not found (bench/install-deps.sh --tests installs dpkg-dev and file)")
  endif()
  if(PYNAMIC_TEST_PACKAGES STREQUAL "AUTO")
    set(_pkg_why_apt "they install into /usr: only with PYNAMIC_TEST_PACKAGES=ON")
  elseif(NOT PYNAMIC_APT_GET)
    set(_pkg_why_apt "apt-get not found")
  elseif(NOT _uid STREQUAL "0")
    set(_pkg_why_apt "not root (uid ${_uid}): apt-get install needs root")
  endif()
  if(_pkg_why_deb)
    set(_pkg_why_apt "${_pkg_why_deb}")
  endif()
  if(NOT PYNAMIC_LMOD_INIT)
    set(_pkg_why_lmod "/usr/share/lmod/lmod/init/bash not found (bench/install-deps.sh --tests installs lmod)")
  endif()
  foreach(_what deb apt lmod)
    if(_pkg_why_${_what} AND PYNAMIC_TEST_PACKAGES STREQUAL "ON")
      message(FATAL_ERROR "PYNAMIC_TEST_PACKAGES=ON but the ${_what} tests cannot run: ${_pkg_why_${_what}}. "
                          "Configure with -DPYNAMIC_TEST_PACKAGES=OFF (or AUTO) to leave them out.")
    elseif(_pkg_why_${_what})
      message(STATUS "package tests (${_what}): left out (${_pkg_why_${_what}})")
    endif()
  endforeach()

  if(NOT _pkg_why_lmod)
    # On a copy of the installed prefix: the modulefile must find the prefix from its own place.
    set(_driver "")
    if(NOT PYNAMIC_SANITIZERS)
      set(_driver --driver "${Python3_EXECUTABLE}")
    endif()
    add_test(NAME install.modulefile.lmod
      COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_modulefile.py" --lmod-init "${PYNAMIC_LMOD_INIT}"
              --prefix "${_install_prefix}" --copy --modulefiles "${CMAKE_INSTALL_DATADIR}/modulefiles"
              --version "${PROJECT_VERSION}" --treedir "${PYNAMIC_INSTALL_TREEDIR}" --bindir "${CMAKE_INSTALL_BINDIR}"
              --workdir "${PYNAMIC_TEST_WORK}/install.modulefile.lmod" ${_driver})
    set_tests_properties(install.modulefile.lmod PROPERTIES FIXTURES_REQUIRED installed_tree
                                                            LABELS "install;serial" TIMEOUT 180)
  endif()

  set(_pkg_dir "${PYNAMIC_TEST_WORK}/install/package")
  if(NOT _pkg_why_deb)
    add_test(NAME install.package.deb
      COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_package.py" build --cpack "${CMAKE_CPACK_COMMAND}"
              --config "${CMAKE_BINARY_DIR}/CPackConfig.cmake" --build "${CMAKE_BINARY_DIR}" --workdir "${_pkg_dir}/deb"
              --version "${PROJECT_VERSION}" --treedir "${PYNAMIC_INSTALL_TREEDIR}" --bindir "${CMAKE_INSTALL_BINDIR}"
              --modulefile "${PYNAMIC_MODULEFILE_DIR}/${PROJECT_VERSION}")
    set_tests_properties(install.package.deb PROPERTIES FIXTURES_SETUP deb_package LABELS "install;serial"
                                                        TIMEOUT 300)
  endif()
  if(NOT _pkg_why_apt)
    # apt-get install the package (setup), run it from /usr as nobody, purge it (cleanup: runs even when a test
    # between failed). The install refuses a pynamic it did not install.
    add_test(NAME install.package.apt-install
      COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_package.py" install --deb-dir "${_pkg_dir}/deb"
              --workdir "${_pkg_dir}/system" --version "${PROJECT_VERSION}")
    add_test(NAME install.package.apt-remove
      COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_package.py" remove --workdir "${_pkg_dir}/system")
    set_tests_properties(install.package.apt-install PROPERTIES FIXTURES_SETUP system_package
                                                                FIXTURES_REQUIRED deb_package TIMEOUT 600)
    set_tests_properties(install.package.apt-remove PROPERTIES FIXTURES_CLEANUP system_package TIMEOUT 600)
    set_tests_properties(install.package.apt-install install.package.apt-remove PROPERTIES
                         LABELS "install;serial" RESOURCE_LOCK system-packages)
    # install.modulefile.lmod checks that the unload leaves no pynamic-mode-dlopen on PATH: not while the
    # package puts one in /usr/bin. Tests run two at a time and by cost, so say the order (it failed so).
    if(TEST install.modulefile.lmod)
      set_tests_properties(install.package.apt-install PROPERTIES DEPENDS install.modulefile.lmod)
    endif()
    _pynamic_install_run(install.package.dlopen.other-user.parallel dlopen pynamic-mode-dlopen PACKAGE
                         RANKS ${PYNAMIC_TEST_RANKS} AS_USER nobody)
    _pynamic_install_run(install.package.python.other-user.parallel python pynamic-mode-python PACKAGE
                         RANKS ${PYNAMIC_TEST_RANKS} AS_USER nobody LABELS python)
    if(NOT _pkg_why_lmod)
      add_test(NAME install.package.modulefile.lmod
        COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/check_modulefile.py" --lmod-init "${PYNAMIC_LMOD_INIT}"
                --prefix /usr --modulefiles "${CMAKE_INSTALL_DATADIR}/modulefiles" --version "${PROJECT_VERSION}"
                --treedir "${PYNAMIC_INSTALL_TREEDIR}" --bindir "${CMAKE_INSTALL_BINDIR}"
                --workdir "${PYNAMIC_TEST_WORK}/install.package.modulefile.lmod" ${_driver})
      set_tests_properties(install.package.modulefile.lmod PROPERTIES FIXTURES_REQUIRED system_package
                           LABELS "install;serial" TIMEOUT 180 RESOURCE_LOCK system-packages)
    endif()
  endif()
endif()

# --- static sizes: pynamic-sizes and the report's "static" block against readelf
add_test(NAME sizes.tree
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/sizes_test.py" tree --sizes $<TARGET_FILE:pynamic-sizes>
          --manifest "${PYNAMIC_MANIFEST}" --lib-dir "${PYNAMIC_LIBRARY_DIR}" --workdir "${PYNAMIC_TEST_WORK}/sizes.tree"
          --mode-exe $<TARGET_FILE:pynamic-mode-dlopen>)
add_test(NAME sizes.bad-input
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/sizes_test.py" errors --sizes $<TARGET_FILE:pynamic-sizes>
          --workdir "${PYNAMIC_TEST_WORK}/sizes.bad-input")
# A library directory 492 bytes deep: the one line keeps the cause, the path loses its middle.
add_test(NAME sizes.long-path-cause
  COMMAND "${Python3_EXECUTABLE}" "${_site_dir}/sizes_test.py" long-path --sizes $<TARGET_FILE:pynamic-sizes>
          --workdir "${PYNAMIC_TEST_WORK}/sizes.long-path-cause")
set_tests_properties(sizes.tree sizes.bad-input PROPERTIES LABELS "sizes;serial" TIMEOUT 300)
set_tests_properties(sizes.long-path-cause PROPERTIES LABELS "sizes;serial;faults" TIMEOUT 60)

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
set_tests_properties(presets.site-example PROPERTIES LABELS "presets;build;serial" TIMEOUT 300 PROCESSORS 2)
