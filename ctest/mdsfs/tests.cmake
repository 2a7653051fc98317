# SPDX-License-Identifier: BSD-3-Clause
# pynamic-mdsfs, the emulated shared file system (label `mdsfs`;
# docs/mdsfs.md). Included from ctest/CMakeLists.txt. Each test is one
# scenario of mdsfs_test.py, which runs in a private mount namespace, mounts
# on a fresh temporary directory and always unmounts (the daemon also has a
# --lifetime watchdog). They need root and /dev/fuse; without them they fail
# with a line saying so.

set(_m_args
    --mdsfs $<TARGET_FILE:pynamic-mdsfs>
    --script "${PROJECT_SOURCE_DIR}/bench/mdsfs.sh"
    --run-mode "${PYNAMIC_RUN_MODE}"
    --manifest "${PYNAMIC_MANIFEST}"
    --lib-dir "${PYNAMIC_LIBRARY_DIR}"
    --build-dir "${CMAKE_BINARY_DIR}"
    --dlopen $<TARGET_FILE:pynamic-mode-dlopen>
    --linked $<TARGET_FILE:pynamic-mode-linked>
    --sizes $<TARGET_FILE:pynamic-sizes>
    --launcher "${MPIEXEC_EXECUTABLE}"
    "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}"
    --ranks ${PYNAMIC_TEST_RANKS})
list(JOIN MPIEXEC_PREFLAGS " " _m_pre)
list(APPEND _m_args "--preflags=${_m_pre}")

# mdsfs_test(NAME SCENARIO serial|parallel)
function(_pyn_mdsfs_test name scenario kind)
  add_test(NAME ${name}
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/mdsfs_test.py" ${scenario} ${_m_args}
            --workdir "${PYNAMIC_TEST_WORK}/${name}")
  set(procs 1)
  if(kind STREQUAL "parallel")
    set(procs ${PYNAMIC_TEST_RANKS})
  endif()
  # The served operations depend on the kernel's dentry, inode and page caches, which the cold tests drop
  # (as root, for the whole host): not while one of those runs.
  set_tests_properties(${name} PROPERTIES LABELS "mdsfs;${kind}" TIMEOUT 240 PROCESSORS ${procs}
                                          RESOURCE_LOCK pynamic_page_cache)
endfunction()

# Served lookups and opens at 1 and PYNAMIC_TEST_RANKS ranks, reset between runs.
_pyn_mdsfs_test(mdsfs.counts.parallel counts parallel)
# The queue is serial: the import takes at least the sum of the service times.
_pyn_mdsfs_test(mdsfs.latency.parallel latency parallel)
# --stage bcast keeps the served operations flat from 1 to PYNAMIC_TEST_RANKS ranks; the baseline grows.
_pyn_mdsfs_test(mdsfs.stage.parallel stage parallel)
# direct_io: ld.so's private mappings still work.
_pyn_mdsfs_test(mdsfs.direct-io.serial direct serial)
# The linked mode, run from a mount of the whole build tree.
_pyn_mdsfs_test(mdsfs.linked.serial linked serial)
# Bad arguments, a busy mount point, a mount that is not ours, SIGTERM, --lifetime.
_pyn_mdsfs_test(mdsfs.errors.serial errors serial)
# bench/mdsfs.sh's own faults: a mount point with a space, a missing TMPDIR, stop on a hung daemon.
_pyn_mdsfs_test(mdsfs.script-faults.serial script serial)
set_tests_properties(mdsfs.script-faults.serial PROPERTIES LABELS "mdsfs;serial;faults")
