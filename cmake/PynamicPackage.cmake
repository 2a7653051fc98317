# SPDX-License-Identifier: BSD-3-Clause
# A Debian package of the installed tree, built with the site's own tools:
#   cpack -G DEB --config <build>/CPackConfig.cmake [-B <output dir>]
# It holds what `cmake --install` lays out (cmake/PynamicInstall.cmake), under
# /usr: /usr/bin/pynamic-*, /usr/lib/pynamic/ (PYNAMIC_INSTALL_TREEDIR) and
# the modulefile in /usr/share/modulefiles/pynamic/. The tree finds itself from
# its own place, so nothing in it is rewritten for /usr.
#
# Depends: what the installed ELF files link (libmpich12, libjansson4,
# libhwloc15, libfuse3-3, libpython3.X, libc6), found by dpkg-shlibdeps
# (packages dpkg-dev and file), plus PYNAMIC_PACKAGE_DEPENDS for what runs
# without being linked: the launcher and the driver's interpreter.

set(PYNAMIC_PACKAGE_MAINTAINER "pynamic site build <root@localhost>" CACHE STRING
    "Maintainer field of the Debian package (cpack -G DEB): the site that builds it, 'Name <email>'")
set(_pyn_python_depends "")
if(Python3_VERSION_MAJOR AND Python3_VERSION_MINOR)
  # The driver's extension is built for this Python's ABI: python3 must be this minor version.
  math(EXPR _pyn_next_minor "${Python3_VERSION_MINOR} + 1")
  string(CONCAT _pyn_python_depends ", python3 (>= ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}~), "
                                    "python3 (<< ${Python3_VERSION_MAJOR}.${_pyn_next_minor})")
endif()
set(PYNAMIC_PACKAGE_DEPENDS "mpich${_pyn_python_depends}" CACHE STRING
    "Debian package: run-time dependencies no installed file links (mpiexec.mpich, the driver's python3)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pynamic)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "${PYNAMIC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # pynamic_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PYNAMIC_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
list(JOIN PYNAMIC_CONFIG " " _pyn_config)
# (CPack puts the summary on the first line; no double quotes: CPackConfig.cmake would split on them.)
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "The Pynamic benchmark's modes (pynamic-mode-*), the Python driver, pynamic-sizes and pynamic-mdsfs, with the "
  "generated libraries of one configuration (generator arguments '${_pyn_config}': ${PYNAMIC_NUM_UTILITIES} "
  "utility and ${PYNAMIC_NUM_MODULES} module libraries) in /usr/${PYNAMIC_INSTALL_TREEDIR}, and a modulefile in "
  "/usr/${PYNAMIC_MODULEFILE_DIR}.")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${PYNAMIC_PACKAGE_DEPENDS}")
# Only the binary package: a source package would sweep the build trees under build/ in.
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
