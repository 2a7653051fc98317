#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Built-in modules make no file-system lookups: runs a mode (one process, no
launcher) under `strace -f -e trace=%file,write` and checks that, up to the
end of the visit (the 'module visit time' line rank 0 writes and flushes), no system
call names a path holding a generated library or module (a utility, module
or marker name as a whole word: libmodule1 matches libmodule1.so, not
libmodule10). After the visit the report reads the tree's shared objects
for its static sizes; that is not an import and is left out.

With --expect-lookups the same check must find such paths (a mode that
imports from the file system, e.g. pynamic-mode-python): the checker can
fail. Either way the run's report must pass.

usage: check_no_lookups.py --strace STRACE --manifest MANIFEST --workdir DIR [--expect-lookups]
                           -- PROGRAM [ARGS...]
Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail, load_report  # noqa: E402

PATH_ARG = re.compile(r'"((?:[^"\\]|\\.)*)"')
VISIT_LINE = "Pynamic: module visit time"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--strace", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--expect-lookups", action="store_true")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("no program given after --")
    os.makedirs(args.workdir, exist_ok=True)
    trace = os.path.join(args.workdir, "strace.txt")
    report = os.path.join(args.workdir, "report.json")
    for path in (trace, report):
        if os.path.exists(path):
            os.remove(path)
    cmd = [args.strace, "-f", "-s", "4096", "-e", "trace=%file,write", "-o", trace] + command + ["--json", report]
    print("running:", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        fail(f"exited {proc.returncode}")
    if not load_report(report)["result"]["passed"]:
        fail("the report says the run failed")
    with open(args.manifest) as f:
        names = [lib["name"] for lib in json.load(f)["libraries"]]
    generated = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9_])")

    calls, hits, visit_seen = 0, [], False
    with open(trace) as f:
        for line in f:
            if " write(" in line:
                visit_seen = visit_seen or VISIT_LINE in line
                continue
            if visit_seen:
                continue
            calls += 1
            for path in PATH_ARG.findall(line):
                if generated.search(path):
                    hits.append(line.strip())
    if not visit_seen:
        fail(f"the trace never shows rank 0 writing {VISIT_LINE!r}: cannot tell where the visit ended")
    print(f"{calls} file-system calls before the end of the visit, {len(hits)} naming a generated library")
    for line in hits[:5]:
        print("   ", line)
    if args.expect_lookups and not hits:
        fail("no file-system call named a generated library, but this mode imports them from files: "
             "the check cannot see lookups")
    if not args.expect_lookups and hits:
        fail(f"{len(hits)} file-system calls named a generated library before the end of the visit, e.g. {hits[0]}")
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
