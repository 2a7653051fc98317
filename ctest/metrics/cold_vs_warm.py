#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The cold-cache test: on one private copy of the generated libraries, a warm run (every page read just
before it) and then a --cold run of the same mode, each checked by run_mode.py (the warm report must say
warm with every page resident at import start (it counts with --cache-count), the cold one cold with none), then compared: the cold
import must take more major page faults (summed over the ranks) than the warm one.

  cold_vs_warm.py --run-mode run_mode.py --workdir W --lib-source LIBDIR [run_mode.py options] -- PROGRAM [ARGS]

The copy keeps other tests, which map the build's own libraries, from holding pages in the cache.
Standard library only.
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail, load_report  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run-mode", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--lib-source", required=True, help="the generated library directory to copy")
    args, rest = p.parse_known_args()
    if "--" not in rest:
        p.error("no program given after --")
    split = rest.index("--")
    options, program = rest[:split], rest[split + 1:]
    libs = os.path.join(args.workdir, "lib")
    shutil.rmtree(libs, ignore_errors=True)
    os.makedirs(libs)
    for name in sorted(os.listdir(args.lib_source)):
        if name.endswith(".so"):
            shutil.copy2(os.path.join(args.lib_source, name), libs)

    reports = {}
    for run, extra_check, extra_args in (("warm", ["--expect-cache", "warm-full", "--warm-files", libs],
                                          ["--cache-count"]),
                                         ("cold", ["--expect-cache", "cold"], ["--cold"])):
        workdir = os.path.join(args.workdir, run)
        cmd = ([sys.executable, args.run_mode, "--workdir", workdir] + options + extra_check + ["--"] + program
               + ["--lib-dir", libs] + extra_args)
        print(f"--- {run} run", flush=True)
        if subprocess.run(cmd).returncode != 0:
            fail(f"the {run} run failed its checks (above)")
        reports[run] = load_report(os.path.join(workdir, "report.json"))

    def figures(report):
        ranks = report["ranks"]
        majflt = sum(r["rusage"]["import"]["majflt"] for r in ranks)
        return majflt, report["summary"]["import_s"]["median"], max(r["cache"]["resident_pages"] for r in ranks if r["cache"]["counted"]), \
            ranks[0]["cache"]["total_pages"]  # rank 0 is its host's first: it counted

    for run in ("warm", "cold"):
        majflt, median, resident, total = figures(reports[run])
        print(f"{run}: import majflt (sum over ranks) {majflt}, import median {median:.6f} s, "
              f"resident at import start {resident} of {total} pages")
    warm, cold = figures(reports["warm"]), figures(reports["cold"])
    if not cold[0] > warm[0]:
        fail(f"the cold import took {cold[0]} major faults, the warm one {warm[0]}: expected more cold")
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
