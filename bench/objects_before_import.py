#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What the objects already loaded cost the import: the dlopen mode's loads with and without MPI_Init first.

    bench/objects_before_import.py BUILD_DIR [--runs 9] [--modules-only]

Builds bench/dlopen_loop.c with mpicc.mpich in a temporary directory, then runs it alternately without and with
MPI_Init before the loop (one process each, RUNS times): libmodulebegin.so and every module of BUILD_DIR's tree
dlopen'ed by path, RTLD_NOW | RTLD_LOCAL, as pynamic-mode-dlopen does (--modules-only: the modules alone, the
first one bringing in the utilities, RTLD_GLOBAL so that each module's call of the one before it resolves). Prints the objects mapped before the loop
and the loop's median seconds for each, and their ratio (docs/metrics.md, "Objects loaded before the import").
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--modules-only", action="store_true", help="dlopen the modules without libmodulebegin first")
    a = p.parse_args()
    if a.runs < 1:
        sys.exit(f"objects_before_import: --runs {a.runs}: at least 1")
    with open(os.path.join(a.build, "generated", "manifest.json")) as f:
        manifest = json.load(f)
    modules = [lib["file"] for lib in manifest["libraries"] if lib["kind"] == "module"]
    libdir = os.path.join(a.build, "lib")
    mpicc = shutil.which("mpicc.mpich")
    if not mpicc:
        sys.exit("objects_before_import: mpicc.mpich not found (bench/install-deps.sh installs MPICH)")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dlopen_loop.c")
    results = {"without MPI_Init": [], "after MPI_Init": []}
    objects = {}
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "dlopen_loop")
        subprocess.run([mpicc, "-O2", "-Wall", "-Werror", "-o", exe, source, "-ldl"], check=True)
        for _ in range(a.runs):
            only = ["--modules-only"] if a.modules_only else []
            for label, extra in (("without MPI_Init", only), ("after MPI_Init", ["--mpi", *only])):
                proc = subprocess.run([exe, *extra, libdir, *modules], capture_output=True, text=True)
                if proc.returncode != 0:
                    sys.exit(f"objects_before_import: {label}: exit {proc.returncode}: {proc.stderr.strip()}")
                n, t = proc.stdout.split()
                objects[label] = int(n)
                results[label].append(float(t))
    print(f"{len(modules)} modules of {a.build}: median of {a.runs} alternating runs, one process each")
    med = {k: statistics.median(v) for k, v in results.items()}
    for label in results:
        print(f"{label:18} {objects[label]:4d} objects before the loop   loop {med[label]:.4f} s")
    print(f"ratio after / without: {med['after MPI_Init'] / med['without MPI_Init']:.2f}")


if __name__ == "__main__":
    main()
