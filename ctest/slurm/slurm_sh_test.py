#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench/slurm.sh as a user runs it (docs/launchers.md, "A local Slurm for you"), on a cluster in a directory of
the test's own (--dir), so no test touches a user's cluster.

  slurm_sh_test.py start   --script S --dir D      start (a cluster an interrupted run left in D is stopped
                                                   first); prints the env.sh line; env.sh sets SLURM_CONF and
                                                   SLURM_OVERCOMMIT=1
  slurm_sh_test.py status  --script S --dir D      exit 0, every daemon running, the env.sh line, the
                                                   watchdog's lifetime the 20 min start asked for
  slurm_sh_test.py start-again --script S --dir D  refused (exit 1, "already running"), the cluster untouched
  slurm_sh_test.py docs-run --dir D --docs MD --line L --build-dir B --manifest M --workdir W
        L is a line of MD; run as written (after `. D/env.sh`) in W, where build/ci links to B: exit 0 within
        120 s, the original's lines on stdout, a report.json that passes run_mode.py's checks for 4 ranks
  slurm_sh_test.py docs-refused --dir D --docs MD --line L --build-dir B --workdir W --expect-stderr RE
        the same, but the job cannot be placed: non-zero within 10 s, stderr matching RE, no job left pending (and
        none in the queue 10 s later)
  slurm_sh_test.py stop    --script S --dir D      stop exits 0; no process left whose command line names D
                                                   or the cluster's munge directory; status then exits 3 and says
                                                   not running; env.sh removed
  slurm_sh_test.py not-root --script S --dir D     start and stop as user nobody: exit 1, "needs root"
  slurm_sh_test.py unsafe-dir --script S --dir D    start refuses, writing nothing, a DIR (made under D) that
                                                   is another user's, that others may write, or a link
  slurm_sh_test.py no-daemons --script S --dir D   start where no Slurm or munge program is found (each one
                                                   hidden under /dev/null in a mount namespace of its own):
                                                   exit 1, one line naming all eight, D not created
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from modecheck.compat import check_compat_lines  # noqa: E402
from modecheck.options import parse_args as mode_args  # noqa: E402
from modecheck.report import check_report  # noqa: E402
from pynamictest import CheckFailed, check, checked, load_report, output_tail, run  # noqa: E402

REFUSAL_BOUND_S = 10
OUTER_VARS = ("SLURM_JOB_ID", "SLURM_JOBID", "SLURM_STEP_ID", "SLURM_STEPID", "SLURM_JOB_NODELIST",
              "SLURM_NODELIST", "SLURM_NTASKS", "SLURM_NPROCS", "SLURM_NNODES", "SLURM_JOB_NUM_NODES")


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["start", "status", "start-again", "docs-run", "docs-refused", "stop",
                                      "not-root", "no-daemons", "unsafe-dir"])
    p.add_argument("--script", help="bench/slurm.sh")
    p.add_argument("--dir", required=True, help="the cluster's directory (slurm.sh --dir)")
    p.add_argument("--docs", help="docs/launchers.md")
    p.add_argument("--line", help="the command line, as the docs write it")
    p.add_argument("--build-dir", help="the build tree build/ci stands for in the line")
    p.add_argument("--manifest")
    p.add_argument("--workdir")
    p.add_argument("--expect-stderr")
    return p.parse_args()


def slurm_sh(args, *argv, timeout=120):
    return run([args.script, *argv, "--dir", args.dir], timeout=timeout, echo=True)


def pids(args):
    with open(os.path.join(args.dir, "cluster.json")) as f:
        return json.load(f)


def env_line(args):
    return f". {os.path.join(args.dir, 'env.sh')}"


def start(args):
    slurm_sh(args, "stop")  # a cluster an interrupted run left here (none: "nothing to stop")
    proc = slurm_sh(args, "start", "--lifetime", "20m", timeout=150)
    print(proc.stdout + proc.stderr)
    check(proc.returncode == 0, f"slurm.sh start exited {proc.returncode}")
    check(env_line(args) in proc.stdout, f"start does not print {env_line(args)!r}")
    shown = run(["/bin/sh", "-c", f'{env_line(args)} && echo "$SLURM_CONF $SLURM_OVERCOMMIT"'])
    expected = f"{os.path.join(args.dir, 'slurm.conf')} 1"
    check(shown.stdout.strip() == expected, f"env.sh sets SLURM_CONF SLURM_OVERCOMMIT to {shown.stdout.strip()!r}, "
                                            f"expected {expected!r}")


