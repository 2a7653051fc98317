#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Import against module count: builds a series of trees that differ only in their number of modules,
runs every loading mode on each (one rank, interleaved, repeated), and plots the import phase against the
module count on log-log axes with the fitted exponent of each mode: 1 is linear growth.

    bench/scaling.py --out bench/results/scaling [--modules 50 100 200 400] [--utilities 50] [--functions 20]
                     [--pad 50] [--repeat 5] [--modes dlopen linked python python-linked python-driver]
                     [--module-chain] [--original N=DIR ...] [--plots-only] [--audit]

Tree i is `N_i+U F -e -u U F -n PAD` (N_i modules, U utilities, F functions on average), configured from this
checkout into OUT/trees/N_i (the `demo` preset with PYNAMIC_CONFIG set, tests off) and built. --module-chain
adds that generator option to every tree, to show what a module-to-module DT_NEEDED chain does to the same
series (docs/modes.md). Every run writes a JSON report, kept in OUT/reports/; OUT/scaling.csv has one row per
run (written atomically): the phases as rank 0 times them (the original's lines: import and visit barrier to
barrier; startup), and, with --audit (passed on to our modes but the driver), the loader's counts in the phase
that loads (opens, failed probes, bindings; empty without). Then:

    OUT/import-vs-modules.png    the import phase against modules, one line per mode (median of repeats)
    OUT/loading-vs-modules.png   startup + import (the linked modes load before main) against modules
    OUT/summary.md               the medians, the fitted exponents (least squares on log-log), the loader counts

