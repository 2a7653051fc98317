"""The JSON report against the manifest (every rank imported and visited every module with the expected
checksum), its summaries against its rows, and the CSV against the JSON."""
import csv
import os

from pynamictest import check, close, positive

from .fractal import check_fractal
from .loader import FS_COUNTERS, FS_SLOTS, check_fs
from .metrics import RUSAGE_PATHS, check_metrics, dig
from .stage import check_stage


METRICS = ["mpi_init_s", "startup_s", "import_s", "visit_s", "total_s", "stage_s", "total_with_stage_s", "fractal_s"]


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
