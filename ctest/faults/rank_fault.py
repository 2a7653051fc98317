#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One rank dies during import, under the MPI launcher: every rank must end,
none with status 0, within a bound, and the job must say what happened.

    rank_fault.py --launcher MPIEXEC --ranks N --fault-rank R --workdir DIR
                  (--shim LIB --fault-module libmoduleK.so [--action kill|segv|exit]
                   | --last-rank-args ARGS --expect-fault kill|segv|bus|exit:N)
                  [--bound SECONDS] [--expect-output REGEX ...] [--scancel SCANCEL] -- PROGRAM [ARG...]

The fault is injected either by the LD_PRELOAD shim (kill_shim.c: rank R dies
when it opens the module) or by giving the last rank other arguments (an MPMD
launch, e.g. a library directory holding a truncated library).

Why not ctest/run_mode.py: a launcher that cleans up after a dead rank kills
the other ranks' whole process groups, recording wrappers included, so their
exit status cannot be recorded from inside the group and is not one fixed
value. Here this script is the ranks' child subreaper
(prctl(PR_SET_CHILD_SUBREAPER)): a rank whose wrapper was killed is
re-parented to it, and it reaps the rank and reads its real status.

Every rank runs as `rank_fault.py --rank-wrapper DIR -- PROGRAM ...`, which
records its rank, its own pid (the pid the launcher knows) and the program's
pid, runs the program with the fault-injection shim preloaded (into the
program only), records the program's status and exits the same way.

Under Slurm (--scancel, the launcher being srun) the ranks are slurmstepd's
children, not this script's: when the step is cancelled they die with their
wrappers, so a rank's status is what srun reports ("srun: error: HOST: tasks
0-2: Killed") when its wrapper recorded none, and a hung job is cancelled
with scancel (the job is named after a token) rather than by killing srun.

Checks, each a line "CHECK FAILED: ..." and exit status 1:
  - the launcher returned within --bound seconds (else its process group is
    killed and the test fails as a hang) and with a non-zero status;
  - every rank's program started and ended, and none exited 0;
  - the fault rank ended as injected (SIGKILL, SIGSEGV or exit status 3);
  - no process of the run is left afterwards (searched in /proc by a token
    in the environment);
  - stdout or stderr matches every --expect-output.
"""
import argparse
import ctypes
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, checked, fail  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36


def rank_of_env():
    for var in ("PMI_RANK", "PMIX_RANK", "SLURM_PROCID"):
        if os.environ.get(var):
            return int(os.environ[var])
    return 0


def rank_wrapper(dir_, command):
    """Runs inside the launcher, one per rank."""
    rank = rank_of_env()
    env = dict(os.environ)
    preload = env.pop("PYN_FAULT_PRELOAD", "")
    if preload:
        env["LD_PRELOAD"] = preload + (" " + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
        # An ASan-built program insists on its runtime coming first; the shim comes first here.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    record = os.path.join(dir_, f"rank.{rank}.json")

    def record_before_exec():
        # In the child, before the program runs: a launcher that kills this
        # wrapper at any later point cannot leave a rank nobody knows of.
        with open(record, "w") as f:
            json.dump({"rank": rank, "wrapper_pid": os.getppid(), "program_pid": os.getpid()}, f)

    # close_fds=False: the launcher hands each rank its PMI connection as an inherited descriptor.
    proc = subprocess.Popen(command, env=env, close_fds=False, preexec_fn=record_before_exec)
    # Look at the status without reaping, record it, then reap: if this wrapper
    # is killed at any point in between, the program is still a zombie that the
    # subreaper above reaps, so its status is never lost.
    info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    rc = -info.si_status if info.si_code in (os.CLD_KILLED, os.CLD_DUMPED) else info.si_status
    with open(os.path.join(dir_, f"exit.{proc.pid}"), "w") as f:
        f.write(str(rc))
    os.waitpid(proc.pid, 0)
    if rc < 0:
        # End the same way, so the launcher sees what the program saw.
        if -rc not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(-rc, signal.SIG_DFL)
        os.kill(os.getpid(), -rc)
    return rc


def describe(status):
    if status is None:
        return "unknown"
    return f"signal {-status} ({signal.Signals(-status).name})" if status < 0 else f"exit {status}"


# srun's line for tasks that ended badly: "srun: error: vm: tasks 0-2: Killed", "... task 3: Exited with exit code 1".
SRUN_TASKS = re.compile(r"^srun: error: (\S+): tasks? ([0-9,-]+): (.+)$", re.M)
SRUN_ENDINGS = {"Killed": -signal.SIGKILL, "Terminated": -signal.SIGTERM, "Segmentation fault": -signal.SIGSEGV,
                "Bus error": -signal.SIGBUS, "Aborted": -signal.SIGABRT}


def srun_statuses(text):
    """rank -> (status, host) from srun's lines about tasks that ended badly."""
    got = {}
    for host, tasks, how in SRUN_TASKS.findall(text):
        m = re.fullmatch(r"Exited with exit code (\d+)", how)
        status = int(m.group(1)) if m else SRUN_ENDINGS.get(how)
        if status is None:
            continue
        for part in tasks.split(","):
            lo, _, hi = part.partition("-")
            for rank in range(int(lo), int(hi or lo) + 1):
                got[rank] = (status, host)
    return got