gnuplot draws the plots (OUT/*.gp and *.dat keep each plot's script and data); --plots-only redraws them and
the summary from an existing OUT/scaling.csv. The trees take a few minutes to build on two cores.

--original N=DIR (repeatable) adds the original Pynamic's two executables on its tree of N modules, built in
DIR (its Python 3 build, `config_pynamic.py N+U F -e -u U F -n PAD --with-mpi4py`; docs/differences.md):
`original-vanilla` (python3 pynamic_driver_mpi4py.py) and `original-linked` (pynamic-mpi4py), as more lines
of the same plots and rows of the same tables, so the growth of the two can be compared. Their figures are
the lines they print (import and visit, barrier to barrier; their startup is 0 when not printed); they have
no loader counts. They need mpi4py under Open MPI (run as singletons; as root OMPI_ALLOW_RUN_AS_ROOT is set).
The original is never part of this repository.
"""
import argparse
import csv
import io
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ["dlopen", "linked", "python", "python-linked", "python-driver"]
ORIGINAL = {"original-vanilla": ["PYTHON", "pynamic_driver_mpi4py.py"], "original-linked": ["pynamic-mpi4py"]}
RESULT_LINE = re.compile(r"^Pynamic: (?:module )?(startup|import|visit) time = ([0-9.eE+-]+) secs$", re.M)
COLUMNS = ["modules", "utilities", "libraries", "mode", "repeat", "startup_s", "import_s", "visit_s",
           "load_phase", "opens", "enoent", "bindings"]


def fail(message):
    print(f"scaling: {message}", file=sys.stderr)
    sys.exit(1)


def sh(cmd, what, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        fail(f"{what} failed ({proc.returncode}): {' '.join(cmd)}\n{(proc.stdout + proc.stderr)[-3000:]}")
    return proc


def build_tree(args, n):
    build = os.path.join(args.out, "trees", str(n))
    config = f"{n + args.utilities} {args.functions} -e -u {args.utilities} {args.functions} -n {args.pad}"
    if args.module_chain:
        config += " --module-chain"
    print(f"building {config} in {build}", file=sys.stderr, flush=True)
    sh(["cmake", "--preset", "demo", "-S", ROOT, "-B", build, "-DBUILD_TESTING=OFF", f"-DPYNAMIC_CONFIG={config}"],
       f"configuring {config}", cwd=ROOT)
    sh(["cmake", "--build", build], f"building {config}")
    return build


def command(build, mode):
    if mode == "python-driver":
        return [sys.executable if not os.path.exists("/usr/bin/python3") else "/usr/bin/python3",
                os.path.join(build, "pynamic_driver.py")]
    return [os.path.join(build, f"pynamic-mode-{mode}")]


def run(args, build, n, mode, repeat):
    report = os.path.join(args.out, "reports", f"{n}-{mode}-{repeat}.json")
    cmd = command(build, mode) + [f"{time.time():.6f}", "--json", report, "--progress", "never"]
    if args.audit and mode != "python-driver":  # a stock python3 loads no auditor
        cmd.append("--audit")
    sh(cmd, f"{mode} on {n} modules", cwd=build)
    with open(report) as f:
        r = json.load(f)
    if not r["result"]["passed"]:
        fail(f"{report}: the run did not verify")
    load = "startup" if mode in ("linked", "python-linked") else "import"
    fs = r["fs"]["phases"][load] if r["fs"]["ranks_counted"] else None
    return {"modules": n, "utilities": r["generated"]["utilities"], "libraries": r["generated"]["libraries"],
            "mode": mode, "repeat": repeat, "startup_s": r["ranks"][0]["startup_s"],
            "import_s": r["spans"]["import_s"], "visit_s": r["spans"]["visit_s"], "load_phase": load,
            "opens": fs["opens"]["sum"] if fs else "", "enoent": fs["enoent"]["sum"] if fs else "",
            "bindings": fs["bindings"]["sum"] if fs else ""}


def run_original(args, directory, n, mode, repeat):
    argv = [args.python if a == "PYTHON" else os.path.join(directory, a) for a in ORIGINAL[mode]]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               LD_LIBRARY_PATH=directory)
    proc = sh(argv + [f"{time.time():.6f}"], f"the original's {mode} on {n} modules", cwd=directory, env=env,
              timeout=3600)
    found = dict((k, float(v)) for k, v in RESULT_LINE.findall(proc.stdout))
    if "import" not in found or "visit" not in found or "module test passed!" not in proc.stdout:
        fail(f"the original's {mode} on {n} modules printed no result lines: {proc.stdout[-500:]}")
    return {"modules": n, "utilities": args.utilities, "libraries": n + args.utilities, "mode": mode,
            "repeat": repeat, "startup_s": found.get("startup", 0.0), "import_s": found["import"],
            "visit_s": found["visit"], "load_phase": "", "opens": "", "enoent": "", "bindings": ""}


def write_csv(path, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS)
    w.writeheader()
    w.writerows(rows)
    with open(path + ".tmp", "w") as f:
        f.write(buf.getvalue())
    os.replace(path + ".tmp", path)


def exponent(points):
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, y in points if y > 0]
    ys = [math.log(y) for x, y in points if y > 0]
    if len(xs) < 2:
        return float("nan")
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def line_fit(points):
    """'a per module + b, largest deviation d%' for a least-squares line through (n, count) points."""
    if len(points) < 2 or not any(y for _, y in points):
        return "–"
    mx, my = statistics.mean(x for x, _ in points), statistics.mean(y for _, y in points)
    a = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    b = my - a * mx
    dev = max(abs(y - (a * x + b)) / y for x, y in points if y)
    return f"{a:.2f}/module {b:+.0f}, {100 * dev:.1f}%"


def medians(rows, metric):
    out = {}
    for mode in dict.fromkeys(r["mode"] for r in rows):
        pts = {}
        for r in rows:
            if r["mode"] == mode:
                pts.setdefault(int(r["modules"]), []).append(float(metric(r)))
        out[mode] = sorted((n, statistics.median(v)) for n, v in pts.items())
    return out


def plot(out, name, title, series):
    dat = os.path.join(out, f"{name}.dat")
    with open(dat, "w") as f:
        for mode, pts in series.items():
            f.write(f'"{mode} (exponent {exponent(pts):.2f})"\n')
            for n, v in pts:
                f.write(f"{n} {v}\n")
            f.write("\n\n")
    gp = os.path.join(out, f"{name}.gp")
    with open(gp, "w") as f:
        f.write(f'set terminal pngcairo size 900,600\nset output "{name}.png"\nset title "{title}"\n'
                'set logscale xy\nset xlabel "modules"\nset ylabel "seconds (rank 0, median)"\n'
                'set key top left\nset grid\n')
        f.write("plot " + ", ".join(f'"{name}.dat" index {i} using 1:2 with linespoints title columnheader(1)'
                                    for i in range(len(series))) + "\n")
    if shutil.which("gnuplot"):
        sh(["gnuplot", os.path.basename(gp)], f"plotting {name}", cwd=out)
    else:
        print(f"scaling: gnuplot not found: {gp} not drawn", file=sys.stderr)


def summarise(args, rows):
    imp = medians(rows, lambda r: r["import_s"])
    load = medians(rows, lambda r: float(r["startup_s"]) + float(r["import_s"]))
    chain = " --module-chain" if args.module_chain else ""
    plot(args.out, "import-vs-modules", f"import against modules ({args.utilities} utilities{chain})", imp)
    plot(args.out, "loading-vs-modules", f"startup + import against modules ({args.utilities} utilities{chain})",
         load)
    counts = {}
    for r in rows:
        counts.setdefault((r["mode"], int(r["modules"])), (r["opens"], r["enoent"], r["bindings"]))
    ns = sorted({int(r["modules"]) for r in rows})
    lines = [f"# Import against module count\n",
             f"Trees `N+{args.utilities} {args.functions} -e -u {args.utilities} {args.functions} -n {args.pad}"
             f"{chain}`, one rank, rank 0's import phase (barrier to barrier), median of "
             f"{max(int(r['repeat']) for r in rows) + 1} interleaved runs.\n",
             "| mode | " + " | ".join(f"{n} modules" for n in ns) + " | exponent (import) | exponent (startup + import) |",
             "| --- |" + " --- |" * (len(ns) + 2)]
    for mode in imp:
        cells = " | ".join(f"{v:.4f} s" for _, v in imp[mode])
        lines.append(f"| {mode} | {cells} | {exponent(imp[mode]):.2f} | {exponent(load[mode]):.2f} |")
    lines += ["", "The loader's work in the phase that loads (rank 0: opens of generated files, failed probes, "
              "symbol bindings), and a straight line fitted to each count against the module count (least "
              "squares; the largest deviation of a point from the line says how linear the growth is):", "",
              "| mode | " + " | ".join(f"{n} modules" for n in ns) + " | opens: line, deviation | bindings: line, "
              "deviation |", "| --- |" + " --- |" * (len(ns) + 2)]
    for mode in imp:
        if not any(counts.get((mode, n), ("",))[0] != "" for n in ns):
            continue
        cells = " | ".join("%s / %s / %s" % counts.get((mode, n), ("", "", "")) for n in ns)
        fits = []
        for k in (0, 2):
            pts = [(n, int(counts[mode, n][k])) for n in ns if counts.get((mode, n), ("",))[0] != ""]
            fits.append(line_fit(pts))
        lines.append(f"| {mode} | {cells} | {fits[0]} | {fits[1]} |")
    # Linear growth of the loader's operations: what each added module adds, from one size to the next.
    lines += ["", "What each added module adds to the loader's operations, from one tree to the next (opens; "
              "bindings); constant increments are linear growth:", ""]
    for mode in imp:
        pts = [(n,) + counts[mode, n] for n in ns if (mode, n) in counts and counts[mode, n][0] != ""]
        if len(pts) < 2:
            continue
        steps = []
        for (n1, o1, _, b1), (n2, o2, _, b2) in zip(pts, pts[1:]):
            d = n2 - n1
            steps.append(f"{n1}→{n2}: {(int(o2) - int(o1)) / d:.2f}; {(int(b2) - int(b1)) / d:.1f}")
        lines.append(f"- {mode}: " + ", ".join(steps))
    with open(os.path.join(args.out, "summary.md.tmp"), "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(os.path.join(args.out, "summary.md.tmp"), os.path.join(args.out, "summary.md"))
    print("\n".join(lines))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--modules", type=int, nargs="+", default=[50, 100, 200, 400])
    p.add_argument("--utilities", type=int, default=50)
    p.add_argument("--functions", type=int, default=20)
    p.add_argument("--pad", type=int, default=50)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--modes", nargs="+", default=MODES, choices=MODES)
    p.add_argument("--module-chain", action="store_true")
    p.add_argument("--original", nargs="+", default=[], metavar="N=DIR")
    p.add_argument("--python", default="/usr/bin/python3", help="the original's interpreter (default %(default)s)")
    p.add_argument("--plots-only", action="store_true")
    p.add_argument("--audit", action="store_true",
                   help="run our modes (not the driver) with --audit: the opens, enoent and bindings columns")
    args = p.parse_args()
    args.out = os.path.abspath(args.out)
    csv_path = os.path.join(args.out, "scaling.csv")
    if args.plots_only:
        with open(csv_path) as f:
            rows = list(csv.DictReader(f))
        summarise(args, rows)
        return 0
    if any(n < 1 for n in args.modules) or args.utilities < 0 or args.functions < 1 or args.repeat < 1:
        fail("--modules, --functions and --repeat must be at least 1, --utilities at least 0")
    originals = {}
    for item in args.original:
        n, sep, directory = item.partition("=")
        if not sep or not n.isdigit() or not os.path.exists(os.path.join(directory, "pynamic_driver_mpi4py.py")):
            fail(f"--original {item!r}: expected N=DIR, DIR holding the original's pynamic_driver_mpi4py.py")
        originals[int(n)] = os.path.abspath(directory)
    os.makedirs(os.path.join(args.out, "reports"), exist_ok=True)
    builds = {n: build_tree(args, n) for n in args.modules}
    rows = []
    for repeat in range(args.repeat):
        # Interleaved: every tree and mode once per repeat, so drift on a shared machine hits all alike.
        for n in args.modules:
            for mode in args.modes:
                rows.append(run(args, builds[n], n, mode, repeat))
        for n, directory in sorted(originals.items()):
            for mode in ORIGINAL:
                rows.append(run_original(args, directory, n, mode, repeat))
        write_csv(csv_path, rows)
        print(f"repeat {repeat + 1}/{args.repeat} done", file=sys.stderr, flush=True)
    summarise(args, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
