#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs one pynamic mode (alone or under an MPI launcher) and checks what it
produced against what the generator's manifest predicts.

A passing run must print the original Pynamic's result lines, and write a
JSON and a CSV report whose every rank imported and visited every module of
the manifest with the expected checksum. A run expected to fail must exit
with the given status on every rank, within the test's timeout, say why on
stderr, and leave either no report or one that says it failed.

After the visit every run does the original's MPI capability test (a
fractal computed across the ranks, docs/report.md): its three lines, the
report's per-rank rows and compute times and its summary are checked on
every passing run; --fractal-image FILE also has the image written and
compares it, byte for byte, with a recomputation here in Python floats.

With --stage (docs/staging.md) in the program's arguments, the report must
show that strategy and what it implies: the loader's counts of the shared
tree (none for bcast, which loads node-local copies; no failed probe for
cache and pilot), the per-rank and top-level stage objects, and stage_s in
the totals. --stage-dir DIR gives the program a staging directory of the
test's own and checks that no pynamic-stage.* is left in it, pass or fail.
--search-tmpdir DIR does the same for the Python modes' per-run search
directories under DIR/pynamic-UID (the run's TMPDIR).

The checks live in ctest/modecheck/, one module per concern: options (this
command line), launch (the launch and how it must end), compat (the
original's lines), report (the JSON against the manifest, the CSV against
the JSON), job (the scheduler, launcher and hosts against the ranks'
environment and rows), loader, metrics, fractal, stage and search.

Standard library only: run with the interpreter CMake found.
"""
import json
import os
import sys

from modecheck.compat import check_compat_lines, check_fractal_failure
from modecheck.fractal import check_fractal_image
from modecheck.job import check_job
from modecheck.launch import check_exit_codes, check_streams, launch, prepare
from modecheck.options import parse_args
from modecheck.report import check_csv, check_report
from modecheck.search import check_search_tmpdir_after
from modecheck.stage import check_stage_dir_after
from modecheck.trace import check_trace
from pynamictest import check, checked, load_report


def check_run(args, out, proc, launch_time, manifest):
    check_exit_codes(args, out.exit_dir, proc.returncode)
    check_streams(args, proc)
    report = None
    if args.expect_exit == 0 and not args.no_report:
        report = load_report(out.report)
        check_report(report, manifest, args, launch_time, out.report)
        check_csv(out.csv, report)
        check_job(report, args, out.exit_dir)
        check_compat_lines(proc.stdout, args.ranks, report)
        if args.fractal_image:
            check_fractal_image(args.fractal_image, args.ranks)
        if args.trace:
            check_trace(args.trace, report, manifest)
    elif not args.no_report and os.path.exists(out.report):
        report = load_report(out.report)
        check(report["result"]["passed"] is False, "a failed run wrote a report that says it passed")
    if args.expect_fractal_failure:
        check_fractal_failure(proc.stdout, out.report, args)
    leftovers = [n for n in os.listdir(args.workdir) if ".tmp." in n]
    check(not leftovers, f"temporary files left behind: {leftovers}")
    check_stage_dir_after(args)
    check_search_tmpdir_after(args, report)


def main():
    args = parse_args(__doc__)
    out = prepare(args)
    proc, launch_time = launch(args, out)
    with open(args.manifest) as f:
        manifest = json.load(f)
    return checked(check_run, args, out, proc, launch_time, manifest)


if __name__ == "__main__":
    sys.exit(main())
