#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Prints one table comparing pynamic JSON reports (one per mode or run):
each phase's median and max across ranks, and whether the run verified.

    python3 bench/compare_reports.py build/demo/demo-results/*.json
"""
import json
import sys

PHASES = ["startup_s", "import_s", "visit_s", "total_s"]


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows = []
    for path in paths:
        try:
            with open(path) as f:
                r = json.load(f)
        except (OSError, ValueError) as e:
            print(f"compare_reports: {path}: {e}", file=sys.stderr)
            return 1
        rows.append(r)
    cfg = rows[0]["config"]["arguments"]
    print(f"configuration: {cfg}")
    head = f"{'mode':<14} {'ranks':>5}" + "".join(f" {p[:-2] + ' med/max (s)':>23}" for p in PHASES) + "  verified"
    print(head)
    for r in rows:
        if r["config"]["arguments"] != cfg:
            print(f"compare_reports: {r['mode']} ran configuration {r['config']['arguments']}, not {cfg}",
                  file=sys.stderr)
            return 1
        cells = "".join(f" {r['summary'][p]['median']:>11.6f}/{r['summary'][p]['max']:<11.6f}" for p in PHASES)
        ok = r["result"]["checksum_verified_ranks"]
        print(f"{r['mode']:<14} {r['nranks']:>5}{cells}  {ok}/{r['nranks']}")
    return 0 if all(r["result"]["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
