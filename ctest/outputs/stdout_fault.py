#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A run whose standard output cannot be written: a full disk (/dev/full) or a closed pipe (a reader that went
away, as `| head` does). Its result lines are lost, so the run must fail: exit status 1 on every rank (never 0,
never death by SIGPIPE), exactly one line on stderr saying so, and a JSON report that says "passed": false
with the reason in report_error.

    stdout_fault.py --how full|closed-pipe --workdir DIR --expect-stderr REGEX
                    [--launcher L --numproc-flag F --preflags P --ranks N] -- PROGRAM ARGS...

Under a launcher (MPMD), only rank 0 gets the broken standard output; the others write to the launcher as
usual, and must still exit 1. Each rank runs under this script's --wrap, which gives it that standard output
and records its exit status (a negative number: the signal that ended it).

Standard library only: run with the interpreter CMake found.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pynamictest import check, checked, load_report  # noqa: E402


def wrap(how, exit_dir, command):
    """One rank: runs command with the standard output asked for, records its exit status, exits with it."""
    rank = os.environ.get("PMI_RANK") or os.environ.get("SLURM_PROCID") or "0"
    if how == "full":
        out = os.open("/dev/full", os.O_WRONLY)
    elif how == "closed-pipe":
        reader, out = os.pipe()
        os.close(reader)
    else:
        out = None
    proc = subprocess.run(command, stdout=out, close_fds=False)  # the launcher's PMI descriptor stays open
    with open(os.path.join(exit_dir, f"exit.{rank}"), "w") as f:
        f.write(f"{proc.returncode}\n")
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--how", choices=["full", "closed-pipe", "none"], required=True)
    p.add_argument("--wrap", metavar="EXIT_DIR", help=argparse.SUPPRESS)
    p.add_argument("--workdir")
    p.add_argument("--expect-stderr")
    p.add_argument("--launcher")
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="")
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        p.error("give the program after --")
    return args


def test(args):
    exit_dir = os.path.join(args.workdir, "exit-codes")
    os.makedirs(exit_dir, exist_ok=True)
    for name in os.listdir(exit_dir):
        os.remove(os.path.join(exit_dir, name))
    report = os.path.join(args.workdir, "report.json")
    if os.path.exists(report):
        os.remove(report)
    program = list(args.command) + ["--json", report]
    me = [sys.executable, os.path.abspath(__file__)]

    def ranks(how):
        return me + ["--how", how, "--wrap", exit_dir, "--"] + program

    if args.launcher:
        pre = shlex.split(args.preflags)
        cmd = [args.launcher] + pre + [args.numproc_flag, "1"] + ranks(args.how)
        if args.ranks > 1:
            cmd += [":", args.numproc_flag, str(args.ranks - 1)] + ranks("none")
    else:
        cmd = ranks(args.how)
    print("running:", shlex.join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=90)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)

    statuses = {}
    for name in os.listdir(exit_dir):
        with open(os.path.join(exit_dir, name)) as f:
            statuses[int(name.split(".")[1])] = int(f.read())
    check(sorted(statuses) == list(range(args.ranks)), f"exit statuses recorded for ranks {sorted(statuses)}, "
          f"expected 0..{args.ranks - 1}")
    check(all(s == 1 for s in statuses.values()), f"exit statuses {statuses}, expected 1 on every rank (a negative "
          f"one is the signal that ended the rank)")
    lines = proc.stderr.splitlines()
    check(len(lines) == 1, f"stderr holds {len(lines)} lines, expected exactly one: {proc.stderr!r}")
    check(re.search(args.expect_stderr, lines[0]), f"stderr {lines[0]!r} does not match {args.expect_stderr!r}")
    check(os.path.exists(report), f"no report at {report}: the JSON must be written, saying the run failed")
    result = load_report(report)["result"]
    check(result["passed"] is False, f"{report}: passed is {result['passed']!r}, expected false")
    check(result["report_error"] and "standard output" in result["report_error"],
          f"{report}: report_error {result['report_error']!r} does not name standard output")


def main():
    args = parse()
    if args.wrap:
        return wrap(args.how, args.wrap, args.command)
    return checked(test, args)


if __name__ == "__main__":
    sys.exit(main())