def status(args):
    proc = slurm_sh(args, "status")
    print(proc.stdout + proc.stderr)
    check(proc.returncode == 0, f"slurm.sh status exited {proc.returncode} on a running cluster, expected 0")
    for name in ("munged", "slurmctld", "slurmd", "watchdog"):
        check(re.search(rf"^{name}: pid \d+ running$", proc.stdout, re.M), f"status does not show {name} running")
    check(env_line(args) in proc.stdout, f"status does not print {env_line(args)!r}")
    # start's --lifetime 20m reached the watchdog.
    state = pids(args)
    with open(f"/proc/{state['pids']['watchdog']}/cmdline", "rb") as f:
        watchdog = f.read().split(b"\0")
    check(state.get("lifetime") == 1200 and b"--lifetime" in watchdog
          and float(watchdog[watchdog.index(b"--lifetime") + 1]) == 1200,
          f"the watchdog's lifetime: recorded {state.get('lifetime')}, command line {watchdog}, expected 1200 s")
    check(re.search(r"the watchdog stops it in (1[0-9]|20) min", proc.stdout),
          "status does not say the watchdog stops the cluster within 20 min")


def start_again(args):
    before = pids(args)
    proc = slurm_sh(args, "start")
    print(proc.stdout + proc.stderr)
    check(proc.returncode == 1, f"a second start exited {proc.returncode}, expected 1")
    check("already running" in proc.stderr, "a second start does not say a cluster is already running")
    check(pids(args) == before, f"a refused start changed the cluster's record: {before} -> {pids(args)}")
    status(args)


def docs_line(args):
    """The line as the docs write it (a line of its own, or after a "$ " prompt), run in the work directory where
    build/ci is the build tree, with the cluster's env.sh sourced (and no outer allocation)."""
    with open(args.docs) as f:
        lines = [l.strip() for l in f]
    check(args.line in lines or "$ " + args.line in lines, f"{args.docs} has no line {args.line!r}")
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(os.path.join(args.workdir, "build"))
    os.symlink(os.path.abspath(args.build_dir), os.path.join(args.workdir, "build", "ci"))
    env = {k: v for k, v in os.environ.items() if k not in OUTER_VARS and k not in ("SLURM_CONF", "SLURM_OVERCOMMIT")}
    cmd = ["/bin/sh", "-c", f"{env_line(args)} && {args.line}"]
    print("running:", shlex.join(cmd), f"(in {args.workdir})", flush=True)
    return cmd, env


def docs_run(args):
    cmd, env = docs_line(args)
    proc = subprocess.run(cmd, cwd=args.workdir, env=env, capture_output=True, text=True, timeout=120)
    print(proc.stdout + proc.stderr)
    check(proc.returncode == 0, f"the docs' line exited {proc.returncode}")
    program = os.path.join(args.workdir, "build", "ci", "pynamic-mode-dlopen")
    expected = mode_args(None, ["--manifest", args.manifest, "--workdir", args.workdir, "--mode", "dlopen",
                                "--ranks", "4", "--launch-time", "before", "--", program])
    with open(args.manifest) as f:
        manifest = json.load(f)
    report = load_report(os.path.join(args.workdir, "report.json"))
    check_report(report, manifest, expected, "given by the line", "report.json")
    check_compat_lines(proc.stdout, 4, report)


def docs_refused(args):
    cmd, env = docs_line(args)
    begun = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=args.workdir, env=env, capture_output=True, text=True,
                              timeout=REFUSAL_BOUND_S, start_new_session=True)
    except subprocess.TimeoutExpired as e:
        pending = run(["/bin/sh", "-c", f"{env_line(args)} && squeue -h -o '%i %T %r'"]).stdout.strip()
        run(["/bin/sh", "-c", f"{env_line(args)} && scancel --user root"])
        raise CheckFailed(f"the docs' line still waits after {REFUSAL_BOUND_S} s (queue: {pending!r})") from e
    took = time.monotonic() - begun
    print(proc.stdout + proc.stderr + f"(exit {proc.returncode} after {took:.2f} s)")
    check(proc.returncode != 0, "a job that cannot be placed exited 0")
    check(re.search(args.expect_stderr, proc.stderr), f"stderr does not match {args.expect_stderr!r}:\n"
                                                      f"{output_tail(proc)}")
    # A job refused at its step ends (COMPLETING, then gone); none may be left pending.
    deadline = time.monotonic() + REFUSAL_BOUND_S
    while True:
        queue = run(["/bin/sh", "-c", f"{env_line(args)} && squeue -h -o '%i %T %r'"])
        check(queue.returncode == 0, f"squeue exited {queue.returncode}: {output_tail(queue)}")
        check("PENDING" not in queue.stdout, f"a job is left pending: {queue.stdout.strip()!r}")
        if not queue.stdout.strip():
            break
        check(time.monotonic() < deadline, f"jobs still in the queue after {REFUSAL_BOUND_S} s: "
                                           f"{queue.stdout.strip()!r}")
        time.sleep(0.25)


def processes_naming(*needles):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                line = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in line for n in needles) and "slurm_sh_test.py" not in line:
            found.append(f"{pid}: {line}")
    return found


