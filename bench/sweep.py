#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Scaling sweep: modes x stage strategies x rank counts x cold/warm, on the local
disk or on the emulated shared file system, into one CSV and PNG plots.

    bench/sweep.py --build build/ci --out bench/results/NAME
                   [--modes dlopen python] [--stage none bcast cache] [--ranks 1 2 4 8 16]
                   [--cache warm cold] [--fs local mdsfs] [--mds-latency-us 200] [--served tree|generated]
                   [--repeat 1]
                   [--launcher mpiexec.mpich] [--numproc-flag -n] [--plots-only]

Every run is one launch of BUILD/pynamic-mode-MODE with --json; the reports are kept in OUT/reports/ and
summarised one row per run in OUT/sweep.csv (written atomically). On `mdsfs` the whole build tree is served
by pynamic-mdsfs (bench/mdsfs.sh), with one metadata queue of --mds-latency-us per operation, counts reset
before each run, and the row gets the operations the server served (`fs_ops`: what a shared file system would
see) and how many processes asked for them (`fs_clients`). With --served tree (the default) the modes are
started from the mount, so the executable, the auditor, the manifest and the libraries all come from it
(needed for the linked modes, whose libraries are found relative to the executable); with --served generated
the modes start from the local build and load the generated tree from the mount (--lib-dir, --manifest), so
the server sees only what the mitigations act on; the Python installation (the standard library and the
--search-depth directories) stays local, as on a site that puts Python in the node image. On `local`, `fs_ops`
is the shared-tree operations the report counts on the generated files, summed over the ranks: the loader's
and the importer's opens, enoent and stats in every phase, plus those staging made (docs/metrics.md,
docs/staging.md).

