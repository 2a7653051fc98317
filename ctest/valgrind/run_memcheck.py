#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The generator and the runtime under valgrind memcheck, one process each.

    run_memcheck.py --valgrind VALGRIND --suppressions FILE --workdir DIR
                    --generator PYNAMIC_GEN --config "ARGS" --mode EXE [--mode EXE ...]

Runs, each under memcheck (full leak check, definite leaks are errors,
--error-exitcode=99), and checks each one's exit status and memcheck's own
summary:
  - pynamic-gen writing the tree of ARGS with two processes (-j 2), then
    rewriting nothing, then rejecting a bad argument (exit 2);
  - every --mode as one process (no launcher): a passing run writing the
    JSON and CSV reports (exit 0, report says passed), then a run whose
    manifest is missing (exit 1), then a usage error (exit 2).
Only ctest/valgrind/system.supp is suppressed: what MPI_Init does inside
MPICH's own libraries, and a false positive inside ld.so.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import CheckFailed, fail, finish, load_report  # noqa: E402

ERROR_EXIT = 99


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--valgrind", required=True)
    p.add_argument("--suppressions", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--generator", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--mode", action="append", required=True)
    args = p.parse_args()
    if not args.valgrind or not os.access(args.valgrind, os.X_OK):
        fail(f"valgrind not found ({args.valgrind!r}): install it (bench/install-deps.sh --tests) and reconfigure")
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    gen_out = os.path.join(work, "generated")
    report, csv = os.path.join(work, "r.json"), os.path.join(work, "r.csv")
    runs = [
        ("generator writes the tree", [args.generator, "-o", gen_out, "-j", "2"] + shlex.split(args.config), 0),
        ("generator rewrites nothing", [args.generator, "-o", gen_out] + shlex.split(args.config), 0),
        ("generator rejects -d 0", [args.generator, "-o", gen_out, "12", "40", "-d", "0"], 2),
    ]
    for mode in args.mode:
        name = os.path.basename(mode)
        runs += [
            (f"{name} passes", [mode, "--json", report, "--csv", csv], 0),
            (f"{name} without its manifest", [mode, "--manifest", os.path.join(work, "missing.json")], 1),
            (f"{name} with an unknown option", [mode, "--bogus"], 2),
        ]
    failures = []
    for i, (what, cmd, expect) in enumerate(runs):
        log = os.path.join(work, f"memcheck.{i}.log")
        vg = [args.valgrind, "--tool=memcheck", f"--error-exitcode={ERROR_EXIT}", "--leak-check=full",
              "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite", "--track-origins=yes",
              f"--suppressions={args.suppressions}", "--child-silent-after-fork=no", f"--log-file={log}",
              # glibc's exit-time cleanup of its own state frees blocks ld.so
              # allocated before valgrind's malloc replacement (the modes load
              # an rtld auditor that early), which memcheck calls invalid
              # frees. It frees nothing of ours; leaks are still checked.
              "--run-libc-freeres=no",
              # Deep enough that a leak inside MPI_Init's hwloc plugin loading
              # shows hwloc_topology_load and PMPI_Init, which the suppression
              # names (with Open MPI's hwloc plugins installed the leak sits 20
              # frames below them, past valgrind's default of 12).
              "--num-callers=40"]
        for path in (report, csv):
            if os.path.exists(path):
                os.remove(path)
        t0 = time.monotonic()
        proc = subprocess.run(vg + cmd, capture_output=True, text=True)
        took = time.monotonic() - t0
        with open(log) as f:
            text = f.read()
        summaries = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
        print(f"--- {what}: exit {proc.returncode} (expected {expect}) after {took:.1f} s; "
              f"memcheck error summaries {summaries}")
        problems = []
        if proc.returncode != expect:
            problems.append(f"exit status {proc.returncode}, expected {expect}"
                            + (" (memcheck found errors)" if proc.returncode == ERROR_EXIT else ""))
        if not summaries or any(n != "0" for n in summaries):
            problems.append(f"memcheck error summaries {summaries}, expected all 0")
        if expect == 0 and os.path.basename(cmd[0]).startswith("pynamic-mode"):
            try:
                if load_report(report)["result"]["passed"] is not True:
                    problems.append("the report does not say passed")
            except (OSError, ValueError, KeyError, CheckFailed) as e:
                problems.append(f"no valid report: {e}")
        if problems:
            print(text)
            print(proc.stderr)
            failures += [f"{what}: {p}" for p in problems]
    return finish(failures, passed=f"all checks passed: {len(runs)} runs clean under memcheck")


if __name__ == "__main__":
    sys.exit(main())
