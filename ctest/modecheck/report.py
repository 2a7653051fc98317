# SPDX-License-Identifier: BSD-3-Clause
"""The JSON report against the manifest (every rank imported and visited every module with the expected
checksum), its summaries against its rows, and the CSV against the JSON. The metrics and the CSV's columns are
the schema's (docs/report.schema.json, generated from the field table): a new field is checked without a line
here."""
import csv
import os

from pynamictest import check, close, csv_columns, dig, positive, summarised

from .fractal import check_fractal
from .loader import check_fs
from .loadtime import check_load
from .metrics import check_metrics
from .stage import check_stage


# Every field summarised with min, median, mean, max and the slowest rank: mpi_init_s, ..., fractal_s, ...,
# load.objects_before_import (paths into the summary and into a rank's object).
METRICS = summarised("spread")


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
        skewed = args.launch_time == "future"
        for key in ("import_s", "visit_s", "mpi_init_s", "startup_exec_s") + (() if skewed else ("startup_s", "total_s")):
            positive(r[key], f"{where}.{key}")
        if skewed:
            # The launch time is an hour after the process began: clock skew, so no startup (and no total).
            check(r["startup_s"] is None and r["startup_launch_s"] is None and r["total_s"] is None,
                  f"{where}: startup_s {r['startup_s']}, startup_launch_s {r['startup_launch_s']}, total_s "
                  f"{r['total_s']}: expected null with a launch time in the future")
            check(r["clock_skew_s"] is not None and 3500 < r["clock_skew_s"] < 3700,
                  f"{where}.clock_skew_s = {r['clock_skew_s']}, expected about 3600")
        else:
            close(r["total_s"], r["startup_s"] + r["import_s"] + r["visit_s"], 1e-9, f"{where}.total_s")
            check(r["clock_skew_s"] is None, f"{where}.clock_skew_s = {r['clock_skew_s']}, expected null")
            if launch_time:
                check(r["startup_launch_s"] is not None and r["startup_s"] == r["startup_launch_s"],
                      f"{where}.startup_launch_s")
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
        close(r["modules_per_s"], r["modules_imported"] / r["import_s"], 1e-9 * r["modules_per_s"],
              f"{where}.modules_per_s vs modules_imported / import_s")
    for path in METRICS:
        metric = ".".join(path)
        s = dig(report["summary"], path)
        values = [dig(r, path) for r in report["ranks"]]
        if all(v is None for v in values):
            check(s["min"] is None and s["max"] is None and s["mean"] is None, f"summary.{metric} of no values")
            continue
        check(s["min"] == min(values) and s["max"] == max(values), f"summary.{metric} min/max disagree with the ranks")
        check(s["min"] <= s["median"] <= s["max"] and s["min"] <= s["mean"] <= s["max"], f"summary.{metric} order")
        # 1e-9 of the value or absolute, whichever is larger: a rate runs to millions.
        close(s["mean"], sum(values) / len(values), 1e-9 * max(1.0, abs(s["mean"])), f"summary.{metric}.mean")
        check(dig(report["ranks"][s["max_rank"]], path) == s["max"], f"summary.{metric}.max_rank does not hold the max")
        check(s["max_host"] == report["ranks"][s["max_rank"]]["host"], f"summary.{metric}.max_host")
    for key in ("import_s", "visit_s"):
        positive(report["spans"][key], f"spans.{key}")
    audited = "--audit" in args.command
    check(report["options"]["audit"] is audited, f"options.audit = {report['options']['audit']}, the command line "
                                                  f"{'has' if audited else 'has no'} --audit")
    check_fs(report, totals, args.mode, audited)
    check_load(report, totals, args.mode, args.built_in, audited)
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


def csv_cell(value, fmt):
    """How the CSV writes a JSON value: null empty, booleans true/false (0/1 for format "01"), numbers as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value)) if fmt == "01" else ("true" if value else "false")
    return str(value)


def check_csv(path, report):
    with open(path, newline="") as f:
        header = next(csv.reader(f))
        f.seek(0)
        rows = list(csv.DictReader(f))
    columns = csv_columns()
    check(header == [c["column"] for c in columns],
          f"CSV header {header}, expected the schema's x-csv-columns {[c['column'] for c in columns]}")
    check(len(rows) == report["nranks"], f"CSV has {len(rows)} rows, expected {report['nranks']}")
    with open(path, newline="") as f:
        lines = f.read().splitlines()[1:]
    for line, row, r in zip(lines, rows, report["ranks"]):
        check(int(row["rank"]) == r["rank"] and row["host"] == r["host"], f"CSV rank/host of row {row['rank']}")
        check(row["checksum"] == r["checksum"] and row["checksum_ok"] == "true", f"CSV checksum of rank {r['rank']}")
        # Every column against the JSON value at its path: numbers within the CSV's nanosecond digits.
        for c in columns:
            # A run's column (scope "report": mode, config, job_id) has its path from the report's top.
            name, want = c["column"], dig(report if c.get("scope") == "report" else r, c["path"])
            where = f"CSV {name} of rank {r['rank']}: {row[name]!r}, JSON {'.'.join(c['path'])} = {want!r}"
            if isinstance(want, float):
                check(row[name] != "" and abs(float(row[name]) - want) <= 1e-8 * max(1.0, abs(want)), where)
            else:
                check(row[name] == csv_cell(want, c.get("format")), where)
            if c.get("format") == "quoted" and want is not None:
                check(f'"{want}"' in line, f"CSV {name} of rank {r['rank']} not quoted: {line}")
