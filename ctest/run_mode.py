#!/usr/bin/env python3
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

Standard library only: run with the interpreter CMake found.
"""
import argparse
import csv
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

COMPAT_LINES = [
    r"Pynamic: Version \S+",
    r"Pynamic: run on \d\d/\d\d/\d\d \d\d:\d\d:\d\d with (?P<ntasks>\d+) MPI tasks",
    r"Pynamic: startup time = (?P<startup>[0-9.]+) secs",
    r"Pynamic: driver beginning\.\.\. now importing modules",
    r"Pynamic: driver finished importing all modules\.\.\. visiting all module functions",
    r"Pynamic: module import time = (?P<import>[0-9.]+) secs",
    r"Pynamic: module visit time = (?P<visit>[0-9.]+) secs",
    r"Pynamic: module test passed!",
    r"Pynamic: testing mpi capability\.\.\.",
    r"Pynamic: fractal mpi time = (?P<fractal>[0-9.]+) secs",
    r"Pynamic: mpi test passed!",
]
METRICS = ["mpi_init_s", "startup_s", "import_s", "visit_s", "total_s", "stage_s", "total_with_stage_s", "fractal_s"]


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", required=True, help="the manifest the run must match")
    p.add_argument("--workdir", required=True, help="directory for reports and per-rank exit codes")
    p.add_argument("--mode", required=True, help="mode name the report must carry")
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--launcher", help="MPI launcher (omit to run one process without one)")
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="", help="launcher flags before the program (one string)")
    p.add_argument("--last-rank-args", default=None,
                   help="extra arguments for the last rank only (MPMD launch): to make one rank fail")
    p.add_argument("--launch-time", choices=["none", "before", "after", "option"], default="none",
                   help="pass `date +%%s.%%N` as the first positional argument, after the options, or as --launch-time")
    p.add_argument("--no-report", action="store_true", help="do not ask for --json/--csv")
    p.add_argument("--expect-exit", type=int, default=0, help="exit status every rank must return")
    p.add_argument("--expect-stderr", action="append", default=[], help="regex stderr must match (repeatable)")
    p.add_argument("--expect-stdout", action="append", default=[], help="regex stdout must match (repeatable)")
    p.add_argument("--one-line-error", action="store_true", help="stderr must be exactly one line")
    p.add_argument("--binding", help="binding the report's options must show (dlopen: now or lazy)")
    p.add_argument("--forbid-stderr", action="append", default=[], help="regex stderr must not match (repeatable)")
    p.add_argument("--forbid-stdout", action="append", default=[], help="regex stdout must not match (repeatable)")
    p.add_argument("--expect-absent", action="append", default=[], metavar="FILE",
                   help="FILE (removed first) must not exist after the run: an output the program must not have "
                        "written (repeatable)")
    p.add_argument("--expect-option", action="append", default=[], metavar="KEY=VALUE",
                   help="the report's options must have KEY set to VALUE (repeatable)")
    p.add_argument("--interpreter", help="run the program (a script) with this interpreter, e.g. python3")
    # Page faults, page cache, placement (docs/metrics.md): checked on every passing report; these tighten it.
    p.add_argument("--expect-cache", choices=["cold", "warm", "warm-full"],
                   help="the report's cache: cold (no page of the libraries resident at import start), warm, or "
                        "warm-full (warm, every page resident)")
    p.add_argument("--warm-files", metavar="DIR", help="read every file in DIR just before the run (page it in)")
    p.add_argument("--expect-bound", action="store_true",
                   help="--bind core: every rank bound by pynamic, to core (local rank mod cores)")
    p.add_argument("--built-in", action="store_true",
                   help="the generated code is linked into the executable (static and big-executable modes): no "
                        "generated shared object may be loaded (libraries_loaded 0 on every rank) and the report's "
                        "static sizes must describe the executable")
    p.add_argument("--min-text-bytes", type=int, default=0,
                   help="the report's static.executable.text_bytes must be at least this (with --built-in)")
    p.add_argument("--stage-dir", metavar="DIR",
                   help="pass --stage-dir DIR to the program (created first, unless --stage-dir-missing) and check "
                        "that no pynamic-stage.* is left in it afterwards, whether the run passed or failed")
    p.add_argument("--expect-min-chunks", type=int, default=0, metavar="N",
                   help="--stage bcast: every generated file must take at least N broadcasts of --stage-chunk bytes")
    p.add_argument("--stage-dir-missing", action="store_true",
                   help="with --stage-dir: DIR must not exist (removed first), and must still not exist afterwards")
    p.add_argument("--fractal-image", metavar="FILE",
                   help="pass --fractal-image FILE to the program (an old FILE is removed first); on a passing run "
                        "FILE must be the fractal's BMP, every byte as recomputed here")
    p.add_argument("--expect-fractal-failure", metavar="REGEX",
                   help="the run fails (with --expect-exit 1) because the MPI capability test failed, and only it: "
                        "stdout says 'module test passed!' then 'mpi test FAILED!', the report's summary.fractal "
                        "says passed false with an error matching REGEX, and no rank has an error of its own")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- program and its arguments")
    args = p.parse_args()
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        p.error("no program given after --")
    return args


def build_command(args, report, csv_path, launch_time):
    program = list(args.command)
    if args.stage_dir:
        program += ["--stage-dir", args.stage_dir]
    if args.fractal_image:
        program += ["--fractal-image", args.fractal_image]
    if not args.no_report:
        program += ["--json", report, "--csv", csv_path]
    if launch_time is not None:
        if args.launch_time == "before":
            program = [program[0], launch_time] + program[1:]
        elif args.launch_time == "after":
            program = program + [launch_time]
        else:
            program = program + ["--launch-time", launch_time]
    # Every rank records its own exit status, so "fails on every rank" is checked, not assumed.
    if args.interpreter:
        program = [args.interpreter] + program
    record = 'rank=${PMI_RANK:-${SLURM_PROCID:-0}}; "$@"; rc=$?; echo $rc > "$PYN_EXIT_DIR/exit.$rank"; exit $rc'
    wrap = ["/bin/sh", "-c", record, "sh"]
    if not args.launcher:
        return wrap + program
    launch = [args.launcher] + shlex.split(args.preflags)
    if args.last_rank_args is None:
        return launch + [args.numproc_flag, str(args.ranks)] + wrap + program
    # MPMD: ranks 0..N-2 run the program as is, the last one with extra arguments.
    return (launch + [args.numproc_flag, str(args.ranks - 1)] + wrap + program + [":", args.numproc_flag, "1"]
            + wrap + program + shlex.split(args.last_rank_args))


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


def awk_number(line):
    """What site scripts do: awk '{print $(NF-1)}'."""
    return float(line.split()[-2])


def check_compat_lines(stdout, nranks, report):
    lines = [l for l in stdout.splitlines() if l.startswith("Pynamic:")]
    check(len(lines) == len(COMPAT_LINES), f"expected {len(COMPAT_LINES)} 'Pynamic:' lines, got {len(lines)}: {lines}")
    found = {}
    for line, pattern in zip(lines, COMPAT_LINES):
        m = re.fullmatch(pattern, line)
        check(m, f"line {line!r} does not match {pattern!r}")
        found.update(m.groupdict())
    check(int(found["ntasks"]) == nranks, f"'run on ... with {found['ntasks']} MPI tasks', expected {nranks}")
    by_key = {l.split("=")[0]: l for l in lines if "=" in l}
    imp = awk_number(by_key["Pynamic: module import time "])
    vis = awk_number(by_key["Pynamic: module visit time "])
    st = awk_number(by_key["Pynamic: startup time "])
    frac = awk_number(by_key["Pynamic: fractal mpi time "])
    if report is not None:
        close(imp, report["spans"]["import_s"], 1e-5, "compat import line vs spans.import_s")
        close(vis, report["spans"]["visit_s"], 1e-5, "compat visit line vs spans.visit_s")
        close(st, report["summary"]["startup_s"]["max"], 1e-5, "compat startup line vs summary.startup_s.max")
        close(frac, report["spans"]["fractal_s"], 1e-5, "compat fractal line vs spans.fractal_s")


def close(a, b, tol, what):
    check(a is not None and b is not None and abs(a - b) <= tol, f"{what}: {a} vs {b}")


def positive(x, what):
    check(isinstance(x, (int, float)) and math.isfinite(x) and x > 0, f"{what} = {x!r}, expected > 0")


def check_report(report, manifest, args, launch_time, report_path):
    totals = manifest["totals"]
    check(report["schema_version"] == 1, "schema_version")
    check(report["tool"]["name"] == "pynamic" and report["tool"]["version"], "tool")
    check(report["mode"] == args.mode, f"mode {report['mode']!r}, expected {args.mode!r}")
    for key, value in manifest["config"].items():
        check(report["config"].get(key) == value, f"config.{key} = {report['config'].get(key)!r}, manifest has {value!r}")
    gen = report["generated"]
    for key in ("libraries", "utilities", "modules", "functions"):
        check(gen[key] == totals[key], f"generated.{key} = {gen[key]}, manifest totals say {totals[key]}")
    check(gen["expected_checksum"] == manifest["expected_checksum"], "generated.expected_checksum")
    check(report["options"]["json"] == report_path, "options.json is the path given")
    if args.binding:
        check(report["options"]["binding"] == args.binding, f"options.binding = {report['options'].get('binding')}")
    for item in args.expect_option:
        key, _, value = item.partition("=")
        check(report["options"].get(key) == value, f"options.{key} = {report['options'].get(key)!r}, expected {value!r}")
    if "markers" in totals:
        markers = [l for l in manifest["libraries"] if l["kind"] == "marker"]
        check(len(markers) == totals["markers"], f"manifest lists {len(markers)} markers, totals say {totals['markers']}")
        check(len(manifest["libraries"]) == totals["libraries"] + totals["markers"],
              "manifest libraries list is not totals.libraries + totals.markers long")
    check(report["nranks"] == args.ranks and len(report["ranks"]) == args.ranks,
          f"nranks {report['nranks']} with {len(report['ranks'])} rows, expected {args.ranks}")
    check(report["nhosts"] >= 1, "nhosts")
    check(report["run"]["startup_source"] == ("launch_time" if launch_time else "exec"), "run.startup_source")
    check(report["environment"]["mpi_library"], "environment.mpi_library")
    check(report["result"] == {"passed": True, "failed_ranks": 0, "stopped_ranks": 0,
                               "checksum_verified_ranks": args.ranks, "errors": [], "report_error": None},
          f"result {report['result']}")
    for i, r in enumerate(report["ranks"]):
        where = f"ranks[{i}]"
        check(r["rank"] == i, f"{where}.rank = {r['rank']}")
        check(r["host"], f"{where}.host empty")
        for key in ("startup_s", "import_s", "visit_s", "total_s", "mpi_init_s", "startup_exec_s"):
            positive(r[key], f"{where}.{key}")
        close(r["total_s"], r["startup_s"] + r["import_s"] + r["visit_s"], 1e-9, f"{where}.total_s")
        if launch_time:
            check(r["startup_launch_s"] is not None and r["startup_s"] == r["startup_launch_s"], f"{where}.startup_launch_s")
        else:
            check(r["startup_launch_s"] is None and r["startup_s"] == r["startup_exec_s"], f"{where}.startup_exec_s")
        check(r["checksum_ok"] is True and r["checksum"] == manifest["expected_checksum"],
              f"{where}.checksum {r['checksum']} (ok={r['checksum_ok']}), expected {manifest['expected_checksum']}")
        # Built in: the code is in the executable, so the loader must have
        # mapped none of the tree's shared objects; otherwise all of them.
        loaded = 0 if args.built_in else totals["libraries"]
        check(r["libraries_loaded"] == loaded,
              f"{where}.libraries_loaded = {r['libraries_loaded']}, expected {loaded}"
              + (" (the libraries are built in)" if args.built_in else f" (the manifest has {loaded} libraries)"))
        check(r["modules_imported"] == totals["modules"] and r["modules_visited"] == totals["modules"],
              f"{where}: imported {r['modules_imported']}, visited {r['modules_visited']}, expected {totals['modules']}")
        check(r["error"] is None and r["status"] == "ran", f"{where}: status {r['status']}, error {r['error']!r}")
    for metric in METRICS:
        s = report["summary"][metric]
        values = [r[metric] for r in report["ranks"]]
        check(s["min"] == min(values) and s["max"] == max(values), f"summary.{metric} min/max disagree with the ranks")
        check(s["min"] <= s["median"] <= s["max"] and s["min"] <= s["mean"] <= s["max"], f"summary.{metric} order")
        close(s["mean"], sum(values) / len(values), 1e-9, f"summary.{metric}.mean")
        check(report["ranks"][s["max_rank"]][metric] == s["max"], f"summary.{metric}.max_rank does not hold the max")
        check(s["max_host"] == report["ranks"][s["max_rank"]]["host"], f"summary.{metric}.max_host")
    for key in ("import_s", "visit_s"):
        positive(report["spans"][key], f"spans.{key}")
    check_fs(report, totals, args.mode)
    check_fractal(report, args)
    check_stage(report, manifest, args)
    check_metrics(report, args)
    if args.built_in:
        check_built_in_static(report, args)


def check_built_in_static(report, args):
    """The report records the executable that holds the generated code: its path, file and .text sizes."""
    st = report["static"]
    check(st is not None and st["ok"] is True, f"static: {st and st['error']}")
    exe = st["executable"]
    check(exe is not None and os.path.samefile(exe["path"], args.command[0]),
          f"static.executable.path = {exe and exe['path']!r}, expected {args.command[0]!r}")
    check(exe["file_bytes"] == os.path.getsize(args.command[0]),
          f"static.executable.file_bytes = {exe['file_bytes']}, the file has {os.path.getsize(args.command[0])}")
    check(0 < exe["text_bytes"] < exe["file_bytes"], f"static.executable.text_bytes = {exe['text_bytes']}")
    check(exe["text_bytes"] >= args.min_text_bytes,
          f"static.executable.text_bytes = {exe['text_bytes']}, expected at least {args.min_text_bytes}")


# --- the MPI capability test (docs/report.md) -----------------------------------------------------------------

FRACTAL_SIZE = 400


def fractal_rows(rank, nranks):
    """The rows a rank owes: with n = min(nranks, 400), ranks below n take [r*400//n, (r+1)*400//n), the rest none."""
    n = min(nranks, FRACTAL_SIZE)
    if rank >= n:
        return FRACTAL_SIZE, 0
    first, end = rank * FRACTAL_SIZE // n, (rank + 1) * FRACTAL_SIZE // n
    return first, end - first


def fractal_image_bytes():
    """The whole image from its definition, in Python floats (as the original computed it): rows 0..399, each 400
    pixels of three bytes (blue, green, red)."""
    c = complex(0.4, 0.3)
    lo, hi = -0.6, 0.4
    out = bytearray()
    for y in range(FRACTAL_SIZE):
        im = lo + (y / FRACTAL_SIZE) * (hi - lo)
        for x in range(FRACTAL_SIZE):
            p = complex(lo + (x / FRACTAL_SIZE) * (hi - lo), im)
            nxt = p * p + c
            iters = 0
            while True:
                if abs(nxt - p) > 3.0:
                    break
                if iters >= 64:
                    break
                nxt = nxt * nxt + c
                iters += 1
            cf = 255.0 * iters / 64
            out += bytes((int(0.5 * cf), int(24 + 0.1 * cf), int(0.8 * cf + 32)))
    return bytes(out)


def check_fractal_image(path, nranks):
    """A 24-bit BMP of the image: the 54-byte header, then rows 0..399 (bottom-up), every byte as recomputed."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) == 54 + 3 * FRACTAL_SIZE * FRACTAL_SIZE, f"{path}: {len(data)} bytes, expected 480054")
    fields = struct.unpack("<2sIHHIIiiHHIIiiII", data[:54])
    want = (b"BM", 480054, 0, 0, 54, 40, FRACTAL_SIZE, FRACTAL_SIZE, 1, 24, 0, 480000, 0, 0, 0, 0)
    check(fields == want, f"{path}: BMP header {fields}, expected {want}")
    image, row = fractal_image_bytes(), 3 * FRACTAL_SIZE
    if data[54:] != image:
        y = next(y for y in range(FRACTAL_SIZE) if data[54 + y * row:54 + (y + 1) * row] != image[y * row:(y + 1) * row])
        owner = next(r for r in range(nranks) if fractal_rows(r, nranks)[0] <= y < sum(fractal_rows(r, nranks)))
        check(False, f"{path}: row {y} (rank {owner}'s) differs from the recomputation in Python")


def check_fractal(report, args):
    """Every rank took part in the test and computed exactly its rows; the summary agrees with the rows; rank 0's
    span is the line's; the image was written where asked, and nowhere else."""
    n = report["nranks"]
    f = report["summary"]["fractal"]
    check(f["ran"] is True and f["passed"] is True and f["error"] is None, f"summary.fractal {f}")
    check((f["width"], f["height"]) == (FRACTAL_SIZE, FRACTAL_SIZE), f"summary.fractal size {f['width']}x{f['height']}")
    positive(f["span_s"], "summary.fractal.span_s")
    check(report["spans"]["fractal_s"] == f["span_s"], "spans.fractal_s vs summary.fractal.span_s")
    s = report["summary"]["fractal_s"]
    for key in ("min", "median", "mean", "max"):
        check(f[key] == s[key], f"summary.fractal.{key} {f[key]} vs summary.fractal_s.{key} {s[key]}")
    rows = 0
    for i, r in enumerate(report["ranks"]):
        first, count = fractal_rows(i, n)
        check((r["fractal_first_row"], r["fractal_rows"]) == (first, count),
              f"ranks[{i}]: fractal rows from {r['fractal_first_row']}, {r['fractal_rows']} of them; expected "
              f"{first}, {count} of {n} ranks")
        rows += r["fractal_rows"]
        x = r["fractal_s"]
        check(isinstance(x, (int, float)) and math.isfinite(x) and x >= 0 and (x > 0 or count == 0),
              f"ranks[{i}].fractal_s = {x!r} for {count} rows")
    check(rows == FRACTAL_SIZE, f"the ranks computed {rows} rows, not {FRACTAL_SIZE}")
    given = program_option(args.command, "--fractal-image", args.fractal_image)
    check(report["options"]["fractal_image"] == given, f"options.fractal_image {report['options']['fractal_image']!r}, "
                                                       f"the command gave {given!r}")
    check(f["image"] == given, f"summary.fractal.image {f['image']!r}, expected {given!r}")


# Where each mode's loader maps the generated libraries (docs/metrics.md).
LOADS_BEFORE_MAIN = {"linked", "python-linked"}
LOADS_IN_IMPORT = {"dlopen", "python"}
FS_SLOTS = ("startup", "mpi_init", "import", "visit", "other")
FS_COUNTERS = ("opens", "enoent", "stats", "bytes", "local")
SHARED_COUNTERS = ("opens", "enoent", "stats", "bytes")  # the shared tree; `local` counts node-local copies


def files_loaded(totals, mode):
    """Generated files each rank's loader opens: the libraries and the two
    markers (libmodulebegin, which needs every module, is loaded first in
    every mode that loads shared objects)."""
    return totals["libraries"] + totals.get("markers", 0)


def check_fs(report, totals, mode):
    fs = report["fs"]
    strategy = report["stage"]["strategy"]
    if mode == "python-driver":
        # A stock python3 loads no auditor: no counts, and a reason.
        check(fs["ranks_counted"] == 0 and fs["error"], f"fs: a stock python3 reported counts: {fs}")
        check(all(r["fs"] is None for r in report["ranks"]), "fs: rank rows have counts under a stock python3")
        return
    check(fs["ranks_counted"] == report["nranks"] and fs["error"] is None,
          f"fs: {fs['ranks_counted']} of {report['nranks']} ranks counted ({fs['error']})")
    slot = "startup" if mode in LOADS_BEFORE_MAIN else "import" if mode in LOADS_IN_IMPORT else None
    for i, r in enumerate(report["ranks"]):
        for k in FS_SLOTS:
            for c in FS_COUNTERS:
                check(r["fs"][k][c] >= 0, f"ranks[{i}].fs.{k}.{c} negative")
        if strategy != "bcast":
            for k in FS_SLOTS:
                check(r["fs"][k]["local"] == 0, f"ranks[{i}].fs.{k}.local = {r['fs'][k]['local']} with --stage "
                                                f"{strategy}: nothing was staged node-locally")
        if slot and strategy == "bcast":
            # Every generated file was loaded from the node-local copy: the
            # shared tree saw nothing from this rank after staging.
            for k in (slot, "visit"):
                got = r["fs"][k]
                check(all(got[c] == 0 for c in SHARED_COUNTERS),
                      f"ranks[{i}].fs.{k}: {got}: --stage bcast, yet the loader used the shared tree")
            got = r["fs"][slot]
            check(got["local"] >= totals["libraries"],
                  f"ranks[{i}].fs.{slot}.local = {got['local']}: fewer node-local opens than libraries "
                  f"({totals['libraries']})")
        elif slot:
            got = r["fs"][slot]
            check(got["opens"] >= totals["libraries"] and got["stats"] >= got["opens"] and got["bytes"] > 0,
                  f"ranks[{i}].fs.{slot}: {got}, expected at least one open, fstat and bytes per library "
                  f"({totals['libraries']})")
            if strategy in ("cache", "pilot"):
                # The map answers every search: one open per file, no failed probe.
                want = files_loaded(totals, mode)
                check(got["enoent"] == 0 and got["opens"] == want,
                      f"ranks[{i}].fs.{slot}: {got}: with --stage {strategy} expected enoent 0 and one open per "
                      f"file loaded ({want})")
    for k in FS_SLOTS:
        for c in FS_COUNTERS + ("bindings",):
            values = [r["bindings"][k] if c == "bindings" else r["fs"][k][c] for r in report["ranks"]]
            st = fs["phases"][k][c]
            check(st["sum"] == sum(values) and st["min"] == min(values) and st["max"] == max(values),
                  f"fs.phases.{k}.{c} {st} disagrees with the ranks {values}")


# --- staging (docs/staging.md) ---------------------------------------------------------------------------------

def program_option(command, name, default=None):
    """The value of a program option (--name VALUE or --name=VALUE) in the command, the last one given."""
    value = default
    for i, arg in enumerate(command):
        if arg == name and i + 1 < len(command):
            value = command[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1:]
    return value


def parse_size(text):
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(text[:-1] if scale > 1 else text) * scale


def generated_files(manifest):
    return [l["file"] for l in manifest["libraries"]]  # libraries, then the markers


def generated_bytes(report, lib_dir, files):
    """The generated files' total size: from the report's static sizes (rank 0 read them after the run), so that
    checking a run on an emulated shared file system adds no operation of its own to the served counts."""
    st = report.get("static") or {}
    if st.get("ok"):
        return sum(st["libraries"][k]["file_bytes"] for k in ("utilities", "modules", "markers"))
    return sum(os.path.getsize(os.path.join(lib_dir, f)) for f in files)


def check_pilot_map(path, manifest):
    """A map a cache run wrote: header, the manifest's seed and file count, every file once by absolute path."""
    with open(path) as f:
        lines = f.read().split("\n")
    check(lines[-1] == "", f"pilot map {path} does not end with a newline")
    files = generated_files(manifest)
    check(lines[0] == "pynamic-path-cache 1", f"pilot map {path}: header {lines[0]!r}")
    check(lines[1] == f"seed {manifest['config']['seed']} files {len(files)}",
          f"pilot map {path}: line 2 {lines[1]!r}, expected seed {manifest['config']['seed']} files {len(files)}")
    entries = dict(l.split("\t") for l in lines[2:-1])
    check(len(entries) == len(lines) - 3 and sorted(entries) == sorted(files),
          f"pilot map {path} lists {sorted(entries)}, expected each of {sorted(files)} once")
    for name, where in entries.items():
        check(os.path.isabs(where) and os.path.basename(where) == name and os.path.isfile(where),
              f"pilot map {path}: {name} at {where!r}, not an absolute path to an existing {name}")


def check_stage(report, manifest, args):
    """The stage objects agree with the strategy asked for on the command line, with each other and with the
    tree on disk (docs/staging.md#what-the-report-shows)."""
    want = program_option(args.command, "--stage", "none")
    st = report["stage"]
    ranks = report["ranks"]
    files = generated_files(manifest)
    totals = manifest["totals"]
    check(len(files) == totals["libraries"] + totals.get("markers", 0), "manifest file list vs totals")
    check(st["strategy"] == want and report["options"]["stage"] == want,
          f"stage.strategy = {st['strategy']!r} (options.stage {report['options']['stage']!r}), the command asked for "
          f"{want!r}")
    chunk = parse_size(program_option(args.command, "--stage-chunk", "64M"))
    check(st["chunk_bytes"] == chunk, f"stage.chunk_bytes = {st['chunk_bytes']}, the command asked for {chunk}")
    pilot_map = program_option(args.command, "--pilot-map")
    check(st["pilot_map"] == pilot_map, f"stage.pilot_map = {st['pilot_map']!r}, the command gave {pilot_map!r}")
    check(st["shared_opens"] == sum(r["stage"]["shared_opens"] for r in ranks)
          and st["shared_enoent"] == sum(r["stage"]["shared_enoent"] for r in ranks),
          f"stage.shared_opens/shared_enoent {st['shared_opens']}/{st['shared_enoent']} are not the ranks' sums")
    check(st["leaders"] == sum(1 for r in ranks if r["stage"]["leader"]), "stage.leaders is not the ranks' count")
    first_on_host = {}
    for r in ranks:
        first_on_host.setdefault(r["host"], r["rank"])
    lib_dir = report["generated"]["library_dir"]
    sizes = generated_bytes(report, lib_dir, files)
    for i, r in enumerate(ranks):
        where, rs = f"ranks[{i}].stage", r["stage"]
        for key in ("read_s", "bcast_s", "write_s", "total_s"):
            x = rs[key]
            check(isinstance(x, (int, float)) and math.isfinite(x) and x >= 0, f"{where}.{key} = {x!r}")
        check(rs["read_s"] + rs["bcast_s"] + rs["write_s"] <= rs["total_s"] + 1e-6,
              f"{where}: read+bcast+write {rs['read_s'] + rs['bcast_s'] + rs['write_s']} exceed total_s {rs['total_s']}")
        check(r["stage_s"] == rs["total_s"], f"ranks[{i}].stage_s {r['stage_s']} != stage.total_s {rs['total_s']}")
        close(r["total_with_stage_s"], r["total_s"] + r["stage_s"], 1e-8, f"ranks[{i}].total_with_stage_s")
        leader = want == "bcast" and first_on_host[r["host"]] == r["rank"]
        check(rs["leader"] is leader, f"{where}.leader = {rs['leader']}, expected {leader}")
        if want == "none":
            check(rs == {"leader": False, "read_s": 0, "bcast_s": 0, "write_s": 0, "total_s": 0, "files": 0,
                         "bytes": 0, "shared_opens": 0, "shared_enoent": 0}, f"{where} = {rs} without --stage")
            continue
        check(rs["total_s"] > 0, f"{where}.total_s = 0: staging took no time")
        check(rs["files"] == len(files), f"{where}.files = {rs['files']}, the manifest has {len(files)} files")
        # Only rank 0 touches the shared tree while staging.
        if want == "bcast":
            shared = (len(files), 0) if i == 0 else (0, 0)
        elif want == "cache":
            # The first K-1 RUNPATH directories are empty (docs/generator.md, --search-dirs): one miss each.
            misses = (manifest["config"].get("search_dirs", 1) - 1) * len(files)
            shared = (len(files), misses) if i == 0 else (0, 0)
        else:
            shared = (1, 0) if i == 0 else (0, 0)  # the map file
        check((rs["shared_opens"], rs["shared_enoent"]) == shared,
              f"{where}: shared_opens/shared_enoent {rs['shared_opens']}/{rs['shared_enoent']}, expected "
              f"{shared[0]}/{shared[1]} with --stage {want}")
        byte_count = sizes if leader else 0
        check(rs["bytes"] == byte_count, f"{where}.bytes = {rs['bytes']}, expected {byte_count}"
              + (" (the generated files' sizes)" if leader else ""))
        if not leader:
            check(rs["write_s"] == 0, f"{where}.write_s = {rs['write_s']}: only a leader writes")
    if args.expect_min_chunks:
        check(want == "bcast", "--expect-min-chunks without --stage bcast")
        for f in files:
            size = os.path.getsize(os.path.join(lib_dir, f))
            check(-(-size // chunk) >= args.expect_min_chunks,
                  f"{f} ({size} bytes) takes {-(-size // chunk)} chunks of {chunk} bytes, fewer than "
                  f"{args.expect_min_chunks}: the test would not exercise chunking")
    if want == "bcast":
        check(st["leaders"] == report["nhosts"] == len(first_on_host),
              f"stage.leaders = {st['leaders']}, {report['nhosts']} hosts")
        base = os.path.abspath(args.stage_dir) if args.stage_dir else program_option(args.command, "--stage-dir",
                                                                                      "/dev/shm")
        expect = os.path.join(os.path.abspath(base), f"pynamic-stage.{ranks[0]['host']}.{ranks[0]['pid']}")
        check(st["dir"] and os.path.isabs(st["dir"]) and os.path.normpath(st["dir"]) == os.path.normpath(expect),
              f"stage.dir = {st['dir']!r}, expected {expect!r}")
        check(not os.path.exists(st["dir"]), f"stage.dir {st['dir']} still exists after the run")
    else:
        check(st["leaders"] == 0 and st["dir"] is None, f"stage: leaders {st['leaders']}, dir {st['dir']!r} "
                                                        f"with --stage {want}")
    if want == "cache" and pilot_map:
        check_pilot_map(pilot_map, manifest)


def stage_leftovers(args):
    if not args.stage_dir or not os.path.isdir(args.stage_dir):
        return []
    return sorted(n for n in os.listdir(args.stage_dir) if n.startswith("pynamic-stage."))


def prepare_stage_dir(args):
    # A map a cache run is to record must be this run's, never one left by an earlier run.
    pilot_map = program_option(args.command, "--pilot-map")
    if program_option(args.command, "--stage") == "cache" and pilot_map and os.path.isfile(pilot_map):
        os.remove(pilot_map)
    if not args.stage_dir:
        return
    if args.stage_dir_missing:
        shutil.rmtree(args.stage_dir, ignore_errors=True)
        return
    os.makedirs(args.stage_dir, exist_ok=True)
    # Left by an earlier run killed from outside: not this run's to answer for.
    for name in stage_leftovers(args):
        shutil.rmtree(os.path.join(args.stage_dir, name), ignore_errors=True)


def check_stage_dir_after(args):
    if not args.stage_dir:
        return
    if args.stage_dir_missing:
        check(not os.path.exists(args.stage_dir), f"--stage-dir {args.stage_dir} did not exist, and now it does")
    left = stage_leftovers(args)
    check(not left, f"staging left {left} in {args.stage_dir}")


# --- page faults, page cache, placement (docs/metrics.md) ---------------------------------------------------------

RUSAGE_PATHS = [("import", "minflt"), ("import", "majflt"), ("visit", "minflt"), ("visit", "majflt"), ("maxrss_kib",)]


def count(x, what):
    check(isinstance(x, int) and not isinstance(x, bool) and x >= 0, f"{what} = {x!r}, expected a count >= 0")
    return x


def dig(obj, path):
    for key in path:
        obj = obj[key]
    return obj


def check_metrics(report, args):
    topo = {t["host"]: t for t in report["topology"]}
    check(set(topo) == {r["host"] for r in report["ranks"]}, f"topology hosts {sorted(topo)} vs the ranks' hosts")
    for t in report["topology"]:
        for key in ("packages", "numa_nodes", "cores", "pus"):
            check(isinstance(t[key], int) and t[key] >= 1, f"topology of {t['host']}: {key} = {t[key]!r}")
        check(t["packages"] <= t["cores"] <= t["pus"] and t["numa_nodes"] <= t["pus"], f"topology counts {t}")
    modes = set()
    for i, r in enumerate(report["ranks"]):
        where = f"ranks[{i}]"
        for path in RUSAGE_PATHS:
            count(dig(r["rusage"], path), f"{where}.rusage.{'.'.join(path)}")
        check(r["rusage"]["maxrss_kib"] > 0, f"{where}.rusage.maxrss_kib = 0")
        c = r["cache"]
        check(c["mode"] in ("cold", "warm"), f"{where}.cache.mode = {c['mode']!r}")
        modes.add(c["mode"])
        # Only a host's first rank counts the page cache, and only with --cold or --cache-count.
        counting = report["options"]["cold"] or report["options"]["cache_count"]
        first_on_host = r["host"] not in [q["host"] for q in report["ranks"][:i]]
        check(c["counted"] == (counting and first_on_host),
              f"{where}.cache.counted = {c['counted']}, expected {counting and first_on_host}")
        if c["counted"]:
            count(c["resident_pages"], f"{where}.cache.resident_pages")
            check(c["total_pages"] > 0 and c["resident_pages"] <= c["total_pages"] - c["unverified_pages"],
                  f"{where}.cache: {c['resident_pages']} resident of {c['total_pages']} ({c['unverified_pages']} "
                  f"unverified)")
        else:
            check(c["resident_pages"] is None, f"{where}.cache: pages given though not counted")
        p, t = r["placement"], topo[r["host"]]
        check(isinstance(p["core"], int) and 0 <= p["core"] < t["cores"], f"{where}.placement.core = {p['core']!r}, "
              f"{t['cores']} cores on {r['host']}")
        check(isinstance(p["numa"], int) and 0 <= p["numa"] < t["numa_nodes"],
              f"{where}.placement.numa = {p['numa']!r}, {t['numa_nodes']} NUMA nodes on {r['host']}")
        check(isinstance(p["pu"], int) and p["pu"] >= 0 and isinstance(p["pu_end"], int), f"{where}.placement.pu")
        check(re.fullmatch(r"0x[0-9a-f]+(,0x[0-9a-f]+)*", p["cpuset"]), f"{where}.placement.cpuset = {p['cpuset']!r}")
        check(isinstance(p["bound"], bool), f"{where}.placement.bound")
        if args.expect_bound:
            check(p["bound"] and p["bound_by_pynamic"], f"{where}: not bound by --bind core: {p}")
    check(len(modes) == 1 and report["cache"] == modes.pop(), f"cache {report['cache']!r} vs the ranks' cache.mode")
    check(report["options"]["cold"] == (report["cache"] == "cold"), "options.cold vs cache")
    if args.expect_cache:
        check(report["cache"] == args.expect_cache.split("-")[0], f"cache = {report['cache']!r}, expected {args.expect_cache}")
        check(any(r["cache"]["counted"] for r in report["ranks"]), "cache: no rank counted the page cache")
        for i, r in enumerate(report["ranks"]):
            c = r["cache"]
            if not c["counted"]:
                continue
            if args.expect_cache == "cold":
                check(c["resident_pages"] == 0, f"ranks[{i}]: cold, yet {c['resident_pages']} pages resident at import start")
            if args.expect_cache == "warm-full":
                check(c["resident_pages"] == c["total_pages"],
                      f"ranks[{i}]: warm, yet {c['resident_pages']} of {c['total_pages']} pages resident at import start")
    if args.expect_bound:
        check(report["options"]["bind"] == "core", "options.bind")
        by_host = {}
        for r in report["ranks"]:
            by_host.setdefault(r["host"], []).append(r)
        for host, rows in by_host.items():
            cores = topo[host]["cores"]
            # MPI_COMM_TYPE_SHARED orders a host's ranks by world rank: local rank k gets core k mod cores.
            for k, r in enumerate(rows):
                check(r["placement"]["core"] == k % cores,
                      f"rank {r['rank']} (local {k} on {host}) on core {r['placement']['core']}, expected {k % cores}")
            if len(rows) >= 2 and cores >= 2:
                check(rows[0]["placement"]["core"] != rows[1]["placement"]["core"],
                      f"ranks {rows[0]['rank']} and {rows[1]['rank']} share a core on {host}")
    for path in RUSAGE_PATHS:
        key = ".".join(path)
        values = [dig(r["rusage"], path) for r in report["ranks"]]
        s = dig(report["summary"]["rusage"], path)
        check(s["ranks"] == len(values), f"summary.rusage.{key}.ranks")
        check(s["min"] == min(values) and s["max"] == max(values), f"summary.rusage.{key} min/max disagree with the ranks")
        check(s["min"] <= s["median"] <= s["max"], f"summary.rusage.{key} order")
        close(s["mean"], sum(values) / len(values), 1e-6, f"summary.rusage.{key}.mean")
        check(dig(report["ranks"][s["max_rank"]]["rusage"], path) == s["max"], f"summary.rusage.{key}.max_rank")


def check_csv(path, report):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == report["nranks"], f"CSV has {len(rows)} rows, expected {report['nranks']}")
    for row, r in zip(rows, report["ranks"]):
        check(int(row["rank"]) == r["rank"] and row["host"] == r["host"], f"CSV rank/host of row {row['rank']}")
        for metric in METRICS:
            close(float(row[metric]), r[metric], 1e-8, f"CSV {metric} of rank {r['rank']}")
        check(row["checksum"] == r["checksum"] and row["checksum_ok"] == "true", f"CSV checksum of rank {r['rank']}")
        for k in FS_SLOTS:
            for c in FS_COUNTERS:
                want = "" if r["fs"] is None else str(r["fs"][k][c])
                check(row[f"{k}_{c}"] == want, f"CSV {k}_{c} of rank {r['rank']}: {row[f'{k}_{c}']!r}, JSON {want!r}")
        for path in RUSAGE_PATHS:
            column = "_".join(path)
            check(int(row[column]) == dig(r["rusage"], path), f"CSV {column} of rank {r['rank']}")
        pages = (lambda v: "" if v is None else str(v))
        check(row["cache"] == r["cache"]["mode"] and row["resident_pages"] == pages(r["cache"]["resident_pages"])
              and row["total_pages"] == pages(r["cache"]["total_pages"]), f"CSV cache of rank {r['rank']}")
        p = r["placement"]
        check((int(row["pu"]), int(row["core"]), int(row["numa"]), row["cpuset"], row["bound"])
              == (p["pu"], p["core"], p["numa"], p["cpuset"], "true" if p["bound"] else "false"),
              f"CSV placement of rank {r['rank']}")
        rs = r["stage"]
        check(row["stage_leader"] == str(int(rs["leader"])), f"CSV stage_leader of rank {r['rank']}")
        for key in ("files", "bytes", "shared_opens", "shared_enoent"):
            check(int(row[f"stage_{key}"]) == rs[key], f"CSV stage_{key} of rank {r['rank']}: {row[f'stage_{key}']!r}, "
                                                        f"JSON {rs[key]}")
        for key in ("read_s", "bcast_s", "write_s"):
            close(float(row[f"stage_{key}"]), rs[key], 1e-8, f"CSV stage_{key} of rank {r['rank']}")
        for key in ("fractal_first_row", "fractal_rows"):
            check(int(row[key]) == r[key], f"CSV {key} of rank {r['rank']}: {row[key]!r}, JSON {r[key]}")


def check_fractal_failure(stdout, report_path, args):
    """The MPI capability test failed and nothing else: the module test passed, every rank ran clean, the
    report's fractal summary carries the error."""
    lines = [l for l in stdout.splitlines() if l.startswith("Pynamic:")]
    tail = ["Pynamic: module test passed!", "Pynamic: testing mpi capability...", None, "Pynamic: mpi test FAILED!"]
    check(len(lines) >= 4 and all(w is None or l == w for l, w in zip(lines[-4:], tail)),
          f"the last 'Pynamic:' lines are {lines[-4:]}, expected {tail} (the time line third)")
    check(re.fullmatch(r"Pynamic: fractal mpi time = [0-9.]+ secs", lines[-2]), f"line {lines[-2]!r}")
    check(os.path.exists(report_path), "no report written")
    with open(report_path) as f:
        report = json.load(f)
    f = report["summary"]["fractal"]
    check(f["ran"] is True and f["passed"] is False and f["error"] and re.search(args.expect_fractal_failure,
                                                                                    f["error"]),
          f"summary.fractal {f}, expected a failure matching {args.expect_fractal_failure!r}")
    res = report["result"]
    check(res["passed"] is False and res["failed_ranks"] == 0 and res["errors"] == []
          and res["checksum_verified_ranks"] == args.ranks, f"result {res}: only the fractal may have failed")


def main():
    args = parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    exit_dir = os.path.join(args.workdir, "exit-codes")
    os.makedirs(exit_dir, exist_ok=True)
    for name in os.listdir(exit_dir):
        os.remove(os.path.join(exit_dir, name))
    report_path = os.path.abspath(os.path.join(args.workdir, "report.json"))
    csv_path = os.path.abspath(os.path.join(args.workdir, "report.csv"))
    for path in (report_path, csv_path) + ((args.fractal_image,) if args.fractal_image else ()) + tuple(args.expect_absent):
        if os.path.exists(path):
            os.remove(path)
    prepare_stage_dir(args)
    if args.warm_files:
        for name in sorted(os.listdir(args.warm_files)):
            with open(os.path.join(args.warm_files, name), "rb") as f:
                while f.read(1 << 20):
                    pass
    launch_time = f"{time.time():.9f}" if args.launch_time != "none" else None
    cmd = build_command(args, report_path, csv_path, launch_time)
    print("running:", shlex.join(cmd), flush=True)
    env = dict(os.environ, PYN_EXIT_DIR=exit_dir)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    with open(args.manifest) as f:
        manifest = json.load(f)
    try:
        check_exit_codes(args, exit_dir, proc.returncode)
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
        if args.expect_exit == 0 and not args.no_report:
            with open(report_path) as f:
                report = json.load(f)
            check_report(report, manifest, args, launch_time, report_path)
            check_csv(csv_path, report)
            check_compat_lines(proc.stdout, args.ranks, report)
            if args.fractal_image:
                check_fractal_image(args.fractal_image, args.ranks)
        elif not args.no_report and os.path.exists(report_path):
            with open(report_path) as f:
                report = json.load(f)
            check(report["result"]["passed"] is False, "a failed run wrote a report that says it passed")
        if args.expect_fractal_failure:
            check_fractal_failure(proc.stdout, report_path, args)
        leftovers = [n for n in os.listdir(args.workdir) if ".tmp." in n]
        check(not leftovers, f"temporary files left behind: {leftovers}")
        check_stage_dir_after(args)
    except CheckFailed as e:
        print(f"CHECK FAILED: {e}", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
