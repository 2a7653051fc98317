#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What --timeout's watchdog costs: the same job with and without it.

    bench/watchdog_cost.py BUILD_DIR [--mode dlopen] [--ranks 4] [--runs 15] [--launcher mpiexec.mpich]
                           [-- MODE_ARGS...]

Runs `LAUNCHER -n RANKS BUILD_DIR/pynamic-mode-MODE` alternately without and with `--timeout 600`, RUNS
times each, and prints for import and visit the median over runs of the per-rank phase time (the median
over ranks, summary.<phase>_s.median, and the slowest rank, .max) and of rank 0's span (the phase from its
starting barrier to the end of its closing agreement, spans.<phase>_s), where the watchdog's waits are:
the barrier that starts a phase and the agreement that ends it. Also the MPI capability test (per-rank
compute, summary.fractal_s, outside every collective; rank 0's span, spans.fractal_s, which holds the
watched gather and barrier) and, when MODE_ARGS stage (--stage bcast), staging's time on the slowest rank
(summary.stage_s.max, every wait in it watched). Alternating in one session is what makes the ratio
meaningful on a shared, noisy machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(cmd, report):
    proc = subprocess.run(cmd + ["--json", report, "--progress", "never"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"watchdog_cost: {' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    with open(report) as f:
        r = json.load(f)
    out = {}
    for phase in ("import", "visit"):
        s = r["summary"][f"{phase}_s"]
        out[f"{phase} median rank"] = s["median"]
        out[f"{phase} slowest rank"] = s["max"]
        out[f"{phase} rank 0 span"] = r["spans"][f"{phase}_s"]
    out["fractal median rank"] = r["summary"]["fractal_s"]["median"]
    out["fractal rank 0 span"] = r["spans"]["fractal_s"]
    if r["stage"]["strategy"] != "none":
        out["stage slowest rank"] = r["summary"]["stage_s"]["max"]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--mode", default="dlopen")
    p.add_argument("--ranks", type=int, default=4)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--launcher", default="mpiexec.mpich")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = p.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    exe = os.path.join(os.path.abspath(a.build), f"pynamic-mode-{a.mode}")
    base = [a.launcher, "-n", str(a.ranks), exe, *extra]
    runs = {"off": [], "on": []}
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        for _ in range(a.runs):
            runs["off"].append(run(base, report))
            runs["on"].append(run(base + ["--timeout", "600"], report))
    print(f"pynamic-mode-{a.mode}, {a.ranks} ranks, {a.runs} runs each, alternating; medians in ms")
    print(f"{'':24} {'off':>10} {'--timeout':>10} {'on/off':>8}")
    for key in runs["off"][0]:
        off = statistics.median(r[key] for r in runs["off"]) * 1e3
        on = statistics.median(r[key] for r in runs["on"]) * 1e3
        print(f"{key:24} {off:10.3f} {on:10.3f} {on / off if off else float('nan'):8.3f}")


if __name__ == "__main__":
    main()