def stop(args):
    state = pids(args)
    proc = slurm_sh(args, "stop")
    print(proc.stdout + proc.stderr)
    check(proc.returncode == 0, f"slurm.sh stop exited {proc.returncode}")
    left = processes_naming(args.dir + "/", f"--dir {args.dir} ", state["munge_dir"])
    check(not left, f"processes left after stop: {left}")
    for name, pid in state["pids"].items():
        check(not os.path.exists(f"/proc/{pid}") or pid_is_other(pid, state), f"{name} (pid {pid}) still exists")
    check(not os.path.exists(state["munge_dir"]), f"{state['munge_dir']} left after stop")
    check(not os.path.exists(os.path.join(args.dir, "env.sh")), "env.sh left after stop")
    after = slurm_sh(args, "status")
    print(after.stdout + after.stderr)
    check(after.returncode == 3, f"status after stop exited {after.returncode}, expected 3")
    check("not running" in after.stdout, "status after stop does not say 'not running'")


def pid_is_other(pid, state):
    """The PID was reused by a process that is not the cluster's (its command line names neither)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            line = f.read().decode(errors="replace")
    except OSError:
        return True
    return state["dir"] not in line and state["munge_dir"] not in line


def not_root(args):
    # A copy everyone may read: the checkout may sit in a directory only its owner can enter.
    with tempfile.TemporaryDirectory(prefix="pynamic-slurm-sh.") as tmp:
        os.chmod(tmp, 0o755)
        here = os.path.dirname(os.path.abspath(__file__))
        os.makedirs(os.path.join(tmp, "bench"))
        os.makedirs(os.path.join(tmp, "ctest", "slurm"))
        script = shutil.copy(args.script, os.path.join(tmp, "bench"))
        shutil.copy(os.path.join(here, "local_slurm.py"), os.path.join(tmp, "ctest", "slurm"))
        setpriv = shutil.which("setpriv")
        check(setpriv, "setpriv (util-linux) not found")
        for action in ("start", "stop"):
            proc = run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", script, action, "--dir",
                        args.dir], echo=True)
            print(proc.stdout + proc.stderr)
            check(proc.returncode == 1, f"{action} as nobody exited {proc.returncode}, expected 1")
            check(re.fullmatch(rf"bench/slurm\.sh: {action} needs root .*: sudo .*\n", proc.stderr),
                  f"{action} as nobody: stderr is not the one 'needs root' line: {proc.stderr!r}")
    check(not os.path.exists(args.dir), f"{args.dir} was created by a refused start")


PROGRAMS = ("munged", "slurmctld", "slurmd", "srun", "sinfo", "scontrol", "squeue", "scancel")


def no_daemons(args):
    found = set()
    for d in (os.environ.get("PATH", "") + ":/usr/sbin:/sbin").split(":"):
        for prog in PROGRAMS:
            if d and os.path.isfile(os.path.join(d, prog)):
                found.add(os.path.realpath(os.path.join(d, prog)))
    hide = "".join(f"mount --bind /dev/null {shlex.quote(p)} && " for p in sorted(found))
    unshare = shutil.which("unshare")
    check(unshare, "unshare (util-linux) not found")
    proc = run([unshare, "--mount", "--propagation", "private", "/bin/sh", "-c",
                f"{hide}exec {shlex.quote(args.script)} start --dir {shlex.quote(args.dir)}"], echo=True)
    print(proc.stdout + proc.stderr)
    check(proc.returncode == 1, f"start without the programs exited {proc.returncode}, expected 1")
    check(re.fullmatch(rf"bench/slurm\.sh: not installed: {' '.join(PROGRAMS)} \(Debian: sudo "
                       rf"bench/install-deps\.sh --tests.*\)\n", proc.stderr),
          f"stderr is not the one line naming the eight programs: {proc.stderr!r}")
    check(not os.path.exists(args.dir), f"{args.dir} was created by a refused start")


def unsafe_dir(args):
    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir)
    others = os.path.join(args.dir, "others")
    os.mkdir(others)
    os.chown(others, 65534, 65534)
    writable = os.path.join(args.dir, "writable")
    os.mkdir(writable)
    os.chmod(writable, 0o777)
    link = os.path.join(args.dir, "link")
    os.symlink(writable, link)
    for target, why in ((others, r"belongs to uid 65534, not root"), (writable, r"is writable by group or others"),
                        (link, r"is not a directory \(or is a symbolic link\)")):
        proc = run([args.script, "start", "--dir", target], echo=True)
        print(proc.stdout + proc.stderr)
        check(proc.returncode == 1, f"start --dir {target} exited {proc.returncode}, expected 1")
        check(re.fullmatch(rf"bench/slurm\.sh: {re.escape(target)} {why}.*\n", proc.stderr),
              f"start --dir {target}: stderr is not the one line saying it {why!r}: {proc.stderr!r}")
        check(not os.listdir(target), f"a refused start wrote in {target}: {os.listdir(target)}")
    shutil.rmtree(args.dir)


def main():
    args = parse()
    body = {"start": start, "status": status, "start-again": start_again, "docs-run": docs_run,
            "docs-refused": docs_refused, "stop": stop, "not-root": not_root, "no-daemons": no_daemons,
            "unsafe-dir": unsafe_dir}[args.action]
    return checked(body, args)


if __name__ == "__main__":
    sys.exit(main())