A combination a mode refuses (exit status 2: `--cold` in a linked mode, a stage strategy a mode does not
support) is recorded as skipped with the mode's message, not counted as a failure; any other failure stops
the sweep. Then gnuplot draws, per file system (OUT/*.gp and *.dat hold each plot's script and data):

    OUT/import-vs-ranks-FS.png    the import phase (rank 0's barrier-to-barrier span) against ranks
    OUT/total-vs-ranks-FS.png     the slowest rank's total (staging included) against ranks
    OUT/fs-ops-vs-ranks-FS.png    file-system operations against ranks

one line per mode, stage strategy and cache state (a point type each; the point is the median of the
repeats and its error bar spans their min to max; the title names the tree and, on mdsfs, the metadata
service time), and OUT/summary.md tabulates the medians over repeats (the
slowest rank's total with staging, and the file-system operations, at each rank count) with the ratio of the
largest rank count to the smallest. --plots-only redraws both from an existing OUT/sweep.csv.
Needs root for the mdsfs mounts.
"""
import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def summarised_seconds():
    """The report's times summarised across ranks (mpi_init_s, startup_s, import_s, ...), read from its schema
    (docs/report.schema.json, generated from the field table): a time added there gets its <name>_max_s column."""
    with open(os.path.join(ROOT, "docs", "report.schema.json")) as f:
        summary = json.load(f)["properties"]["summary"]["properties"]
    return [k for k, v in summary.items() if v.get("$ref") == "#/$defs/spread" and v.get("x-unit") == "s"]


SECONDS = summarised_seconds()
COLUMNS = ["fs", "mode", "stage", "cache", "ranks", "repeat", "status", "import_span_s",
           *[f"{k[:-2]}_max_s" for k in SECONDS],
           "import_opens", "import_enoent", "import_stats", "import_majflt", "stage_shared_ops", "fs_ops", "fs_ops_lookup_enoent",
           "fs_clients", "tree", "mds_latency_us", "report", "note"]


def die(msg):
    sys.exit(f"sweep: {msg}")


def run(cmd, env=None, check=True):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        die(f"{' '.join(map(str, cmd))} exited {proc.returncode}: {proc.stderr.strip()[-1500:]}")
    return proc


def write_atomic(path, text):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class Mdsfs:
    """pynamic-mdsfs serving the whole build tree at a temporary mount point: the runs start the mode from
    there, so the executable, the auditor, the manifest and the libraries all come from the emulated shared
    file system, whichever mode loads them (the linked modes' RUNPATH is relative to the executable)."""

    def __init__(self, build, latency_us):
        self.script = os.path.join(ROOT, "bench", "mdsfs.sh")
        self.env = dict(os.environ, PYNAMIC_MDSFS=os.path.join(build, "pynamic-mdsfs"))
        self.mount = tempfile.mkdtemp(prefix="pyn-sweep-mdsfs.")
        run([self.script, "start", build, self.mount, "--mds-latency-us", latency_us,
             "--lifetime", 86400], env=self.env)

    def reset(self):
        run([self.script, "reset", self.mount], env=self.env)

    def stats(self):
        return json.loads(run([self.script, "stats", self.mount], env=self.env).stdout)

    def stop(self):
        run([self.script, "stop", self.mount], env=self.env, check=False)
        os.rmdir(self.mount)


def summary_max(report, key):
    v = report["summary"].get(key)
    return v["max"] if isinstance(v, dict) else None


def row_of(report, args_row):
    ranks = report["ranks"]
    fs_import = report["fs"]["phases"]["import"] if report["fs"]["ranks_counted"] else None
    row = dict(args_row)
    row.update({
        "status": "passed" if report["result"]["passed"] else "failed",
        "tree": report["config"]["arguments"],
        "import_span_s": report["spans"]["import_s"],
        **{f"{k[:-2]}_max_s": summary_max(report, k) for k in SECONDS},
        "import_opens": fs_import["opens"]["sum"] if fs_import else None,
        "import_enoent": fs_import["enoent"]["sum"] if fs_import else None,
        "import_stats": fs_import["stats"]["sum"] if fs_import else None,
        "import_majflt": sum((r.get("rusage") or {}).get("import", {}).get("majflt") or 0 for r in ranks),
        "stage_shared_ops": report["stage"]["shared_opens"] + report["stage"]["shared_enoent"],
    })
    # Shared-tree operations the report counted on the generated files: the loader's and the importer's in
    # every phase, plus staging's (on mdsfs the caller replaces this with what the server served).
    ph = report["fs"]["phases"] if report["fs"]["ranks_counted"] else None
    row["fs_ops"] = (sum(ph[k][c]["sum"] for k in ph for c in ("opens", "enoent", "stats")) + row["stage_shared_ops"]
                     if ph else None)
    return row


def sweep(args, build):
    os.makedirs(os.path.join(args.out, "reports"), exist_ok=True)
    rows = []
    for fs in args.fs:
        server = Mdsfs(build, args.mds_latency_us) if fs == "mdsfs" else None
        try:
            tree = server.mount if server else build
            for mode in args.modes:
                if not os.access(os.path.join(build, f"pynamic-mode-{mode}"), os.X_OK):
                    die(f"{build}/pynamic-mode-{mode}: no such mode executable in the build")
                served_generated = server and args.served == "generated"
                exe = os.path.join(build if served_generated else tree, f"pynamic-mode-{mode}")
                where = []
                if served_generated:
                    where = ["--lib-dir", os.path.join(tree, "lib"),
                             "--manifest", os.path.join(tree, "generated", "manifest.json")]
                for stage in args.stage:
                    for cache in args.cache:
                        for ranks in args.ranks:
                            for rep in range(args.repeat):
                                name = f"{fs}-{mode}-{stage}-{cache}-{ranks}-{rep}"
                                report = os.path.join(args.out, "reports", f"{name}.json")
                                # --audit: the loader's counts (the ops columns), and what --stage cache needs.
                                cmd = [args.launcher, args.numproc_flag, ranks, exe, "--audit", "--json", report,
                                       "--progress", "never"] + where
                                if stage != "none":
                                    cmd += ["--stage", stage]
                                if cache == "cold":
                                    cmd += ["--cold"]
                                base = {"fs": fs, "mode": mode, "stage": stage, "cache": cache, "ranks": ranks,
                                        "repeat": rep, "report": os.path.relpath(report, args.out),
                                        "mds_latency_us": args.mds_latency_us if server else None}
                                if server:
                                    server.reset()
                                if os.path.exists(report):
                                    os.remove(report)
                                proc = run(cmd, check=False)
                                if proc.returncode == 2:
                                    note = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
                                    rows.append(dict(base, status="skipped", report="", note=note))
                                    print(f"{name}: skipped: {note}", flush=True)
                                    continue
                                if proc.returncode != 0 or not os.path.exists(report):
                                    die(f"{name}: {' '.join(map(str, cmd))} exited {proc.returncode}: "
                                        f"{proc.stderr.strip()[-1500:]}")
                                with open(report) as f:
                                    row = row_of(json.load(f), base)
                                if server:
                                    s = server.stats()
                                    row["fs_ops"] = s["metadata_ops"]
                                    row["fs_ops_lookup_enoent"] = s["operations"]["lookup_enoent"]
                                    row["fs_clients"] = s["clients"]["count"]
                                rows.append(row)
                                print(f"{name}: import {row['import_span_s']:.4f} s, total {row['total_max_s']:.4f} "
                                      f"s, fs ops {row['fs_ops']}", flush=True)
        finally:
            if server:
                server.stop()
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in COLUMNS})
    write_atomic(os.path.join(args.out, "sweep.csv"), out.getvalue())


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])


def summary(args):
    """OUT/summary.md: per file system, mode, strategy and cache state, the median over repeats of the slowest
    rank's total (staging included) and of the file-system operations at each rank count, and the ratio of the
    largest rank count to the smallest: the figures docs/results.md quotes."""
    with open(os.path.join(args.out, "sweep.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "passed"]
    counts = sorted({int(r["ranks"]) for r in rows})
    if not rows or len(counts) < 1:
        die(f"{args.out}/sweep.csv has no passed run to summarise")
    lo, hi = counts[0], counts[-1]
    out = [f"| fs | mode | stage | cache | " + " | ".join(f"{n} ranks: total s / ops" for n in counts) +
           f" | total {hi}/{lo} | ops {hi}/{lo} |",
           "| --- " * (4 + len(counts) + 2) + "|"]
    for key in sorted({(r["fs"], r["mode"], r["stage"], r["cache"]) for r in rows}):
        cell, med = [], {}
        for n in counts:
            pick = [r for r in rows if (r["fs"], r["mode"], r["stage"], r["cache"]) == key and int(r["ranks"]) == n]
            if pick and all(r["fs_ops"] != "" for r in pick):
                med[n] = (median(float(r["total_with_stage_max_s"]) for r in pick),
                          median(float(r["fs_ops"]) for r in pick))
                cell.append(f"{med[n][0]:.3f} / {med[n][1]:.0f}")
            else:
                cell.append("-")
        ratio = (f"{med[hi][0] / med[lo][0]:.2f}x | {med[hi][1] / med[lo][1]:.2f}x" if lo in med and hi in med
                 and med[lo][0] > 0 and med[lo][1] > 0 else "- | -")
        out.append("| " + " | ".join(key) + " | " + " | ".join(cell) + f" | {ratio} |")
    write_atomic(os.path.join(args.out, "summary.md"), "\n".join(out) + "\n")
    print(f"summary: {os.path.join(args.out, 'summary.md')}")


def plot_title(stem, fs, rows):
    """What the plot shows, on which tree, and on mdsfs the metadata service time: a PNG read on its own
    (pasted into a report) must say what it measured. Repeats: bars span min to max, points are medians."""
    mine = [r for r in rows if r["fs"] == fs]
    trees = ", ".join(sorted({r.get("tree") or "?" for r in mine}))
    where = fs
    if fs == "mdsfs":
        lat = ", ".join(sorted({r.get("mds_latency_us") or "?" for r in mine}))
        where = f"mdsfs, {lat} us per metadata op"
    reps = max(int(r["repeat"]) for r in mine) + 1
    bars = f", median of {reps} runs, bars min-max" if reps > 1 else ", 1 run per point"
    return f"{stem.replace('-', ' ')} ({where}); tree {trees}{bars}".replace("'", "")


def plots(args):
    if not shutil.which("gnuplot"):
        die("gnuplot not found: install it (apt-get install gnuplot-nox, or bench/install-deps.sh --tests)")
    with open(os.path.join(args.out, "sweep.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "passed"]
    if not rows:
        die(f"{args.out}/sweep.csv has no passed run to plot")
    made = []
    for fs in sorted({r["fs"] for r in rows}):
        series = sorted({(r["mode"], r["stage"], r["cache"]) for r in rows if r["fs"] == fs})
        for metric, ylabel, stem in (("import_span_s", "import phase (s, rank 0 span)", "import-vs-ranks"),
                                     ("total_with_stage_max_s", "slowest rank's total incl. staging (s)",
                                      "total-vs-ranks"),
                                     ("fs_ops", "file-system operations" + (" served" if fs == "mdsfs" else
                                                                            " (loader, all ranks)"),
                                      "fs-ops-vs-ranks")):
            blocks, titles = [], []
            for s in series:
                pts = {}
                for r in rows:
                    if r["fs"] == fs and (r["mode"], r["stage"], r["cache"]) == s and r[metric] != "":
                        pts.setdefault(int(r["ranks"]), []).append(float(r[metric]))
                if pts:  # at each rank count: the median of the repeats, and their min and max for the error bar
                    titles.append(" ".join(s))
                    blocks.append("\n".join(f"{n} {median(v)} {min(v)} {max(v)}" for n, v in sorted(pts.items())))
            if not blocks:
                continue
            data = os.path.join(args.out, f"{stem}-{fs}.dat")
            write_atomic(data, "\n\n\n".join(blocks) + "\n")
            png = os.path.join(args.out, f"{stem}-{fs}.png")
            tmp_png = f"{png}.tmp.{os.getpid()}.png"
            # Error bars span the repeats; each series has its own point type (gnuplot has 14), so
            # lines of one colour family stay apart in print.
            plot = ", ".join(f"'{data}' index {i} using 1:2:3:4 with yerrorlines pt {i % 14 + 1} title '{t}'"
                             for i, t in enumerate(titles))
            gp = os.path.join(args.out, f"{stem}-{fs}.gp")
            write_atomic(gp, "\n".join([
                "set terminal pngcairo size 900,600 noenhanced",
                f"set output '{tmp_png}'",
                f"set title '{plot_title(stem, fs, rows)}'",
                "set xlabel 'MPI ranks'", f"set ylabel \"{ylabel}\"",
                "set logscale x 2", "set key top left", "set grid", "set yrange [0:*]",
                f"plot {plot}", ""]))
            run(["gnuplot", gp])
            os.replace(tmp_png, png)
            made.append(png)
    for p in made:
        print(f"plot: {p}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build", "ci"))
    p.add_argument("--out", required=True)
    p.add_argument("--modes", nargs="+", default=["dlopen"])
    p.add_argument("--stage", nargs="+", default=["none"])
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--cache", nargs="+", choices=["warm", "cold"], default=["warm"])
    p.add_argument("--fs", nargs="+", choices=["local", "mdsfs"], default=["local"])
    p.add_argument("--mds-latency-us", type=int, default=200)
    p.add_argument("--served", choices=["tree", "generated"], default="tree",
                   help="mdsfs: start the modes from the mount (tree) or only load the generated tree from it")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--launcher", default="mpiexec.mpich")
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--plots-only", action="store_true")
    args = p.parse_args()
    if any(n < 1 for n in args.ranks) or args.repeat < 1:
        die("--ranks and --repeat must be at least 1")
    if args.mds_latency_us < 0:
        die(f"--mds-latency-us {args.mds_latency_us}: must be 0 or more")
    build = os.path.abspath(args.build)
    args.out = os.path.abspath(args.out)
    if not args.plots_only:
        if not os.path.isdir(build):
            die(f"--build {build}: no such build directory (cmake --preset ci && cmake --build --preset ci)")
        sweep(args, build)
    summary(args)
    plots(args)


if __name__ == "__main__":
    main()
