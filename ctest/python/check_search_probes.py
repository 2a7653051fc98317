#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Import search depth, seen from the system calls: runs a Python mode (one process, no launcher) under
`strace -f -e trace=openat,newfstatat,statx` with --search-depth N and checks that every import searched
the N directories, in sys.path order, before it found its module in the modules' directory; then with
--search-depth 0 that no import touched them. The report must pass and record the depth.

usage: check_search_probes.py --strace STRACE --manifest MANIFEST --lib-dir DIR --workdir DIR --depth N
                              -- PROGRAM [ARGS...]      (PROGRAM may be "python3 pynamic_driver.py")
Standard library only.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail, load_report  # noqa: E402

EVENT = re.compile(r'^\d+\s+(openat|newfstatat|statx|stat|lstat)\((?:AT_FDCWD|-?\d+), "([^"]*)"')


def traced_run(args, depth, tag):
    root = os.path.join(args.workdir, f"search-{tag}")
    shutil.rmtree(root, ignore_errors=True)
    trace = os.path.join(args.workdir, f"strace-{tag}.txt")
    report = os.path.join(args.workdir, f"report-{tag}.json")
    cmd = [args.strace, "-f", "-e", "trace=openat,newfstatat,statx,stat,lstat", "-o", trace] + args.command + [
        "--search-depth", str(depth), "--search-root", root, "--json", report]
    print("running:", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        fail(f"{tag}: exited {proc.returncode}")
    rep = load_report(report)
    if not rep["result"]["passed"]:
        fail(f"{tag}: the report says the run failed: {rep['result']}")
    if rep["options"].get("search_depth") != str(depth):
        fail(f"{tag}: options.search_depth = {rep['options'].get('search_depth')!r}, expected {str(depth)!r}")
    if rep["options"].get("search_root") != os.path.realpath(root):
        fail(f"{tag}: options.search_root = {rep['options'].get('search_root')!r}, expected {root!r}")
    with open(trace) as f:
        events = [(m.group(1), m.group(2)) for m in map(EVENT.match, f) if m]
    return os.path.realpath(root), [path for _, path in events], events


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--strace", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--lib-dir", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--depth", type=int, required=True)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command or args.depth < 1:
        p.error("a program after -- and --depth >= 1 are required")
    os.makedirs(args.workdir, exist_ok=True)
    with open(args.manifest) as f:
        manifest = json.load(f)
    libs = manifest["libraries"]
    markers = {l["role"]: l for l in libs if l["kind"] == "marker"}
    imports = [markers["begin"]] + [l for l in libs if l["kind"] == "module"] + [markers["final"]]
    lib_dir = os.path.realpath(args.lib_dir)

    root, paths, events = traced_run(args, args.depth, f"depth{args.depth}")
    dirs = [os.path.join(root, f"dir{k}") for k in range(args.depth)]
    # Where each import found its module: the importer's stat of the module's file. (The loader opens every
    # module with openat as a dependency of libmodulebegin, the first import, and fstats it by descriptor.)
    found = []
    for lib in imports:
        target = os.path.join(lib_dir, lib["file"])
        at = [i for i, (call, path) in enumerate(events) if path == target and call != "openat"]
        if not at:
            fail(f"no stat of {target}: the importer did not find the module in the modules' directory")
        found.append(at[0])
    if found != sorted(found):
        fail(f"modules found out of manifest order: {found}")
    # Between one import's find and the next, the next import searched every directory, in order. (The
    # first import is left out: before it, the mode also stats the directories when it creates them.)
    for (before, after), lib in zip(zip(found, found[1:]), imports[1:]):
        probed = [p for p in paths[before + 1:after] if p in dirs]
        it = iter(probed)
        if not all(d in it for d in dirs):
            fail(f"import of {lib['name']}: probed {probed}, expected every one of {dirs} in order")
    stray = [p for p in paths if p.startswith(root + "/dir") and p not in dirs]
    if stray:
        fail(f"probed directories beyond --search-depth {args.depth}: {sorted(set(stray))}")
    counts = {d: paths.count(d) for d in dirs}
    print(f"ok: depth {args.depth}: {len(imports) - 1} imports each searched all {args.depth} directories; "
          f"calls per directory: {counts}")

    # The control: without search directories nothing under the root is touched by an import.
    root0, paths0, _ = traced_run(args, 0, "depth0")
    touched = sorted({p for p in paths0 if p.startswith(root0 + "/")})
    if touched:
        fail(f"depth 0: imports touched {touched}")
    print("ok: depth 0: no search directory probed")
    print("all checks passed")


if __name__ == "__main__":
    main()
