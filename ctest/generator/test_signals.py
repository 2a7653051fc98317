# SPDX-License-Identifier: BSD-3-Clause
"""An interrupted pynamic-gen leaves nothing behind (docs/reliability.md):

  interrupt   Ctrl-C (SIGINT to the process group) while two writers each hold a temporary file: every
              process dies of SIGINT, no temporary file is left, no process of the group is left;
  sigterm     SIGTERM to the parent only (a scheduler's time limit): it stops its writers, and the same holds;
  parent-kill SIGKILL to the parent only: the writers die with it (no one goes on writing), and what a
              SIGKILL cannot clean (a temporary file) the next run removes, saying so in one line;
  leftovers   temporary files of the generator's own names are removed by the next run, anything else
              (a user's file named like one, in the output directory) is kept.

The writers are held while their temporary file exists by rename_pause_shim.c (LD_PRELOAD).

usage: test_signals.py PYNAMIC_GEN RENAME_PAUSE_SHIM
"""

import os
import signal
import subprocess
import sys
import time

from genlib import Workdir, run_gen, summary_counts
from pynamictest import check, checked

ARGS = ["40", "50", "-e", "-u", "8", "50", "-n", "10", "-j", "2"]


def temporaries(out):
    found = []
    for d in (out, os.path.join(out, "src")):
        if os.path.isdir(d):
            found += [os.path.join(d, n) for n in os.listdir(d) if ".tmp-" in n]
    return sorted(found)


def children_of(pid):
    """The pids whose parent is pid (from /proc)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def alive(pid):
    """pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(cond, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not cond():
        check(time.monotonic() < deadline, f"after {seconds} s: {what}")
        time.sleep(0.05)


def start_held(gen, shim, out):
    """pynamic-gen in a session of its own, its two writers each held inside the rename of a temporary file.
    Returns (process, writer pids)."""
    env = dict(os.environ, LD_PRELOAD=shim, PYN_TEST_RENAME_PAUSE="60")
    proc = subprocess.Popen([gen, "-o", out] + ARGS, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    wait_until(lambda: len(temporaries(out)) >= 2, "two writers holding a temporary file each")
    writers = children_of(proc.pid)
    check(len(writers) == 2, f"pynamic-gen -j 2 runs {len(writers)} writers, expected 2")
    return proc, writers


def check_stopped(proc, writers, out, sig, what):
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        check(False, f"{what}: pynamic-gen still running 30 s after {sig.name}")
    check(proc.returncode == -sig, f"{what}: exit status {proc.returncode}, expected death by {sig.name}")
    wait_until(lambda: not any(alive(w) for w in writers), f"{what}: writers {writers} still alive", 10)
    check(temporaries(out) == [], f"{what}: temporary files left: {temporaries(out)}")


def interrupt(gen, shim, work):
    out = os.path.join(work, "interrupt")
    proc, writers = start_held(gen, shim, out)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
    check_stopped(proc, writers, out, signal.SIGINT, "Ctrl-C")


def sigterm(gen, shim, work):
    out = os.path.join(work, "sigterm")
    proc, writers = start_held(gen, shim, out)
    os.kill(proc.pid, signal.SIGTERM)  # the parent only
    check_stopped(proc, writers, out, signal.SIGTERM, "SIGTERM to the parent")


def parent_kill(gen, shim, work):
    out = os.path.join(work, "parent-kill")
    proc, writers = start_held(gen, shim, out)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    wait_until(lambda: not any(alive(w) for w in writers),
               f"SIGKILL to the parent: its writers {writers} still run", 10)
    # The writers removed their own; plant one as a SIGKILLed writer would have left it.
    planted = os.path.join(out, "src", "libmodule3.c.tmp-Ab12Z9")
    with open(planted, "w") as f:
        f.write("half a file")
    proc = run_gen(gen, ["-o", out] + ARGS)
    check(temporaries(out) == [], f"the next run left temporary files: {temporaries(out)}")
    check(f"removed 1 temporary file left by an interrupted run in {out}" in proc.stdout,
          f"the next run did not say it removed the leftover: {proc.stdout!r}")
    summary_counts(proc.stdout)


def leftovers(gen, shim, work):
    out = os.path.join(work, "leftovers")
    run_gen(gen, ["-o", out] + ARGS)
    theirs = ["src/libutility2.c.tmp-x1Y2z3", "src/libmodulebegin.c.tmp-000000", "targets.cmake.tmp-abcdef",
              "manifest.json.tmp-QWERTY"]
    mine = ["src/notes.txt.tmp-abcdef", "src/libmodule1.c.tmp-short", "mytargets.cmake.tmp-abcdef",
            "src/libmodule1.c.tmp-abcdefg", "notes.tmp-abcdef"]
    for name in theirs + mine:
        with open(os.path.join(out, name), "w") as f:
            f.write("x")
    proc = run_gen(gen, ["-o", out] + ARGS)
    check(f"removed {len(theirs)} temporary files left by an interrupted run in {out}" in proc.stdout,
          f"rerun: {proc.stdout!r}")
    for name in theirs:
        check(not os.path.exists(os.path.join(out, name)), f"{name} was left")
    for name in mine:
        check(os.path.exists(os.path.join(out, name)), f"{name}, not the generator's, was removed")
    check(summary_counts(proc.stdout) == (0, 44, 0), f"rerun rewrote files: {proc.stdout!r}")


def main():
    gen, shim = sys.argv[1], sys.argv[2]
    with Workdir() as work:
        for case in (interrupt, sigterm, parent_kill, leftovers):
            case(gen, shim, work)


if __name__ == "__main__":
    sys.exit(checked(main))
