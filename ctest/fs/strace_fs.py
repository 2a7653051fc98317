#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The file-system counts a mode reports against strace's view of the same run.

    strace_fs.py --manifest M --workdir D [--strace S] -- MODE [ARGS...]

Runs MODE as one process under `strace -f -e trace=openat,open,write`, with
--json. The import phase is bracketed in the trace by rank 0's own lines
("... now importing modules" before it, "module import time" after it).
Between them, every open()/openat() of a path whose file name is one of the
manifest's libraries (or markers) is counted: those that returned a file
descriptor, and those that failed. The report's fs.import must give
opens == successful opens and opens + enoent == all of them, exactly
(tolerance 0: ld.so's probes are deterministic and nothing else opens the
generated files during the import). The same count outside the import must
be non-zero (the static summary reads every library after the run), which
shows the bracketing really separates the phases.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail, load_report  # noqa: E402

OPEN_RE = re.compile(r'^\d+\s+(?:openat\(AT_FDCWD|open\()\s*,?\s*"([^"]*)".*\)\s+=\s+(-?\d+)')
WRITE_RE = re.compile(r'^\d+\s+write\(\d+, "(.*)"')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--strace", default="strace")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        fail("no command given")
    os.makedirs(args.workdir, exist_ok=True)
    trace = os.path.join(args.workdir, "strace.txt")
    report_path = os.path.join(args.workdir, "report.json")
    for f in (trace, report_path):
        if os.path.exists(f):
            os.remove(f)
    with open(args.manifest) as f:
        manifest = json.load(f)
    names = {lib["file"] for lib in manifest["libraries"]} | {m["file"] for m in manifest.get("markers", [])}

    cmd = [args.strace, "-f", "-s", "256", "-e", "trace=openat,open,write", "-o", trace] + command + \
          ["--audit", "--json", report_path, "--progress", "never"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    if proc.returncode != 0:
        fail(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")

    phase = "before"
    counts = {"before": [0, 0], "import": [0, 0], "after": [0, 0]}  # [succeeded, failed]
    with open(trace) as f:
        for line in f:
            w = WRITE_RE.match(line)
            if w:
                if "now importing modules" in w.group(1) and phase == "before":
                    phase = "import"
                elif "module import time" in w.group(1) and phase == "import":
                    phase = "after"
                continue
            o = OPEN_RE.match(line)
            if o and os.path.basename(o.group(1)) in names:
                counts[phase][0 if int(o.group(2)) >= 0 else 1] += 1
    if phase != "after":
        fail(f"the trace never showed the import phase's end (stopped in '{phase}'): see {trace}")

    report = load_report(report_path)
    fs = report["ranks"][0]["fs"]
    if fs is None:
        fail(f"the report has no file-system counts: {report['fs']['error']}")
    imp = fs["import"]
    ok, failed = counts["import"]
    print(f"import phase: strace saw {ok} successful and {failed} failed opens of generated files; "
          f"the report says opens {imp['opens']}, enoent {imp['enoent']}, stats {imp['stats']}, bytes {imp['bytes']}")
    print(f"outside the import phase strace saw {counts['before']} before and {counts['after']} after "
          f"([succeeded, failed])")
    if ok == 0:
        fail("strace saw no open of a generated file during the import: the mode did not load them there")
    if imp["opens"] != ok or imp["opens"] + imp["enoent"] != ok + failed:
        fail(f"reported opens {imp['opens']} + enoent {imp['enoent']} do not match strace's {ok} + {failed}")
    if sum(counts["after"]) == 0:
        fail("strace saw no open of a generated file after the import (the static summary reads them all): "
             "the phase bracketing is wrong")
    print("ok")


if __name__ == "__main__":
    main()
