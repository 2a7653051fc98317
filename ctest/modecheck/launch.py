# SPDX-License-Identifier: BSD-3-Clause
"""Launching the program (alone, under the launcher, or MPMD with one rank given other arguments) with every
rank's exit status recorded, and what the test expects of how it ended: the statuses, stdout and stderr, files
it must not have written."""
import os
import re
import shlex
import subprocess
import sys
import time

from pynamictest import check

from .search import prepare_search_tmpdir, search_env
from .stage import prepare_stage_dir


class Outputs:
    """Where a run's outputs go: the reports (absolute paths, as the program is given them) and the directory
    every rank records its exit status in."""

    def __init__(self, workdir, stem="report"):
        self.workdir = workdir
        self.exit_dir = os.path.join(workdir, "exit-codes")
        self.report = os.path.abspath(os.path.join(workdir, stem + ".json"))
        self.csv = os.path.abspath(os.path.join(workdir, stem + ".csv"))


def prepare(args):
    """Before the run: the work directory with no exit status, report or output of an earlier run in it (nor the
    files the run must not write), the staging directory, the pages --warm-files asks for. Returns the
    Outputs."""
    out = Outputs(args.workdir, args.report_stem)
    os.makedirs(args.workdir, exist_ok=True)
    os.makedirs(out.exit_dir, exist_ok=True)
    for name in os.listdir(out.exit_dir):
        os.remove(os.path.join(out.exit_dir, name))
    extra = tuple(p for p in (args.fractal_image, args.trace) if p)
    for path in (out.report, out.csv) + extra + tuple(args.expect_absent):
        if os.path.exists(path):
            os.remove(path)
    prepare_stage_dir(args)
    prepare_search_tmpdir(args)
    if args.warm_files:
        for name in sorted(os.listdir(args.warm_files)):
            with open(os.path.join(args.warm_files, name), "rb") as f:
                while f.read(1 << 20):
                    pass
    return out


def launch(args, out):
    """Runs the program as asked, passing its stdout and stderr on; returns (the CompletedProcess, the launch
    time given to the program or None)."""
    ahead = 3600 if args.launch_time == "future" else 0
    launch_time = f"{time.time() + ahead:.9f}" if args.launch_time != "none" else None
    cmd = build_command(args, out.report, out.csv, launch_time)
    print("running:", shlex.join(cmd), flush=True)
    env = dict(os.environ, PYN_EXIT_DIR=out.exit_dir, **search_env(args))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    return proc, launch_time


def build_command(args, report, csv_path, launch_time):
    program = list(args.command)
    if args.stage_dir:
        program += ["--stage-dir", args.stage_dir]
    if args.fractal_image:
        program += ["--fractal-image", args.fractal_image]
    if args.trace:
        program += ["--trace", args.trace]
    if not args.no_report:
        program += ["--json", report, "--csv", csv_path]
    if launch_time is not None:
        if args.launch_time == "before":
            program = [program[0], launch_time] + program[1:]
        elif args.launch_time == "after":
            program = program + [launch_time]
        else:
            program = program + ["--launch-time", launch_time]
    # Every rank records its own exit status, so "fails on every rank" is checked, not assumed, and the
    # environment the launcher gave it, which the report's job block must match (modecheck/job.py).
    if args.interpreter:
        program = [args.interpreter] + program
    record = ('rank=${PMI_RANK:-${SLURM_PROCID:-0}}; env -0 > "$PYN_EXIT_DIR/env.$rank"; "$@"; rc=$?; '
              'echo $rc > "$PYN_EXIT_DIR/exit.$rank"; exit $rc')
    wrap = ["/bin/sh", "-c", record, "sh"]
    if not args.launcher:
        return wrap + program
    launch = [args.launcher] + shlex.split(args.preflags)
    if args.last_rank_args is None and not args.last_rank_env:
        return launch + [args.numproc_flag, str(args.ranks)] + wrap + program
    # MPMD: ranks 0..N-2 run the program as is, the last one with extra arguments or variables.
    env = ["env"] + args.last_rank_env if args.last_rank_env else []
    return (launch + [args.numproc_flag, str(args.ranks - 1)] + wrap + program + [":", args.numproc_flag, "1"]
            + env + wrap + program + shlex.split(args.last_rank_args or ""))


def check_exit_codes(args, exit_dir, returncode):
    codes = {}
    for name in os.listdir(exit_dir):
        if name.startswith("exit."):
            with open(os.path.join(exit_dir, name)) as f:
                codes[int(name[5:])] = int(f.read().strip())
    check(sorted(codes) == list(range(args.ranks)),
          f"exit status recorded for ranks {sorted(codes)}, expected all of 0..{args.ranks - 1}")
    bad = {r: c for r, c in codes.items() if c != args.expect_exit}
    check(not bad, f"ranks exited with {bad}, expected {args.expect_exit} on every rank")
    check((returncode == 0) == (args.expect_exit == 0),
          f"launcher exited {returncode}, expected {'0' if args.expect_exit == 0 else 'non-zero'}")


def check_streams(args, proc):
    """--expect-stderr/--expect-stdout, --forbid-stderr/--forbid-stdout, --expect-absent, --one-line-error."""
    for pattern in args.expect_stderr:
        check(re.search(pattern, proc.stderr), f"stderr does not match {pattern!r}")
    for pattern in args.expect_stdout:
        check(re.search(pattern, proc.stdout), f"stdout does not match {pattern!r}")
    for pattern in args.forbid_stderr:
        m = re.search(pattern, proc.stderr)
        check(not m, f"stderr matches {pattern!r}: {m.group(0) if m else ''!r}")
    for pattern in args.forbid_stdout:
        m = re.search(pattern, proc.stdout)
        check(not m, f"stdout matches {pattern!r}: {m.group(0) if m else ''!r}")
    for path in args.expect_absent:
        check(not os.path.exists(path), f"{path} exists after the run")
    if args.one_line_error:
        check(len(proc.stderr.splitlines()) == 1, f"stderr has {len(proc.stderr.splitlines())} lines, expected one")
