#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The report's JSON Schema (docs/report.md, "The schema").

    check_schema.py committed --built BUILD/report.schema.json --committed docs/report.schema.json
    check_schema.py strict --mode BUILD/pynamic-mode-dlopen --workdir DIR

committed: the copy in docs/ is the one the build generated from the field table, byte for byte, and a valid
draft 2020-12 schema. strict: a real report passes it, and every way of breaking it is caught: each field of a
rank's record (from the schema's own list) removed, given the wrong type, or null where it may not be; a key
added; a summary or fixed part missing or mistyped.
"""
import argparse
import copy
import csv
import difflib
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import (check, checked, csv_columns, load_report, rank_fields, run_ok,  # noqa: E402
                         schema_errors)


def committed(args):
    with open(args.built) as f:
        built = f.read()
    with open(args.committed) as f:
        ours = f.read()
    if built != ours:
        diff = "".join(list(difflib.unified_diff(ours.splitlines(True), built.splitlines(True), args.committed,
                                                 args.built, n=1))[:40])
        check(False, f"{args.committed} is not the build's {args.built} (the field table or the fixed parts changed): "
                     f"run `cmake --build --preset <preset> --target update-report-schema` and commit it\n{diff}")
    import json
    from jsonschema import Draft202012Validator
    Draft202012Validator.check_schema(json.loads(built))


def mutate(report, path, action):
    """A copy of report with the value at path (keys and indices) deleted, or replaced by action's value."""
    r = copy.deepcopy(report)
    obj = r
    for key in path[:-1]:
        obj = obj[key]
    if action == "delete":
        del obj[path[-1]]
    else:
        obj[path[-1]] = action[1]
    return r


def must_fail(report, path, action, what):
    errors = schema_errors(mutate(report, path, action))
    check(errors, f"the schema accepts the report with {what}")


def strict(args):
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    rpath, cpath = os.path.join(args.workdir, "r.json"), os.path.join(args.workdir, "r.csv")
    # With the opt-in binding counter, so that every field has a value to remove or mistype.
    bindings = os.path.join(os.path.dirname(os.path.abspath(args.mode)), "libpynamic-audit-bindings.so")
    run_ok([args.mode, "--audit", "--json", rpath, "--csv", cpath, "--progress", "never"], "the run", timeout=50,
           env=dict(os.environ, LD_AUDIT=bindings))
    report = load_report(rpath)
    check(report["ranks"][0]["bindings"] is not None, f"LD_AUDIT={bindings}: no binding counts")
    with open(cpath, newline="") as f:
        header = next(csv.reader(f))
    check(header == [c["column"] for c in csv_columns()], f"CSV header {header} is not the schema's x-csv-columns")

    fields = rank_fields()
    check(len(fields) > 50, f"the schema lists {len(fields)} per-rank fields")
    for path, schema in fields:
        where = ("ranks", 0) + path
        name = "ranks[0]." + ".".join(path)
        must_fail(report, where, "delete", f"{name} removed")
        must_fail(report, where, ("set", [1]), f"{name} an array")
        types = schema.get("type", [])
        if "null" not in types:
            must_fail(report, where, ("set", None), f"{name} null (it is never null)")
        if "string" in types:
            must_fail(report, where, ("set", 7), f"{name} a number")
        elif "integer" in types or "number" in types:
            must_fail(report, where, ("set", "7"), f"{name} a string")
        elif "boolean" in types:
            must_fail(report, where, ("set", 1), f"{name} the number 1")
    for where, action, what in (
            (("ranks", 0, "bogus"), ("set", 1), "a key no field has"),
            (("ranks", 0, "fs", "import", "bogus"), ("set", 1), "a key in fs.import"),
            (("summary", "import_s"), "delete", "summary.import_s removed"),
            (("summary", "import_s", "max_rank"), ("set", "0"), "summary.import_s.max_rank a string"),
            (("summary", "rusage", "maxrss_kib", "ranks"), "delete", "summary.rusage.maxrss_kib.ranks removed"),
            (("summary", "fractal", "ran"), ("set", None), "summary.fractal.ran null"),
            (("fs", "phases", "import", "bindings", "sum"), ("set", 1.5), "fs.phases.import.bindings.sum a fraction"),
            (("spans", "import_s"), "delete", "spans.import_s removed"),
            (("result", "passed"), ("set", 1), "result.passed the number 1"),
            (("config", "seed"), ("set", "1"), "config.seed a string"),
            (("generated", "expected_checksum"), ("set", "0x12"), "a 4-digit checksum"),
            (("static", "libraries", "all", "text_bytes"), "delete", "static.libraries.all.text_bytes removed"),
            (("stage", "strategy"), ("set", "scatter"), "stage.strategy not a strategy"),
            (("job",), "delete", "job removed"),
            (("job", "launcher"), ("set", "mpirun"), "job.launcher not a launcher"),
            (("job", "scheduler"), ("set", "sge"), "job.scheduler not a scheduler"),
            (("job", "id"), ("set", 5), "job.id a number"),
            (("job", "hosts"), ("set", []), "job.hosts empty"),
            (("job", "hosts", 0, "ranks"), ("set", 0), "a host with no rank"),
            (("build", "source_commit"), ("set", "9f0c31d"), "an abbreviated commit"),
            (("build", "source_dirty"), ("set", "yes"), "build.source_dirty a string"),
            (("schema_version",), ("set", 2), "schema_version 2"),
            (("nranks",), ("set", 0), "nranks 0")):
        must_fail(report, where, action, what)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    c = sub.add_parser("committed")
    c.add_argument("--built", required=True)
    c.add_argument("--committed", required=True)
    s = sub.add_parser("strict")
    s.add_argument("--mode", required=True)
    s.add_argument("--workdir", required=True)
    args = p.parse_args()
    return checked(committed if args.what == "committed" else strict, args)


if __name__ == "__main__":
    sys.exit(main())