def processes_with_token(token):
    found = []
    needle = f"PYN_FAULT_TOKEN={token}".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    with open(f"/proc/{pid}/cmdline", "rb") as c:
                        found.append((int(pid), c.read().replace(b"\0", b" ").decode(errors="replace").strip()))
        except OSError:
            pass
    return found


def reap_orphans(pids, deadline):
    """Waits for re-parented rank programs; returns pid -> status (negative: signal)."""
    got = {}
    while time.monotonic() < deadline and set(pids) - set(got):
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.02)
            continue
        if os.WIFSIGNALED(status):
            got[pid] = -os.WTERMSIG(status)
        elif os.WIFEXITED(status):
            got[pid] = os.WEXITSTATUS(status)
    return got


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shim", help="the fault-injection shim (LD_PRELOAD'ed into the program)")
    p.add_argument("--launcher", required=True)
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="", help="launcher flags before the program (one string)")
    p.add_argument("--ranks", type=int, required=True)
    p.add_argument("--fault-rank", type=int, required=True)
    p.add_argument("--fault-module")
    p.add_argument("--action", choices=["kill", "segv", "exit"], default="kill")
    p.add_argument("--last-rank-args", help="extra arguments for the last rank only (MPMD launch)")
    p.add_argument("--expect-fault", help="how the fault rank ends: kill, segv, bus or exit:N (default: --action)")
    p.add_argument("--bound", type=float, default=30.0, help="seconds the whole job may take")
    p.add_argument("--expect-output", action="append", default=[],
                   help="regex the job's stdout or stderr must match (launchers print to either)")
    p.add_argument("--scancel", help="the launcher is Slurm's srun: cancel a hung job with this scancel, and take "
                                      "the status of a rank whose wrapper recorded none from srun's lines")
    p.add_argument("--workdir", required=True)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        p.error("no program given after --")
    if not 0 <= args.fault_rank < args.ranks:
        p.error("--fault-rank must be one of the ranks")
    if bool(args.shim) == bool(args.last_rank_args):
        p.error("give either --shim (with --fault-module) or --last-rank-args")
    if args.shim and not args.fault_module:
        p.error("--shim needs --fault-module")
    if args.last_rank_args and args.fault_rank != args.ranks - 1:
        p.error("--last-rank-args makes the last rank the fault rank")
    fault = args.expect_fault or args.action
    signals = {"kill": -signal.SIGKILL, "segv": -signal.SIGSEGV, "bus": -signal.SIGBUS, "exit": 3}
    if fault.startswith("exit:") and fault[5:].isdigit():
        args.expected_status = int(fault[5:])
    elif fault in signals:
        args.expected_status = signals[fault]
    else:
        p.error(f"--expect-fault {fault!r}: expected kill, segv, bus or exit:N")
    return args


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--rank-wrapper":
        command = sys.argv[4:] if sys.argv[3] == "--" else sys.argv[3:]
        return rank_wrapper(sys.argv[2], command)
    args = parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        fail(f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")
    if args.shim and not os.access(args.shim, os.R_OK):
        fail(f"the fault-injection shim {args.shim} is missing")
    dir_ = os.path.abspath(os.path.join(args.workdir, "ranks"))
    os.makedirs(dir_, exist_ok=True)
    for name in os.listdir(dir_):
        os.remove(os.path.join(dir_, name))
    token = uuid.uuid4().hex
    env = dict(os.environ, PYN_FAULT_TOKEN=token)
    if args.shim:
        env.update(PYN_FAULT_PRELOAD=os.path.abspath(args.shim), PYN_FAULT_RANK=str(args.fault_rank),
                   PYN_FAULT_MODULE=args.fault_module, PYN_FAULT_ACTION=args.action)
    wrapper = [sys.executable, os.path.abspath(__file__), "--rank-wrapper", dir_, "--"]
    launch = [args.launcher] + shlex.split(args.preflags)
    job_name = f"pynamic-fault-{token}"
    if args.scancel:
        launch.append(f"--job-name={job_name}")
    if args.last_rank_args is None:
        cmd = launch + [args.numproc_flag, str(args.ranks)] + wrapper + args.command
    else:
        cmd = (launch + [args.numproc_flag, str(args.ranks - 1)] + wrapper + args.command
               + [":", args.numproc_flag, "1"] + wrapper + args.command + shlex.split(args.last_rank_args))
    print("running:", shlex.join(cmd), flush=True)
    t0 = time.monotonic()
    # A process group of its own, so a hang can be killed whole.
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    # Killed itself (CTest's timeout), take the job down with it: the
    # launcher runs in a session of its own.
    def end_job(signum, frame):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, end_job)
    signal.signal(signal.SIGINT, end_job)
    hung = False
    try:
        out, err = proc.communicate(timeout=args.bound)
    except subprocess.TimeoutExpired:
        hung = True
        if args.scancel:
            # The tasks are slurmstepd's: killing srun would leave the job running until its time limit.
            subprocess.run([args.scancel, f"--name={job_name}"], timeout=30)
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    elapsed = time.monotonic() - t0
    sys.stdout.write(out)
    sys.stderr.write(err)
    print(f"launcher exited {proc.returncode} after {elapsed:.2f} s", flush=True)

    ranks = {}
    for name in os.listdir(dir_):
        if name.startswith("rank."):
            with open(os.path.join(dir_, name)) as f:
                r = json.load(f)
            ranks[r["rank"]] = r
    statuses = {}
    for r in ranks.values():
        path = os.path.join(dir_, f"exit.{r['program_pid']}")
        if os.path.exists(path):
            with open(path) as f:
                statuses[r["rank"]] = int(f.read())
    orphans = [r["program_pid"] for k, r in ranks.items() if k not in statuses]
    reaped = reap_orphans(orphans, time.monotonic() + 5.0)
    for k, r in ranks.items():
        if k not in statuses and r["program_pid"] in reaped:
            statuses[k] = reaped[r["program_pid"]]
    from_srun = {}
    if args.scancel:
        for k, (status, host) in srun_statuses(out + err).items():
            if k in ranks and k not in statuses:
                statuses[k] = status
                from_srun[k] = host
    leftovers = processes_with_token(token)
    for pid, _ in leftovers:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for k in sorted(ranks):
        how = "its wrapper" if k not in statuses or ranks[k]["program_pid"] not in reaped else "reaped as an orphan"
        if k in from_srun:
            how = f"srun, on {from_srun[k]}"
        print(f"rank {k}: wrapper pid {ranks[k]['wrapper_pid']}, program pid {ranks[k]['program_pid']}: "
              f"{describe(statuses.get(k))} (seen by {how})")
    expected = args.expected_status

    def verdict():
        check(not hung, f"HANG: the job was still running after {args.bound} s and was killed")
        check(proc.returncode != 0, "the launcher exited 0 although a rank died")
        check(sorted(ranks) == list(range(args.ranks)), f"ranks started: {sorted(ranks)}, expected 0..{args.ranks - 1}")
        missing = sorted(set(range(args.ranks)) - set(statuses))
        check(not missing, f"no exit status for ranks {missing}: their programs were still running after the "
                           f"launcher returned (orphans, killed now: {leftovers})")
        zero = [k for k, s in statuses.items() if s == 0]
        check(not zero, f"ranks {zero} exited 0 although rank {args.fault_rank} died")
        check(statuses[args.fault_rank] == expected,
              f"rank {args.fault_rank} ended with {describe(statuses[args.fault_rank])}, injected {describe(expected)}")
        check(not leftovers, f"processes of the run left behind (killed now): {leftovers}")
        for pattern in args.expect_output:
            check(re.search(pattern, out) or re.search(pattern, err), f"neither stdout nor stderr matches {pattern!r}")

    return checked(verdict)


if __name__ == "__main__":
    sys.exit(main())
