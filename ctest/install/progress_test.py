#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Progress lines: on rank 0's terminal only, cleared at the end of each
phase, never on stdout or in the reports.

  progress_test.py --exe MODE --workdir W --modules N [--launcher L --numproc-flag F --preflags P --ranks R]

1. stderr a terminal (a pty), --progress-interval 0: one line per module and
   phase ("import k/N modules", "visit k/N modules"), redrawn in place, and
   erased (\\r ESC[K) before the phase's result line; stdout and the JSON
   report hold no progress.
2. stderr a terminal, default interval: a phase that ends within 0.5 s shows
   nothing at all.
3. stderr a pipe (auto): nothing. --progress never on a terminal: nothing.
4. With a launcher and --progress always (stderr a pipe through the
   launcher): exactly N import and N visit lines, so only rank 0 printed.
5. Bad values: exit 2 with one line.
"""
import argparse
import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import CheckFailed, check, checked, load_report  # noqa: E402


def run_with_pty_stderr(cmd, timeout=60):
    """Runs cmd with stderr on a pseudo-terminal; returns (status, stdout, stderr bytes as text)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            # Drain what is left, then stop.
            while select.select([master], [], [], 0)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    break
                chunks.append(data)
            break
    else:
        proc.kill()
        raise CheckFailed(f"{cmd} did not finish within {timeout} s")
    os.close(master)
    out = proc.stdout.read().decode()
    proc.wait(timeout=10)
    return proc.returncode, out, b"".join(chunks).decode(errors="replace")


def no_progress_in(text, what):
    check(not re.search(r"(import|visit) \d+/\d+ modules", text), f"progress text in {what}: {text!r}")


def check_progress(a):
    n = a.modules
    report = os.path.join(a.workdir, "report.json")
    # 1. A terminal, every module.
    status, out, err = run_with_pty_stderr([a.exe, "--progress-interval", "0", "--json", report])
    check(status == 0, f"exit {status}: {err}")
    for phase in ("import", "visit"):
        counts = [int(k) for k in re.findall(rf"\r[^\r\n]*: {phase} (\d+)/{n} modules, [0-9.]+ s\x1b\[K", err)]
        check(counts == list(range(1, n + 1)), f"{phase} progress counts {counts}, expected 1..{n}: {err!r}")
    # Each phase's lines are erased before the next thing: the terminal is left clean.
    check(err.endswith("\r\x1b[K") or err.replace("\r\n", "\n").rstrip("\n").endswith("\r\x1b[K"),
          f"the last progress line was not erased: {err[-80:]!r}")
    check(err.count("\r\x1b[K") == 2 and "\n" not in err.replace("\r\n", ""),
          f"expected one erase per phase and no other stderr: {err!r}")
    no_progress_in(out, "stdout")
    r = load_report(report)
    no_progress_in(json.dumps(r), "the JSON report")
    check(r["options"]["progress"] == "auto" and r["options"]["progress_interval"] == "0",
          f"options {r['options']}")

    # 2. A terminal, default interval: these phases take milliseconds, so nothing shows.
    status, out, err = run_with_pty_stderr([a.exe])
    check(status == 0 and err == "", f"default interval on a fast run printed {err!r} (exit {status})")

    # 3. A pipe (auto), and a terminal with --progress never.
    r3 = subprocess.run([a.exe, "--progress-interval", "0"], capture_output=True, text=True, timeout=60)
    check(r3.returncode == 0 and r3.stderr == "", f"progress on a pipe: {r3.stderr!r}")
    status, out, err = run_with_pty_stderr([a.exe, "--progress", "never", "--progress-interval", "0"])
    check(status == 0 and err == "", f"--progress never printed {err!r}")

    # 4. Through the launcher, always: rank 0 only, one line per module and phase.
    if a.launcher:
        cmd = [a.launcher] + shlex.split(a.preflags) + [a.numproc_flag, str(a.ranks), a.exe, "--progress", "always", "--progress-interval", "0"]
        r4 = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        check(r4.returncode == 0, f"{cmd}: exit {r4.returncode}: {r4.stderr}")
        for phase in ("import", "visit"):
            lines = re.findall(rf"^[^\n]*: {phase} \d+/{n} modules, [0-9.]+ s$", r4.stderr, re.M)
            check(len(lines) == n, f"{len(lines)} {phase} lines from {a.ranks} ranks, expected {n} (rank 0 only)")
        no_progress_in(r4.stdout, "stdout")

    # 5. Bad values.
    for args, pattern in ((["--progress", "sometimes"], r"--progress: 'sometimes' is not one of auto, always, never"),
                          (["--progress-interval", "-1"], r"--progress-interval: '-1' is not a number of seconds"),
                          (["--progress-interval", "fast"], r"--progress-interval: 'fast' is not a number")):
        r5 = subprocess.run([a.exe] + args, capture_output=True, text=True, timeout=60)
        check(r5.returncode == 2 and len(r5.stderr.splitlines()) == 1 and re.search(pattern, r5.stderr),
              f"{args}: exit {r5.returncode}, stderr {r5.stderr!r}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exe", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--modules", type=int, required=True)
    p.add_argument("--launcher")
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="", help="launcher flags before the program (one string)")
    p.add_argument("--ranks", type=int, default=2)
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    return checked(check_progress, a, errors=(OSError, ValueError),
                   passed="progress: rank 0's terminal only, erased after each phase, never in stdout or the report")


if __name__ == "__main__":
    sys.exit(main())
