#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What ends a job from outside, under the MPI launcher: a signal, a SIGKILL, a stuck rank.

    job_fault.py signal --signal INT|TERM --when create|dlopen|barrier [launch options] -- PROGRAM [ARG...]
        The fault rank pauses at the point (kill_shim.c, PYN_FAULT_ACTION=pause) and, once it is there, the
        launcher is sent the signal (mpiexec forwards it to every rank, as Slurm's time limit sends SIGTERM to
        each). The job must end within --bound, non-zero, print --expect-once exactly once, and leave nothing
        under --stage-dir nor under --search-tmpdir.
    job_fault.py reap [launch options] -- PROGRAM [ARG...]
        A first run is killed with SIGKILL on the fault rank at --when (the shim's kill): it must leave its
        directories under --stage-dir (create: a node-local copy being written) or --search-tmpdir (dlopen:
        a Python mode's per-run search directories). A directory whose lock this script holds stands for a
        job still running. A second run, the same command without the shim, must pass, print --expect-once
        (the reaping), remove the killed job's directories and leave the locked one alone.
    job_fault.py concurrent --search-tmpdir DIR [launch options] -- PROGRAM [ARG...]
        Two jobs of the same user at once on one host: the first pauses on the fault rank at --when and is
        stopped whole (SIGSTOP) once there, holding its per-run search directories (one per rank); a second
        job, the same command, must pass meanwhile without reaping, touching or sharing them; the first,
        continued, must pass too; nothing is left under DIR afterwards.
    job_fault.py stuck [launch options] -- PROGRAM [ARG...]
        The fault rank stops itself (SIGSTOP, at --when); the job must still end within --bound, non-zero,
        printing --expect-once exactly once, and leave nothing under --stage-dir.
    job_fault.py host-wrap --stage-dir DIR -- PROGRAM [ARG...]
        What --hosts 2 runs as each rank: an odd rank enters a mount namespace of its own where DIR/host1
        is mounted over DIR, then runs PROGRAM; an even rank runs PROGRAM.

--hosts 2 makes one machine two hosts: MPICH puts the even and the odd ranks in two "cliques"
(MPIR_CVAR_NUM_CLIQUES=2), which MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) takes as two nodes, so --stage
bcast has two leaders (ranks 0 and 1); the odd ranks see DIR/host1 as the --stage-dir, so the two leaders'
directories, which have the same name, do not collide. Needs root (mount) and unshare(1).

Launch options: --launcher, --numproc-flag, --preflags (one string), --ranks, --shim, --fault-rank,
--fault-module, --workdir, --stage-dir, --search-tmpdir (the jobs' TMPDIR: the Python modes' search
directories go to DIR/pynamic-UID), --bound, --expect-once REGEX, --expect-output REGEX (any number).
The shim is preloaded through the launcher's environment, so the signal the launcher forwards reaches the
program itself. Every check is a line "CHECK FAILED: ..." and exit status 1; no process of the run may be
left (found in /proc by a token in the environment).
"""
import argparse
import fcntl
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
from rank_fault import processes_with_token  # noqa: E402  (pid, command line) of every process of a run


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["signal", "reap", "stuck", "concurrent"])
    p.add_argument("--hosts", type=int, choices=[1, 2], default=1)
    p.add_argument("--launcher", required=True)
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="")
    p.add_argument("--ranks", type=int, required=True)
    p.add_argument("--shim", required=True)
    p.add_argument("--fault-rank", type=int, default=0)
    p.add_argument("--fault-module", default="libmodule3.so")
    p.add_argument("--when", choices=["create", "dlopen", "barrier", "gather", "bcast"], default="dlopen")
    p.add_argument("--signal", choices=["INT", "TERM"], default="TERM")
    p.add_argument("--workdir", required=True)
    p.add_argument("--stage-dir", help="the run's --stage-dir: must hold no pynamic-stage.* afterwards")
    p.add_argument("--search-tmpdir", help="the jobs' TMPDIR: DIR/pynamic-UID must hold no search-path.* afterwards")
    p.add_argument("--bound", type=float, default=30.0)
    p.add_argument("--expect-once", help="regex exactly one line of the job's stderr must match")
    p.add_argument("--expect-output", action="append", default=[], help="regex stdout or stderr must match")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = p.parse_args(argv[:cut])
    args.command = argv[cut + 1:]
    if not args.command:
        p.error("no program given after --")
    return args


def run_dirs(args):
    """(directory, prefix of the per-run names) of every kind of per-run directory the test watches."""
    kinds = []
    if args.stage_dir:
        kinds.append((args.stage_dir, "pynamic-stage."))
    if args.search_tmpdir:
        kinds.append((os.path.join(args.search_tmpdir, f"pynamic-{os.geteuid()}"), "search-path."))
    return kinds


def held(args, where, prefix):
    """What the jobs left in where (sorted names): the per-run directories under --stage-dir; anything at all in
    the per-user directory of --search-tmpdir, the test's own."""
    if not os.path.isdir(where):
        return []
    every = args.search_tmpdir and prefix == "search-path."
    return sorted(n for n in os.listdir(where) if every or n.startswith(prefix))


def leftovers(args):
    """Every watched per-run directory, as paths."""
    return [os.path.join(where, n) for where, prefix in run_dirs(args) for n in held(args, where, prefix)]


def staged(stage_dir):
    """The pynamic-stage.* under stage_dir and, with --hosts 2, under the second host's stage_dir/host1."""
    if not stage_dir:
        return []
    subdirs = [""] + ["host1"] * os.path.isdir(os.path.join(stage_dir, "host1"))
    return sorted(os.path.join(d, n) for d in subdirs for n in os.listdir(os.path.join(stage_dir, d))
                  if n.startswith("pynamic-stage."))


class Job:
    """One launch: started in a session of its own, so a hang is killed whole."""

    def __init__(self, args, env_extra, name):
        self.args, self.name = args, name
        self.token = uuid.uuid4().hex
        env = dict(os.environ, PYN_FAULT_TOKEN=self.token, **env_extra)
        if args.search_tmpdir:
            env["TMPDIR"] = args.search_tmpdir
        program = args.command
        if args.hosts == 2:
            env["MPIR_CVAR_NUM_CLIQUES"] = "2"
            program = [sys.executable, os.path.abspath(__file__), "host-wrap", "--stage-dir", args.stage_dir, "--"] + program
        cmd = ([args.launcher] + shlex.split(args.preflags) + [args.numproc_flag, str(args.ranks)] + program)
        print(f"{name}: running: {shlex.join(cmd)}", flush=True)
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)

    def wait(self):
        """Returns (hung, status, stdout, stderr, leftover pids)."""
        hung = False
        try:
            out, err = self.proc.communicate(timeout=self.args.bound)
        except subprocess.TimeoutExpired:
            hung = True
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate()
        print(f"{self.name}: launcher exited {self.proc.returncode} after {time.monotonic() - self.t0:.2f} s",
              flush=True)
        sys.stdout.write(out)
        sys.stderr.write(err)
        time.sleep(0.2)
        leftovers = processes_with_token(self.token)
        for pid, _ in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return hung, self.proc.returncode, out, err, leftovers

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass


def shim_env(args, action):
    env = {"LD_PRELOAD": os.path.abspath(args.shim) + (" " + os.environ["LD_PRELOAD"]
                                                       if os.environ.get("LD_PRELOAD") else ""),
           "PYN_FAULT_RANK": str(args.fault_rank), "PYN_FAULT_MODULE": args.fault_module,
           "PYN_FAULT_WHEN": args.when, "PYN_FAULT_ACTION": action,
           # An ASan-built program insists on its runtime coming first; the shim comes first here.
           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
    return env


def check_output(args, job, hung, status, out, err, leftovers, expect_zero=False):
    check(not hung, f"HANG: {job.name} was still running after {args.bound} s and was killed")
    if expect_zero:
        check(status == 0, f"{job.name}: the launcher exited {status}, expected 0")
    else:
        check(status != 0, f"{job.name}: the launcher exited 0")
    check(not leftovers, f"{job.name}: processes of the run left behind (killed now): {leftovers}")
    if args.expect_once:
        lines = [line for line in err.splitlines() if re.search(args.expect_once, line)]
        check(len(lines) == 1, f"{job.name}: {len(lines)} lines of stderr match {args.expect_once!r}, expected 1")
    for pattern in args.expect_output:
        check(re.search(pattern, out) or re.search(pattern, err), f"neither stdout nor stderr matches {pattern!r}")


def start_paused(args, name):
    """Starts a job whose fault rank pauses at the fault point, and returns it once the rank is there."""
    ready = os.path.join(args.workdir, "ready")
    if os.path.exists(ready):
        os.remove(ready)
    env = shim_env(args, "pause")
    env["PYN_FAULT_READY"] = ready
    job = Job(args, env, name)
    deadline = time.monotonic() + args.bound
    while not os.path.exists(ready) and job.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not os.path.exists(ready):
        job.kill()
        out, err = job.proc.communicate()
        sys.stdout.write(out)
        sys.stderr.write(err)
        fail(f"rank {args.fault_rank} never reached the fault point ({args.when} {args.fault_module})")
    return job


def run_signal(args):
    job = start_paused(args, "job")
    print(f"job: rank {args.fault_rank} paused at {args.when} {args.fault_module}: sending SIG{args.signal} to the "
          "launcher", flush=True)
    job.proc.send_signal(getattr(signal, "SIG" + args.signal))
    result = job.wait()

    def verdict():
        check_output(args, job, *result)
        left = leftovers(args)
        check(not left, f"the job's directories left: {left}")

    return checked(verdict)


def run_reap(args):
    for path in leftovers(args):  # an earlier run of this test
        subprocess.run(["rm", "-rf", path], check=True)
    first = Job(args, shim_env(args, "kill"), "killed job")
    hung, status, out, err, leftovers_ = first.wait()
    killed = leftovers(args)

    # A job still running elsewhere on the host: its leader holds the lock (one directory of each kind).
    live, fds = [], []
    for where, prefix in run_dirs(args):
        path = os.path.join(where, prefix + "otherhost.1.0123456789abcdef")
        os.makedirs(path, mode=0o700, exist_ok=True)
        with open(os.path.join(path, "libmodule0.so"), "w") as f:
            f.write("a file of a job still running")
        live.append(path)
    try:
        for path in live:
            fds.append(os.open(path, os.O_RDONLY | os.O_DIRECTORY))
            fcntl.flock(fds[-1], fcntl.LOCK_EX)
        second = Job(args, {}, "next job")
        result = second.wait()
    finally:
        for fd in fds:
            os.close(fd)

    def verdict():
        check(not hung and status != 0, f"the killed job: hung {hung}, launcher status {status}")
        check(killed, f"the killed job left no directory in {[w for w, _ in run_dirs(args)]}: the fault was not made")
        check_output(args, second, *result, expect_zero=True)
        left = leftovers(args)
        check(set(left) == set(live), f"after the next job, {left} are left; expected only the running job's {live} "
                                      f"(the killed job's {killed} removed)")
        for path in live:
            check(os.path.exists(os.path.join(path, "libmodule0.so")), f"the running job's {path} was emptied")

    rc = checked(verdict)
    for path in live:
        subprocess.run(["rm", "-rf", path], check=True)
    return rc


def signal_processes(token, sig):
    for pid, _ in processes_with_token(token):
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def run_concurrent(args):
    if not args.search_tmpdir:
        fail("concurrent needs --search-tmpdir")
    for path in leftovers(args):  # an earlier run of this test
        subprocess.run(["rm", "-rf", path], check=True)
    first = start_paused(args, "first job")
    # Inside the import phase: every rank made its directory before the barrier that starts it.
    signal_processes(first.token, signal.SIGSTOP)
    mine = leftovers(args)
    print(f"first job: stopped in the import phase, holding {mine}", flush=True)
    try:
        second = Job(args, {}, "second job")
        result = second.wait()
        during = leftovers(args)
    finally:
        signal_processes(first.token, signal.SIGCONT)
    first_result = first.wait()

    def verdict():
        check(len(mine) == args.ranks, f"the first job holds {len(mine)} search directories, expected one per rank "
                                       f"({args.ranks}): {mine}")
        check_output(args, second, *result, expect_zero=True)
        check(during == mine, f"after the second job, {during} are there; expected the first job's {mine}, untouched")
        check(not re.search(r"removed [0-9]+ search director", result[3]), "the second job reaped a running job's "
                                                                          "directories")
        check_output(args, first, *first_result, expect_zero=True)
        left = leftovers(args)
        check(not left, f"after both jobs, {left} are left")

    return checked(verdict)


def run_stuck(args):
    for name in staged(args.stage_dir):  # an earlier run of this test
        subprocess.run(["rm", "-rf", os.path.join(args.stage_dir, name)], check=True)
    job = Job(args, shim_env(args, "stop"), "job")
    result = job.wait()

    def verdict():
        check_output(args, job, *result)
        left = staged(args.stage_dir)
        check(not left, f"left under --stage-dir {args.stage_dir}: {left}")

    return checked(verdict)


def host_wrap(argv):
    """Runs as one rank (--hosts 2): an odd rank sees DIR/host1 as DIR, in a mount namespace of its own."""
    cut = argv.index("--")
    p = argparse.ArgumentParser(prog="job_fault.py host-wrap")
    p.add_argument("--stage-dir", required=True)
    a = p.parse_args(argv[:cut])
    command = argv[cut + 1:]
    rank = int(os.environ.get("PMI_RANK") or os.environ.get("PMIX_RANK") or "0")
    if rank % 2 == 1:
        other = os.path.join(a.stage_dir, "host1")
        os.makedirs(other, exist_ok=True)
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   'mount --bind "$1" "$2" && shift 2 && exec "$@"', "sh", other, a.stage_dir] + command
    os.execvp(command[0], command)


def main():
    if sys.argv[1:2] == ["host-wrap"]:
        host_wrap(sys.argv[2:])
    args = parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    if args.stage_dir:
        os.makedirs(args.stage_dir, exist_ok=True)
    if args.search_tmpdir:
        os.makedirs(args.search_tmpdir, exist_ok=True)
    if not os.access(args.shim, os.R_OK):
        fail(f"the fault-injection shim {args.shim} is missing")

    def end_job(signum, frame):  # CTest's timeout: take the job down with this script
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, end_job)
    return {"signal": run_signal, "reap": run_reap, "stuck": run_stuck, "concurrent": run_concurrent}[args.what](args)


if __name__ == "__main__":
    sys.exit(main())
