# SPDX-License-Identifier: BSD-3-Clause
# Failure injection (label `faults`): every fault must give a clear message
# naming the object, a non-zero exit status on every rank, and an end within
# a bounded time. Included from ctest/CMakeLists.txt. docs/reliability.md
# lists every fault with the test that covers it (these and the mode.* tests
# in ctest/CMakeLists.txt).
#
# How the faults are made real, as root or not:
#   - unreadable: fault_env.py --drop-dac runs the program without
#     CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv), so mode 000 means what it
#     says even for root; it first proves a mode-000 file is unreadable;
#   - full or read-only file system: fault_env.py --tmpfs mounts a tiny tmpfs
#     in a private mount namespace (unshare), fills it and checks afterwards
#     that it holds only what was there; the mount dies with the test;
#   - a rank killed: kill_shim.c, LD_PRELOAD'ed into the ranks only, and
#     rank_fault.py, which reaps every rank to see its real exit status.
# A fault that cannot be set up fails its test with a line saying why
# (fault_env.py exit status 98); nothing is skipped.

set(_f_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_f_work "${PYNAMIC_TEST_WORK}/faults")
set(_f_np ${PYNAMIC_TEST_RANKS})
math(EXPR _f_last "${_f_np} - 1")
set(_f_env "${_f_dir}/fault_env.py")
set(_f_make "${Python3_EXECUTABLE}" "${_f_dir}/make_fault.py")
set(_f_timeout 60)
list(JOIN MPIEXEC_PREFLAGS " " _f_mpipre)
# What MPICH's hydra prints when a rank dies before MPI_Finalize.
set(_f_banner "BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES")

# The LD_PRELOAD shim that kills a rank. Never sanitized: it is preloaded
# into ASan-built programs, which then need verify_asan_link_order=0
# (rank_fault.py sets it).
add_library(pyn_fault_kill MODULE "${_f_dir}/kill_shim.c")
set_target_properties(pyn_fault_kill PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF PREFIX "lib")
target_compile_options(pyn_fault_kill PRIVATE -Wall -Wextra)
target_link_libraries(pyn_fault_kill PRIVATE ${CMAKE_DL_LIBS})
# MPI's header only, for MPI_Barrier's type: the shim finds the real one with dlsym, so it links no MPI.
target_include_directories(pyn_fault_kill PRIVATE ${MPI_C_INCLUDE_DIRS})

# The LD_PRELOAD shim that truncates a library in place at MPI_Finalize,
# after the report (faults.library-truncated-after-report.serial).
add_library(pyn_fault_finalize_truncate MODULE "${_f_dir}/finalize_truncate_shim.c")
set_target_properties(pyn_fault_finalize_truncate PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF PREFIX "lib")
target_compile_options(pyn_fault_finalize_truncate PRIVATE -Wall -Wextra)
target_link_libraries(pyn_fault_finalize_truncate PRIVATE ${CMAKE_DL_LIBS})

function(_pyn_fault_fixture name fixture)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES FIXTURES_SETUP ${fixture} LABELS "faults;serial;parallel" TIMEOUT 60)
endfunction()

# pynamic_mode_test with the faults label and the faults timeout.
function(_pyn_fault_test name)
  pynamic_mode_test(${name} ${ARGN} LABELS faults TIMEOUT ${_f_timeout})
endfunction()

