#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs a small bench/sweep.py and checks what it leaves behind.

    check_sweep.py --sweep bench/sweep.py --build BUILD --out DIR [--launcher L] [--numproc-flag F]

The sweep: dlopen and linked, 1 and 2 ranks, warm and cold, on the local disk and on pynamic-mdsfs.
Checked: one CSV row per combination; the linked mode's cold runs skipped with its own message (it maps
its libraries before main) and every other run passed; on mdsfs the baseline's served operations grow
with the ranks and there is one client per rank at least; every plot is a PNG file whose script names
the tree (and on mdsfs the service time) in its title, draws min-max error bars and a point type per series.
"""
import argparse
import csv
import itertools
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sweep", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--launcher", default="mpiexec.mpich")
    p.add_argument("--numproc-flag", default="-n")
    a = p.parse_args()
    cmd = [sys.executable, a.sweep, "--build", a.build, "--out", a.out, "--modes", "dlopen", "linked",
           "--ranks", "1", "2", "--cache", "warm", "cold", "--fs", "local", "mdsfs", "--mds-latency-us", "0",
           "--launcher", a.launcher, f"--numproc-flag={a.numproc_flag}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    print(proc.stdout)
    if proc.returncode != 0:
        fail(f"the sweep exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    with open(os.path.join(a.out, "sweep.csv")) as f:
        rows = list(csv.DictReader(f))
    want = set(itertools.product(["local", "mdsfs"], ["dlopen", "linked"], ["warm", "cold"], ["1", "2"]))
    got = {(r["fs"], r["mode"], r["cache"], r["ranks"]) for r in rows}
    if got != want or len(rows) != len(want):
        fail(f"sweep.csv has {len(rows)} rows for {sorted(got)}, expected one for each of {sorted(want)}")
    for r in rows:
        where = f"{r['fs']} {r['mode']} {r['cache']} {r['ranks']} ranks"
        if r["mode"] == "linked" and r["cache"] == "cold":
            if r["status"] != "skipped" or "--cold" not in r["note"]:
                fail(f"{where}: status {r['status']!r}, note {r['note']!r}: expected skipped with the --cold message")
        elif r["status"] != "passed" or not os.path.exists(os.path.join(a.out, r["report"])):
            fail(f"{where}: status {r['status']!r}, report {r['report']!r}")
    ops = {(r["mode"], r["ranks"]): int(r["fs_ops"]) for r in rows
           if r["fs"] == "mdsfs" and r["cache"] == "warm"}
    for mode in ("dlopen", "linked"):
        if not ops[(mode, "2")] > ops[(mode, "1")]:
            fail(f"mdsfs, {mode}: {ops[(mode, '1')]} operations served at 1 rank, {ops[(mode, '2')]} at 2: "
                 f"the baseline should grow with the ranks")
    for r in rows:
        if r["fs"] == "mdsfs" and r["status"] == "passed" and int(r["fs_clients"]) < int(r["ranks"]):
            fail(f"mdsfs {r['mode']} {r['ranks']} ranks: {r['fs_clients']} clients")
    trees = {r["tree"] for r in rows if r["status"] == "passed"}
    if len(trees) != 1 or not next(iter(trees)):
        fail(f"sweep.csv's tree column holds {sorted(trees)}: expected the one tree's arguments")
    tree = next(iter(trees))
    for fs in ("local", "mdsfs"):
        for stem in ("import-vs-ranks", "total-vs-ranks", "fs-ops-vs-ranks"):
            png = os.path.join(a.out, f"{stem}-{fs}.png")
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    fail(f"{png} is not a PNG file")
            check_plot_script(os.path.join(a.out, f"{stem}-{fs}"), fs, tree)
    print("ok")


def check_plot_script(base, fs, tree):
    """The plot says what it shows (tree; on mdsfs the service time), draws min-max error bars around the
    median, and gives each series its own point type."""
    with open(base + ".gp") as f:
        gp = f.read()
    title = next((line for line in gp.splitlines() if line.startswith("set title")), "")
    if tree not in title or (fs == "mdsfs" and "mdsfs, 0 us per metadata op" not in title):
        fail(f"{base}.gp: title {title!r} does not name the tree {tree!r}" +
             (" and the metadata service time" if fs == "mdsfs" else ""))
    plot = next((line for line in gp.splitlines() if line.startswith("plot ")), "")
    series = plot.count(" title ")
    points = re.findall(r"using 1:2:3:4 with yerrorlines pt (\d+) ", plot)
    if series < 2 or len(points) != series or len(set(points)) != series:
        fail(f"{base}.gp: {series} series, point types {points}: expected error bars and a point type each")
    with open(base + ".dat") as f:
        for line in f:
            if line.strip():
                n, med, lo, hi = (float(x) for x in line.split())
                if not lo <= med <= hi:
                    fail(f"{base}.dat: {line.strip()!r}: the median is not between min and max")


if __name__ == "__main__":
    main()