# --- broken library trees -------------------------------------------------
# One fixture per tree: each is a copy of lib/ with one thing broken.
_pyn_fault_fixture(faults.fixture.module-empty faults_module_empty
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/module-empty" --truncate libmodule1.so:0)
_pyn_fault_fixture(faults.fixture.module-truncated faults_module_truncated
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/module-truncated" --truncate libmodule1.so:loaded-half)
_pyn_fault_fixture(faults.fixture.module-unreadable faults_module_unreadable
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/module-unreadable" --mode libmodule1.so:000)
_pyn_fault_fixture(faults.fixture.linked-missing faults_linked_missing
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/linked-missing"
             --exe $<TARGET_FILE:pynamic-mode-linked> --remove libmodule1.so)
_pyn_fault_fixture(faults.fixture.linked-truncated faults_linked_truncated
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/linked-truncated"
             --exe $<TARGET_FILE:pynamic-mode-linked> --truncate libmodule1.so:loaded-half)

set(_dl pynamic-mode-dlopen)
set(_fail --expect-exit 1)

_pyn_fault_test(faults.module-empty.serial dlopen ${_dl} FIXTURES faults_module_empty
  CHECK ${_fail} --expect-stderr
        "rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: .*/module-empty/libmodule1\\.so: file too short"
  ARGS --lib-dir "${_f_work}/module-empty")
# ld.so dies of SIGBUS reading past the end of the file inside the dlopen of
# libmodulebegin (which needs every module): the runtime names the file being
# dlopen'ed and, from the faulting address, the truncated one.
_pyn_fault_test(faults.module-truncated.serial dlopen ${_dl} FIXTURES faults_module_truncated
  CHECK --expect-exit 135 --expect-stderr
        "rank 0 \\(.*\\): import: fatal signal SIGBUS while loading .*/libmodulebegin\\.so \\(the fault is in .*/module-truncated/libmodule1\\.so\\)"
  ARGS --lib-dir "${_f_work}/module-truncated")
# A library truncated in place after the report (a site rebuilding its tree
# under a running job): the verdict stands and the process ends cleanly,
# without ld.so's clean-up running the truncated library's destructor (which
# took SIGBUS, exit 135, no line). Sanitizer builds exit normally (their leak
# check runs at exit): not there.
if(NOT PYNAMIC_SANITIZERS)
  _pyn_fault_fixture(faults.fixture.rebuilt-after-report faults_rebuilt_after_report
    ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/rebuilt-after-report")
  _pyn_fault_test(faults.library-truncated-after-report.serial dlopen pyn_test_env
    FIXTURES faults_rebuilt_after_report
    CHECK --expect-exit 0
    ARGS LD_PRELOAD=$<TARGET_FILE:pyn_fault_finalize_truncate>
         PYN_FAULT_TRUNCATE_AT_FINALIZE=${_f_work}/rebuilt-after-report/libmodule1.so
         $<TARGET_FILE:${_dl}> --lib-dir "${_f_work}/rebuilt-after-report")
  # The driver the same way: its _pynamic's MPI_Finalize truncates the file; the script ends with os._exit, so
  # neither the interpreter's clean-up nor ld.so's runs the truncated library (exit 135 and no line without it).
  if(_py_driver)
    _pyn_fault_fixture(faults.fixture.rebuilt-after-report.driver faults_rebuilt_after_report_driver
      ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/rebuilt-after-report-driver")
    pynamic_mode_test(faults.library-truncated-after-report.driver.serial python-driver pyn_test_env
      LABELS python faults TIMEOUT ${_f_timeout} FIXTURES faults_rebuilt_after_report_driver
      CHECK --expect-exit 0 --forbid-stderr "fatal signal|Bus error|Traceback"
      ARGS LD_PRELOAD=$<TARGET_FILE:pyn_fault_finalize_truncate>
           PYN_FAULT_TRUNCATE_AT_FINALIZE=${_f_work}/rebuilt-after-report-driver/libmodule1.so
           "${Python3_EXECUTABLE}" "${PYNAMIC_DRIVER}" --lib-dir "${_f_work}/rebuilt-after-report-driver")
  endif()
endif()
_pyn_fault_test(faults.module-unreadable.serial dlopen pyn_test_python FIXTURES faults_module_unreadable
  CHECK ${_fail} --expect-stderr
        "rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: libmodule1\\.so: cannot open shared object file: .*\\(ld\\.so skipped .*/module-unreadable/libmodule1\\.so from RUNPATH: open: Permission denied\\)"
  ARGS "${_f_env}" --drop-dac -- $<TARGET_FILE:${_dl}> --lib-dir "${_f_work}/module-unreadable")

# Libraries built for another machine or class (docs/reliability.md, "Messages that name the cause"): ld.so
# skips them and says "No such file or directory" (or names no file); the runtime, after the import phase, reads
# the file's ELF header and says what is wrong with it, in every mode (the Python modes' ImportError is ld.so's).
set(_f_foreign "an ELF file for AArch64 \\(e_machine 183\\). this process is x86-64 \\(e_machine 62\\)")
_pyn_fault_fixture(faults.fixture.module-foreign-machine faults_module_foreign_machine
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/module-foreign-machine"
             --elf-machine libmodule1.so:183)
_pyn_fault_fixture(faults.fixture.marker-foreign-machine faults_marker_foreign_machine
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/marker-foreign-machine"
             --elf-machine libmodulebegin.so:183)
_pyn_fault_test(faults.module-foreign-machine.serial dlopen ${_dl} FIXTURES faults_module_foreign_machine
  CHECK ${_fail} --one-line-error --expect-stderr
        "rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: libmodule1\\.so: cannot open shared object file: No such file or directory \\(ld\\.so skipped .*/module-foreign-machine/libmodule1\\.so from RUNPATH: ${_f_foreign}\\)"
  ARGS --lib-dir "${_f_work}/module-foreign-machine")
_pyn_fault_test(faults.module-foreign-machine.python.parallel python pynamic-mode-python RANKS ${_f_np}
  FIXTURES faults_module_foreign_machine
  CHECK ${_fail} --expect-stderr
        "rank [0-9]+ \\(.*\\): import: libmodulebegin: ImportError: libmodule1\\.so: cannot open shared object file: No such file or directory \\(ld\\.so skipped .*/module-foreign-machine/libmodule1\\.so from RUNPATH: ${_f_foreign}\\)"
  ARGS --lib-dir "${_f_work}/module-foreign-machine")
if(_py_driver)
  pynamic_mode_test(faults.module-foreign-machine.driver.serial python-driver "${PYNAMIC_DRIVER}"
    INTERPRETER "${Python3_EXECUTABLE}" LABELS python faults TIMEOUT ${_f_timeout}
    FIXTURES faults_module_foreign_machine
    CHECK ${_fail} --expect-stderr
          "rank 0 \\(.*\\): import: libmodulebegin: ImportError: libmodule1\\.so: cannot open shared object file: No such file or directory \\(ld\\.so skipped .*/module-foreign-machine/libmodule1\\.so from RUNPATH: ${_f_foreign}\\)"
    ARGS --lib-dir "${_f_work}/module-foreign-machine")
endif()
# Opened by its path: ld.so's message names the file but not the fault.
_pyn_fault_test(faults.marker-foreign-machine.serial dlopen ${_dl} FIXTURES faults_marker_foreign_machine
  CHECK ${_fail} --one-line-error --expect-stderr
        "rank 0 \\(.*\\): import: dlopen: .*/marker-foreign-machine/libmodulebegin\\.so: cannot open shared object file: No such file or directory \\(ld\\.so rejected .*/marker-foreign-machine/libmodulebegin\\.so: ${_f_foreign}\\)"
  ARGS --lib-dir "${_f_work}/marker-foreign-machine")

if(PYNAMIC_NUM_UTILITIES GREATER 0)
  # A 32-bit utility library found while searching: ld.so names neither the file nor its machine.
  _pyn_fault_fixture(faults.fixture.utility-32-bit faults_utility_32_bit
    ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/utility-32-bit" --elf-class libutility0.so:32)
  _pyn_fault_test(faults.utility-32-bit.serial dlopen ${_dl} FIXTURES faults_utility_32_bit
    CHECK ${_fail} --one-line-error --expect-stderr
          "rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: libutility0\\.so: wrong ELF class: ELFCLASS32 \\(ld\\.so skipped .*/utility-32-bit/libutility0\\.so from RUNPATH: a 32-bit ELF file \\(ELFCLASS32, for x86-64\\). this process is 64-bit\\)"
    ARGS --lib-dir "${_f_work}/utility-32-bit")
  _pyn_fault_fixture(faults.fixture.utility-missing faults_utility_missing
    ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/utility-missing" --remove libutility0.so)
  _pyn_fault_fixture(faults.fixture.utility-unreadable faults_utility_unreadable
    ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/utility-unreadable" --mode libutility0.so:000)
  _pyn_fault_test(faults.utility-missing.serial dlopen ${_dl} FIXTURES faults_utility_missing
    CHECK ${_fail} --expect-stderr
          "rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: libutility0\\.so: cannot open shared object file: No such file or directory"
    ARGS --lib-dir "${_f_work}/utility-missing")
  # ld.so skips a dependency it cannot read and reports "No such file or
  # directory"; the runtime adds what is wrong with the file.
  _pyn_fault_test(faults.utility-unreadable.serial dlopen pyn_test_python FIXTURES faults_utility_unreadable
    CHECK ${_fail} --expect-stderr
          "rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: libutility0\\.so: cannot open shared object file: .*\\(ld\\.so skipped .*/utility-unreadable/libutility0\\.so from RUNPATH: open: Permission denied\\)"
    ARGS "${_f_env}" --drop-dac -- $<TARGET_FILE:${_dl}> --lib-dir "${_f_work}/utility-unreadable")
  # A utility library of another machine in a directory LD_LIBRARY_PATH lists first, the tree's own missing:
  # ld.so skips the first and finds nothing; the runtime walks ld.so's search (LD_LIBRARY_PATH, the RUNPATH,
  # /etc/ld.so.cache, the default directories) and names the file it passed over and why.
  _pyn_fault_fixture(faults.fixture.utility-foreign-on-path faults_utility_foreign_on_path
    ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/utility-foreign-on-path" --only libutility0.so
               --elf-machine libutility0.so:183)
  set(_f_on_path "LD_LIBRARY_PATH=${_f_work}/utility-foreign-on-path:${_f_work}/no-such-dir")
  set(_f_on_path_line "libutility0\\.so: cannot open shared object file: No such file or directory \\(ld\\.so skipped .*/utility-foreign-on-path/libutility0\\.so from LD_LIBRARY_PATH: ${_f_foreign}\\)$")
  _pyn_fault_test(faults.utility-foreign-on-path.serial dlopen pyn_test_env
    FIXTURES faults_utility_missing faults_utility_foreign_on_path
    CHECK ${_fail} --one-line-error --expect-stderr
          "(?m)rank 0 \\(.*\\): import: dlopen .*/libmodulebegin\\.so: ${_f_on_path_line}"
    ARGS "${_f_on_path}" $<TARGET_FILE:${_dl}> --lib-dir "${_f_work}/utility-missing")
  _pyn_fault_test(faults.utility-foreign-on-path.python.parallel python pyn_test_env RANKS ${_f_np}
    FIXTURES faults_utility_missing faults_utility_foreign_on_path
    CHECK ${_fail} --expect-stderr "(?m)rank [0-9]+ \\(.*\\): import: libmodule[a-z0-9]+: ImportError: ${_f_on_path_line}"
    ARGS "${_f_on_path}" $<TARGET_FILE:pynamic-mode-python> --lib-dir "${_f_work}/utility-missing")
else()
  message(STATUS "faults: PYNAMIC_CONFIG has no utility libraries: the utility-library fault tests are not registered")
endif()

# The linked mode: ld.so loads everything before main, so its own message is all there is.
add_executable(pyn_fault_linked_missing IMPORTED)
set_target_properties(pyn_fault_linked_missing PROPERTIES
  IMPORTED_LOCATION "${_f_work}/linked-missing/pynamic-mode-linked")
add_executable(pyn_fault_linked_truncated IMPORTED)
set_target_properties(pyn_fault_linked_truncated PROPERTIES
  IMPORTED_LOCATION "${_f_work}/linked-truncated/pynamic-mode-linked")
set(_ldso "error while loading shared libraries: libmodule1\\.so: cannot open shared object file: No such file or directory")
_pyn_fault_test(faults.linked-missing.serial linked pyn_fault_linked_missing FIXTURES faults_linked_missing
  CHECK --no-report --expect-exit 127 --one-line-error --expect-stderr "${_ldso}"
  ARGS --manifest "${PYNAMIC_MANIFEST}")
_pyn_fault_test(faults.linked-missing.parallel linked pyn_fault_linked_missing RANKS ${_f_np}
  FIXTURES faults_linked_missing CHECK --no-report --expect-exit 127 --expect-stderr "${_ldso}"
  ARGS --manifest "${PYNAMIC_MANIFEST}")
# Known limitation (docs/reliability.md): ld.so crashes before main, nothing of ours runs to name the file.
_pyn_fault_test(faults.linked-truncated.serial linked pyn_fault_linked_truncated FIXTURES faults_linked_truncated
  CHECK --no-report --expect-exit 135 ARGS --manifest "${PYNAMIC_MANIFEST}")

# One node's copy is truncated: the last rank dies of SIGBUS, the launcher ends the others.
add_test(NAME faults.module-truncated.one-rank.parallel
  COMMAND "${Python3_EXECUTABLE}" "${_f_dir}/rank_fault.py" --launcher "${MPIEXEC_EXECUTABLE}"
          "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${MPIEXEC_PREFLAGS}" --ranks ${_f_np}
          --fault-rank ${_f_last} "--last-rank-args=--lib-dir ${_f_work}/module-truncated" --expect-fault bus
          --expect-output "${_f_banner}"
          --expect-output "rank ${_f_last} \\(.*\\): import: fatal signal SIGBUS while loading .*/libmodulebegin\\.so \\(the fault is in .*/module-truncated/libmodule1\\.so\\)"
          --workdir "${PYNAMIC_TEST_WORK}/faults.module-truncated.one-rank.parallel" -- $<TARGET_FILE:${_dl}>)
set_tests_properties(faults.module-truncated.one-rank.parallel PROPERTIES LABELS "faults;parallel"
  PROCESSORS ${_f_np} TIMEOUT ${_f_timeout} FIXTURES_REQUIRED faults_module_truncated)

# One bad node among many ranks: only the last rank cannot load a module.
# The others stop because it failed, which is not a failure of theirs: the
# report must name the one failed rank, and its error must be among the
# (at most ten) lines printed, not hidden behind ten ranks that merely
# stopped (fix G: such ranks are `stopped`, not failed).
_pyn_fault_fixture(faults.fixture.module-missing faults_module_missing
  ${_f_make} libdir --from "${PYNAMIC_LIBRARY_DIR}" --to "${_f_work}/module-missing" --remove libmodule1.so)
set(_f_many 12)
math(EXPR _f_many_last "${_f_many} - 1")
add_test(NAME faults.one-rank-fails-among-many.parallel
  COMMAND "${Python3_EXECUTABLE}" "${_f_env}" --report-failed-ranks
          "${PYNAMIC_TEST_WORK}/faults.one-rank-fails-among-many.parallel/report.json" ${_f_many_last}
          -- "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${PYNAMIC_MANIFEST}"
          --workdir "${PYNAMIC_TEST_WORK}/faults.one-rank-fails-among-many.parallel" --mode dlopen
          --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_f_mpipre}"
          --ranks ${_f_many} --expect-exit 1
          --expect-stderr "rank ${_f_many_last} \\(.*\\): import: dlopen .*/module-missing/libmodulebegin\\.so: libmodule1\\.so: cannot open"
          "--last-rank-args=--lib-dir ${_f_work}/module-missing"
          -- $<TARGET_FILE:${_dl}>)
set_tests_properties(faults.one-rank-fails-among-many.parallel PROPERTIES LABELS "faults;parallel"
                     PROCESSORS ${_f_many} TIMEOUT ${_f_timeout} FIXTURES_REQUIRED faults_module_missing)

# --- one rank dies during import, under the launcher ----------------------
# The launcher must end every rank (rank_fault.py reaps each and checks its
# status: none 0, the fault rank's as injected) and say so. Hydra names the
# signal of whichever process it saw end first, so only its banner is
# asserted; SIGKILL leaves the dying rank no chance to speak.
foreach(_case "kill;dlopen" "exit;dlopen" "kill;linked" "segv;dlopen")
  list(GET _case 0 _action)
  list(GET _case 1 _mode)
  set(_name faults.rank-${_action}-in-import.${_mode}.parallel)
  set(_says --expect-output "${_f_banner}")
  if(_action STREQUAL "segv")
    # A crash during import names the rank and the library being loaded.
    list(APPEND _says --expect-output
         "rank ${_f_last} \\(.*\\): import: fatal signal SIGSEGV while loading .*/libmodule1\\.so")
  endif()
  add_test(NAME ${_name}
    COMMAND "${Python3_EXECUTABLE}" "${_f_dir}/rank_fault.py" --shim $<TARGET_FILE:pyn_fault_kill>
            --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}"
            "--preflags=${MPIEXEC_PREFLAGS}" --ranks ${_f_np} --fault-rank ${_f_last}
            --fault-module libmodule1.so --action ${_action} --bound 30 ${_says}
            --workdir "${PYNAMIC_TEST_WORK}/${_name}" -- $<TARGET_FILE:pynamic-mode-${_mode}>)
  set_tests_properties(${_name} PROPERTIES LABELS "faults;parallel" PROCESSORS ${_f_np} TIMEOUT ${_f_timeout})
endforeach()

# --- the job ended from outside: a signal, a SIGKILL, a stuck rank ---------
# job_fault.py (docs/reliability.md, "Signals, killed and stuck ranks"): the
# shim pauses one rank at a point of the run and the launcher is sent the
# signal there (mpiexec forwards SIGINT and SIGTERM to every rank, as
# Slurm's time limit sends SIGTERM): the job ends non-zero within the bound,
# rank 0 says once which signal stopped which step, and --stage-dir holds
# no pynamic-stage.* afterwards.
set(_f_job "${Python3_EXECUTABLE}" "${_f_dir}/job_fault.py")
function(_pyn_job_test name what)
  add_test(NAME ${name}
    COMMAND ${_f_job} ${what} --shim $<TARGET_FILE:pyn_fault_kill> --launcher "${MPIEXEC_EXECUTABLE}"
            "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_f_mpipre}" --ranks ${_f_np}
            --workdir "${PYNAMIC_TEST_WORK}/${name}" --stage-dir "${PYNAMIC_TEST_WORK}/${name}/stage-dir" ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS "faults;parallel" PROCESSORS ${_f_np} TIMEOUT ${_f_timeout})
endfunction()
# "SIGNAL;STEP;MODE;--when;fault rank": staging pauses rank 0 (the host's
# leader) writing a copy; import pauses the last rank opening libmodule3;
# visit pauses rank 1 before the barrier that starts the visit, every other
# rank waiting in it.
foreach(_case "TERM;staging;dlopen;create;0" "INT;staging;dlopen;create;0" "TERM;import;dlopen;dlopen;${_f_last}"
              "INT;import;dlopen;dlopen;${_f_last}" "TERM;visit;dlopen;barrier;1" "TERM;import;python;dlopen;${_f_last}")
  list(GET _case 0 _sig)
  list(GET _case 1 _step)
  list(GET _case 2 _mode)
  list(GET _case 3 _when)
  list(GET _case 4 _rank)
  if(NOT TARGET pynamic-mode-${_mode})
    continue()
  endif()
  set(_name faults.sig${_sig}-in-${_step}.${_mode}.parallel)
  set(_search "")
  if(_mode STREQUAL "python") # its per-run search directories are removed too
    set(_search --search-tmpdir "${PYNAMIC_TEST_WORK}/${_name}/tmp")
  endif()
  _pyn_job_test(${_name} signal --signal ${_sig} --when ${_when} --fault-rank ${_rank} --fault-module libmodule3.so
    ${_search}
    --expect-once "^pynamic-mode-${_mode}: SIG${_sig} during ${_step}: every rank stopped. the node-local copies under .*/pynamic-stage\\.[^ ]+ were removed$"
    -- $<TARGET_FILE:pynamic-mode-${_mode}> --stage bcast --stage-dir "${PYNAMIC_TEST_WORK}/${_name}/stage-dir")
endforeach()
# SIGKILL while staging (rank 0, the leader, killed writing a copy) leaves the
# job's directory; the next job on the same --stage-dir removes it, says so,
# and passes; a directory whose lock is held (a running job) stays.
_pyn_job_test(faults.stage-killed-job-reaped.parallel reap --when create --fault-rank 0 --fault-module libmodule3.so
  --expect-once "^pynamic-mode-dlopen: rank 0 \\(.*\\): stage: removed 1 staging directory of jobs no longer running from .*/stage-dir: pynamic-stage\\.[^ ]+$"
  -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast
  --stage-dir "${PYNAMIC_TEST_WORK}/faults.stage-killed-job-reaped.parallel/stage-dir")

# The Python modes' per-run search directories (TMPDIR/pynamic-UID/search-path.HOST.PID.HEX, one per rank,
# locked for the run's life): a job SIGKILLed in the import (the last rank killed opening libmodule3) leaves
# its ranks' directories; the next job of the user on the host removes them, says so once (the host's first
# rank), and passes; a directory whose lock is held (a running job) stays. And two jobs at once: the first
# stopped whole in its import phase, the second passes meanwhile without reaping or sharing the first's
# directories, the first then passes too, and nothing is left.
function(_pyn_search_job_test name what mode program)
  if(mode STREQUAL "python-driver")
    set(program "${Python3_EXECUTABLE}" "${program}")
  endif()
  add_test(NAME ${name}
    COMMAND ${_f_job} ${what} --shim $<TARGET_FILE:pyn_fault_kill> --launcher "${MPIEXEC_EXECUTABLE}"
            "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_f_mpipre}" --ranks ${_f_np}
            --workdir "${PYNAMIC_TEST_WORK}/${name}" --search-tmpdir "${PYNAMIC_TEST_WORK}/${name}/tmp" ${ARGN}
            -- ${program})
  set_tests_properties(${name} PROPERTIES LABELS "faults;parallel;python" PROCESSORS ${_f_np}
                       TIMEOUT ${_f_timeout})
endfunction()
set(_f_reaped "search path: removed [0-9]+ search director(y|ies) of runs no longer running from .*/tmp/pynamic-[0-9]+: search-path\\.[^ ]+(, search-path\\.[^ ]+)*$")
if(TARGET pynamic-mode-python)
  _pyn_search_job_test(faults.search-killed-run-reaped.python.parallel reap python $<TARGET_FILE:pynamic-mode-python>
    --when dlopen --fault-rank ${_f_last} --fault-module libmodule3.so
    --expect-once "^pynamic-mode-python: rank 0 \\(.*\\): ${_f_reaped}")
  _pyn_search_job_test(faults.search-concurrent-runs.python.parallel concurrent python
    $<TARGET_FILE:pynamic-mode-python> --when dlopen --fault-rank 0 --fault-module libmodule3.so --bound 45)
endif()
if(PYNAMIC_DRIVER AND NOT PYNAMIC_SANITIZERS)
  _pyn_search_job_test(faults.search-killed-run-reaped.python-driver.parallel reap python-driver "${PYNAMIC_DRIVER}"
    --when dlopen --fault-rank ${_f_last} --fault-module libmodule3.so
    --expect-once "^pynamic_driver\\.py: rank 0 \\(.*\\): ${_f_reaped}")
endif()

# --timeout: the last rank stops itself (SIGSTOP) opening libmodule3; rank 0
# names it and ends the job.
_pyn_job_test(faults.stuck-rank-in-import.dlopen.parallel stuck --when dlopen --fault-rank ${_f_last}
  --fault-module libmodule3.so
  --expect-once "^pynamic-mode-dlopen: --timeout 3: import has not ended on every rank after [0-9]+\\.[0-9] s: rank ${_f_last} \\(.*\\) did not arrive. ending the job$"
  -- $<TARGET_FILE:pynamic-mode-dlopen> --timeout 3)
_pyn_job_test(faults.stuck-rank-in-import.python.parallel stuck --when dlopen --fault-rank ${_f_last}
  --fault-module libmodule3.so
  --expect-once "^pynamic-mode-python: --timeout 3: import has not ended on every rank after [0-9]+\\.[0-9] s: rank ${_f_last} \\(.*\\) did not arrive. ending the job$"
  -- $<TARGET_FILE:pynamic-mode-python> --timeout 3)
# Rank 0 itself stopped: rank 1 speaks at twice the timeout and ends the job. Its MPI_Abort is on
# MPI_COMM_WORLD: on the watchdog's duplicate communicator MPICH first messaged every member, rank 0 included,
# and the job hung (hydra never ended it).
_pyn_job_test(faults.stuck-rank0-in-import.dlopen.parallel stuck --when dlopen --fault-rank 0
  --fault-module libmodule3.so
  --expect-once "^pynamic-mode-dlopen: rank 1: --timeout 1: import has not ended on every rank after [0-9]+\\.[0-9] s and rank 0 did not end the job: rank 0 did not arrive. ending the job$"
  -- $<TARGET_FILE:pynamic-mode-dlopen> --timeout 1)

# --timeout over every collective wait, each with --stage bcast: the copies of
# every host must be gone when the watchdog ends the job (rank 0 tells every
# rank to remove its host's copies before MPI_Abort, whose SIGKILL no handler
# sees). Staging: two hosts on this machine (job_fault.py --hosts 2: ranks 0
# and 1 are the leaders); leader 1 stops writing its copy of libmodule3, or
# in the broadcast of its first chunk, and rank 0 waits in the leaders'
# broadcast. Visit: rank 1 stops before the visit's barrier. End of the run:
# the last rank stops before the gather of the reports' records, rank 0
# waiting in it. Each must end within 20 s, non-zero, with the one line, no
# process and nothing under --stage-dir left (docs/reliability.md lists what
# each did before).
foreach(_case "staging;create;1;2" "staging;bcast;1;2" "visit;barrier;1;1" "end;gather;${_f_last};1")
  list(GET _case 0 _step)
  list(GET _case 1 _when)
  list(GET _case 2 _rank)
  list(GET _case 3 _hosts)
  set(_name faults.stuck-rank-in-${_step}-${_when}.dlopen.parallel)
  if(_step STREQUAL "end")
    set(_says "the end of the run")
  else()
    set(_says "${_step}")
  endif()
  _pyn_job_test(${_name} stuck --hosts ${_hosts} --when ${_when} --fault-rank ${_rank} --fault-module libmodule3.so
    --bound 20
    --expect-once "^pynamic-mode-dlopen: --timeout 3: ${_says} has not ended on every rank after [0-9]+\\.[0-9] s: rank ${_rank} \\(.*\\) did not arrive. ending the job$"
    -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast --stage-dir "${PYNAMIC_TEST_WORK}/${_name}/stage-dir"
       --timeout 3)
endforeach()

# Rank 0 itself stuck (before the visit's barrier): rank 1 speaks at twice
# the timeout, removes its host's copies and ends the job.
_pyn_job_test(faults.stuck-rank-0-in-visit.dlopen.parallel stuck --when barrier --fault-rank 0
  --fault-module libmodule3.so --bound 20
  --expect-once "^pynamic-mode-dlopen: rank 1: --timeout 3: visit has not ended on every rank after [0-9]+\\.[0-9] s and rank 0 did not end the job: rank 0 did not arrive. ending the job$"
  -- $<TARGET_FILE:pynamic-mode-dlopen> --stage bcast
     --stage-dir "${PYNAMIC_TEST_WORK}/faults.stuck-rank-0-in-visit.dlopen.parallel/stage-dir" --timeout 3)

# --- manifests that do not match the tree ---------------------------------
# A manifest of a larger tree (4 more modules, everything else equal): the
# first module the tree lacks is named. NUM_FILES is replaced in the tree's
# normalised arguments (PYNAMIC_CONFIG may hold -i DIR or -c ARGS...).
separate_arguments(_f_cfg UNIX_COMMAND "${PYNAMIC_GEN_ARGUMENTS}")
set(_f_bigger "")
set(_f_skip 0)
set(_f_npos 0)
foreach(_tok IN LISTS _f_cfg)
  if(_f_skip GREATER 0)
    list(APPEND _f_bigger "${_tok}")
    math(EXPR _f_skip "${_f_skip} - 1")
  elseif(_tok STREQUAL "-u")
    list(APPEND _f_bigger "${_tok}")
    set(_f_skip 2)
  elseif(_tok MATCHES "^-[ndsjo]$")
    list(APPEND _f_bigger "${_tok}")
    set(_f_skip 1)
  elseif(_tok MATCHES "^-")
    list(APPEND _f_bigger "${_tok}")
  elseif(_f_npos EQUAL 0)
    math(EXPR _f_files "${PYNAMIC_NUM_UTILITIES} + ${PYNAMIC_NUM_MODULES} + 4")
    list(APPEND _f_bigger ${_f_files})
    math(EXPR _f_npos "${_f_npos} + 1")
  else()
    list(APPEND _f_bigger "${_tok}")
    math(EXPR _f_npos "${_f_npos} + 1")
  endif()
endforeach()
_pyn_fault_fixture(faults.fixture.bigger-manifest faults_bigger_manifest
  "${PYNAMIC_GENERATOR_EXECUTABLE}" -o "${_f_work}/bigger-tree" ${_f_bigger})
_pyn_fault_test(faults.manifest-of-bigger-tree.dlopen.serial dlopen ${_dl} FIXTURES faults_bigger_manifest
  CHECK ${_fail} --expect-stderr
        "rank 0 \\(.*\\): import: dlopen: .*/libmodule${PYNAMIC_NUM_MODULES}\\.so: cannot open shared object file"
  ARGS --manifest "${_f_work}/bigger-tree/manifest.json")
_pyn_fault_test(faults.manifest-of-bigger-tree.linked.parallel linked pynamic-mode-linked RANKS ${_f_np}
  FIXTURES faults_bigger_manifest
  CHECK ${_fail} --expect-stderr "import: libmodule${PYNAMIC_NUM_MODULES}\\.so was not loaded before main"
  ARGS --manifest "${_f_work}/bigger-tree/manifest.json")

# Damaged manifests: cut short (not JSON), a checksum edited (JSON that lies), unreadable.
_pyn_fault_fixture(faults.fixture.manifest-truncated faults_manifest_truncated
  ${_f_make} file --from "${PYNAMIC_MANIFEST}" --to "${_f_work}/manifests/truncated.json" --truncate half)
_pyn_fault_fixture(faults.fixture.manifest-tampered faults_manifest_tampered
  ${_f_make} file --from "${PYNAMIC_MANIFEST}" --to "${_f_work}/manifests/tampered.json" --tamper-checksum)
_pyn_fault_fixture(faults.fixture.manifest-unreadable faults_manifest_unreadable
  ${_f_make} file --from "${PYNAMIC_MANIFEST}" --to "${_f_work}/manifests/unreadable.json" --mode 000)
set(_setup --no-report --expect-exit 1 --one-line-error)
_pyn_fault_test(faults.manifest-truncated.parallel dlopen ${_dl} RANKS ${_f_np} FIXTURES faults_manifest_truncated
  CHECK ${_setup} --expect-stderr "rank 0: manifest .*/truncated\\.json: line [0-9]+: "
  ARGS --manifest "${_f_work}/manifests/truncated.json")
_pyn_fault_test(faults.manifest-tampered.serial dlopen ${_dl} FIXTURES faults_manifest_tampered
  CHECK ${_setup} --expect-stderr
        "rank 0: manifest .*/tampered\\.json: expected_checksum: 0x[0-9a-f]{16}, but the module checksums fold to 0x"
  ARGS --manifest "${_f_work}/manifests/tampered.json")
_pyn_fault_test(faults.manifest-unreadable.serial dlopen pyn_test_python FIXTURES faults_manifest_unreadable
  CHECK ${_setup} --expect-stderr "rank 0: read .*/unreadable\\.json: open: Permission denied"
  ARGS "${_f_env}" --drop-dac -- $<TARGET_FILE:${_dl}> --manifest "${_f_work}/manifests/unreadable.json")
_pyn_fault_test(faults.manifest-is-a-directory.serial dlopen ${_dl}
  CHECK ${_setup} --expect-stderr "rank 0: read ${_f_dir}: read: Is a directory"
  ARGS --manifest "${_f_dir}")
_pyn_fault_test(faults.library-dir-missing.parallel dlopen ${_dl} RANKS ${_f_np}
  CHECK --no-report --expect-exit 1 --expect-stderr "rank [0-9]+ \\(.*\\): library directory /nonexistent/lib: No such file or directory"
  ARGS --lib-dir /nonexistent/lib)

# --- reports that cannot be written ----------------------------------------
# A full file system: a tiny tmpfs in a private mount namespace, filled
# (data blocks, or inodes). An earlier report at the path must survive
# whole; nothing else may be left (no partial report, no temporary file).
set(_fs "${_f_work}/full")
_pyn_fault_test(faults.report-disk-full.serial dlopen pyn_test_python
  CHECK --no-report --expect-exit 1 --one-line-error
        --expect-stderr "rank 0: write ${_fs}/r\\.json: write: No space left on device"
  ARGS "${_f_env}" --tmpfs "${_fs}" "--keep=r.json={\"an\": \"earlier report\"}" --fill blocks --only-keep
       -- $<TARGET_FILE:${_dl}> --json "${_fs}/r.json")
# Out of inodes, read-only, not writable, not a file: found by the check of
# the outputs before the run (a usage error, nothing measured), not after it.
_pyn_fault_test(faults.report-disk-full-inodes.serial dlopen pyn_test_python
  CHECK --no-report --expect-exit 2 --one-line-error --forbid-stdout "."
        --expect-stderr "^${_dl}: --csv ${_fs}/r\\.csv: cannot create a file in directory ${_fs}: No space left on device$"
  ARGS "${_f_env}" --tmpfs "${_fs}" --inodes 16 --fill inodes --only-keep
       -- $<TARGET_FILE:${_dl}> --csv "${_fs}/r.csv")
# Under the launcher: only rank 0 writes, every rank exits 1. Here
# fault_env.py wraps run_mode.py itself (so its own check decides the
# test's status), and the whole launch runs inside its mount namespace.
add_test(NAME faults.report-disk-full.parallel
  COMMAND "${Python3_EXECUTABLE}" "${_f_env}" --tmpfs "${_fs}" --fill blocks --only-keep
          -- "${Python3_EXECUTABLE}" "${PYNAMIC_RUN_MODE}" --manifest "${PYNAMIC_MANIFEST}"
          --workdir "${PYNAMIC_TEST_WORK}/faults.report-disk-full.parallel" --mode dlopen
          --launcher "${MPIEXEC_EXECUTABLE}" "--numproc-flag=${MPIEXEC_NUMPROC_FLAG}" "--preflags=${_f_mpipre}"
          --ranks ${_f_np} --no-report --expect-exit 1
          --expect-stderr "rank 0: write ${_fs}/r\\.json: write: No space left on device"
          -- $<TARGET_FILE:${_dl}> --json "${_fs}/r.json")
set_tests_properties(faults.report-disk-full.parallel PROPERTIES LABELS "faults;parallel" PROCESSORS ${_f_np}
                     TIMEOUT ${_f_timeout})
_pyn_fault_test(faults.report-read-only-fs.serial dlopen pyn_test_python
  CHECK --no-report --expect-exit 2 --one-line-error --forbid-stdout "."
        --expect-stderr "^${_dl}: --json ${_fs}/r\\.json: cannot create a file in directory ${_fs}: Read-only file system$"
  ARGS "${_f_env}" --tmpfs "${_fs}" --read-only --only-keep -- $<TARGET_FILE:${_dl}> --json "${_fs}/r.json")
# /dev/full as the report path: refused, and the device is never renamed over.
_pyn_fault_test(faults.report-dev-full.serial dlopen pyn_test_python
  CHECK --no-report --expect-exit 2 --one-line-error --forbid-stdout "."
        --expect-stderr "^${_dl}: --json /dev/full: it exists and is not a regular file. give a file path$"
  ARGS "${_f_env}" --char-device /dev/full -- $<TARGET_FILE:${_dl}> --json /dev/full)
# A directory nobody may write into (mode 555).
_pyn_fault_fixture(faults.fixture.report-dir-read-only faults_report_dir
  ${_f_make} dir --to "${_f_work}/report-dir-555" --mode 555)
_pyn_fault_test(faults.report-dir-not-writable.serial dlopen pyn_test_python FIXTURES faults_report_dir
  CHECK --no-report --expect-exit 2 --one-line-error --forbid-stdout "."
        --expect-stderr "^${_dl}: --json ${_f_work}/report-dir-555/r\\.json: cannot create a file in directory ${_f_work}/report-dir-555: Permission denied$"
  ARGS "${_f_env}" --drop-dac -- $<TARGET_FILE:${_dl}> --json "${_f_work}/report-dir-555/r.json")
# The CSV cannot be written but the JSON can. The run exits 1, so the JSON it
# leaves must not say passed (fault_env.py --report-must-not-pass checks that).
_pyn_fault_test(faults.report-csv-disk-full.serial dlopen pyn_test_python
  CHECK --no-report --expect-exit 1
        --expect-stderr "rank 0: write ${_fs}/r\\.csv: write: No space left on device"
  ARGS "${_f_env}" --tmpfs "${_fs}" --fill blocks --only-keep --report-must-not-pass
       "${PYNAMIC_TEST_WORK}/faults.report-csv-disk-full.serial/good.json"
       -- $<TARGET_FILE:${_dl}> --csv "${_fs}/r.csv"
       --json "${PYNAMIC_TEST_WORK}/faults.report-csv-disk-full.serial/good.json")

# --- bad command lines, under the launcher: every rank exits 2, rank 0 says why once
set(_usage --no-report --expect-exit 2 --one-line-error)
_pyn_fault_test(faults.usage-unknown-option.parallel dlopen ${_dl} RANKS ${_f_np}
  CHECK ${_usage} --expect-stderr "^pynamic-mode-dlopen: unknown option '--jsn' \\(see --help\\)$"
  ARGS --jsn r.json)
_pyn_fault_test(faults.usage-bad-launch-time.parallel linked pynamic-mode-linked RANKS ${_f_np}
  CHECK ${_usage} --expect-stderr "launch time 'yesterday' is not a number" ARGS yesterday)
_pyn_fault_test(faults.usage-future-launch-time.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "launch time '4102444800' is not a plausible time in seconds since the epoch"
  ARGS 4102444800)
# A launch time after the process began (an hour ahead: another host's clock): one clock-skew line from rank 0,
# exit 0, the startup null in the reports and "unknown" in the original's line, never a negative number.
set(_f_skew "clock skew: launch time [0-9]+\\.[0-9]+ is after")
_pyn_fault_test(faults.launch-time-future.serial dlopen ${_dl}
  CHECK --launch-time future --expect-stdout "Pynamic: startup time = unknown secs" --forbid-stdout "= -[0-9]"
        --expect-stderr "^pynamic-mode-dlopen: ${_f_skew} 1 of 1 rank started \\(by up to 3[0-9][0-9][0-9]\\.[0-9]+ s, rank 0\\): startup not measured \\(null in the reports\\)")
_pyn_fault_test(faults.launch-time-future.parallel linked pynamic-mode-linked RANKS ${_f_np}
  CHECK --launch-time future --expect-stdout "Pynamic: startup time = unknown secs" --forbid-stdout "= -[0-9]"
        --expect-stderr "^pynamic-mode-linked: ${_f_skew} ${_f_np} of ${_f_np} ranks started" --forbid-stderr "skew(.|\n)*skew")
# Long before the run (1973), or not a plain decimal number (an exponent; hex): usage errors.
_pyn_fault_test(faults.usage-old-launch-time.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "launch time '100000000' is more than 7 days before now \\([0-9]+\\): not this job's launch"
  ARGS 100000000)
_pyn_fault_test(faults.usage-exponent-launch-time.parallel linked pynamic-mode-linked RANKS ${_f_np}
  CHECK ${_usage} --expect-stderr "launch time '1\\.8e9' is not a plain decimal number of seconds since the epoch"
  ARGS 1.8e9)
_pyn_fault_test(faults.usage-hex-launch-time.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "launch time '0x6B12A9C0' is not a number of seconds since the epoch" ARGS 0x6B12A9C0)
_pyn_fault_test(faults.usage-nan-launch-time.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "launch time 'nan' is not a number" ARGS --launch-time nan)
_pyn_fault_test(faults.usage-launch-time-twice.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "the launch time is given twice \\('1700000000' and --launch-time 1700000001\\)"
  ARGS 1700000000 --launch-time 1700000001)
# A job script saved with DOS line ends passes "1700000000\r": the message
# stays one line and shows the \r.
_pyn_fault_test(faults.usage-crlf-launch-time.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "launch time '1700000000\\\\r' is not a number" ARGS "1700000000\r")
_pyn_fault_test(faults.usage-flag-with-value.serial dlopen ${_dl}
  CHECK ${_usage} --expect-stderr "option --lazy takes no value \\(got 'yes'\\)" ARGS --lazy=yes)

# --- the user's locale: the driver's python3 takes LC_CTYPE from the environment, and MPI_Init then runs
# under it. Turkish has a dotless i, so MPICH's and UCX's case-insensitive option parsing failed there and
# MPI_Init aborted. The fixture builds the locale and proves it is in effect and breaks ASCII case folding.
_pyn_fault_fixture(faults.fixture.turkish-locale faults_turkish_locale
  "${Python3_EXECUTABLE}" "${_f_dir}/make_locale.py" --to "${_f_work}/locale")
if(_py_driver)
  foreach(_f_ranks 1 ${_f_np})
    if(_f_ranks EQUAL 1)
      set(_f_name faults.driver-turkish-locale.serial)
      set(_f_launch "")
    else()
      set(_f_name faults.driver-turkish-locale.parallel)
      set(_f_launch RANKS ${_f_ranks})
    endif()
    pynamic_mode_test(${_f_name} python-driver "${PYNAMIC_DRIVER}" INTERPRETER "${Python3_EXECUTABLE}" ${_f_launch}
      LABELS python faults TIMEOUT ${_f_timeout} FIXTURES faults_turkish_locale CHECK --launch-time before)
    set_tests_properties(${_f_name} PROPERTIES ENVIRONMENT "LOCPATH=${_f_work}/locale;LC_ALL=tr_TR.UTF-8")
  endforeach()
endif()

# --- a preset value out of range: configuring fails with the generator's line
add_test(NAME faults.preset-out-of-range
  COMMAND "${Python3_EXECUTABLE}" "${_f_dir}/bad_config.py" --source "${PROJECT_SOURCE_DIR}"
          --build "${_f_work}/bad-config-build" --cmake "${CMAKE_COMMAND}" --generator "${CMAKE_GENERATOR}"
          "--make-program=${CMAKE_MAKE_PROGRAM}" "--c-compiler=${CMAKE_C_COMPILER}"
          "--python=${Python3_EXECUTABLE}")
set_tests_properties(faults.preset-out-of-range PROPERTIES LABELS "faults;serial;build" TIMEOUT 300 PROCESSORS 2)

# The sanitizer checks live in ctest/sanitizers/ (include-guarded, so adding
# "sanitizers" to the list of test directories in ctest/CMakeLists.txt later
# registers them once).
include("${CMAKE_CURRENT_LIST_DIR}/../sanitizers/tests.cmake")

# In a sanitizer build ASan would catch SIGSEGV/SIGBUS itself and exit 1:
# leave those signals to the program (and whatever it chains to), so the
# fault ends the rank the way it does in a production build.
if(PYNAMIC_SANITIZERS)
  set_tests_properties(faults.module-truncated.serial faults.module-truncated.one-rank.parallel
                       faults.rank-segv-in-import.dlopen.parallel faults.linked-truncated.serial PROPERTIES
                       ENVIRONMENT_MODIFICATION "ASAN_OPTIONS=string_append::handle_segv=0:handle_sigbus=0")
endif()
