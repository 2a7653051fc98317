#!/usr/bin/env python3
"""--search-dirs raises the loader's failed probes by the predicted amount.

    search_dirs_test.py --reference-mode EXE --reference-manifest M
                        --source DIR --build DIR --cmake CMAKE --generator GEN
                        [--make-program P] [--c-compiler CC] [--python PY]

The reference is a tree built with one search directory (the ci tree): one
run of its pynamic-mode-dlopen gives C, the candidate paths ld.so tries in a
directory the first time it searches one (the hwcaps subdirectories, which
it then remembers as missing, plus the directory itself). Its import probes
only the library directory, so its enoent is C - 1 (everything but the file
that is there).

Then a small tree is configured and built with --search-dirs K. In its
import ld.so searches for each of U utility libraries (the modules are opened
by path, and a module's predecessor is already loaded), through K
directories, the first K-1 empty. The first search meets every directory for
the first time (C - 1 failed candidates in each of the empty ones, plus its
own file, and C - 1 in the library directory); every later search fails once
per empty directory. So:

    enoent(K) = K * (C - 1) + (K - 1) * U

which must hold exactly, and opens must equal the tree's libraries loaded.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

TREE = "4 10 -u 2 10"
K = 4


def fail(msg):
    print(f"CHECK FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def run(cmd, what, timeout=600):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if proc.returncode != 0:
        fail(f"{what}: {' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-3000:]}")
    return proc.stdout


def import_counts(exe, workdir, name, extra=()):
    path = os.path.join(workdir, f"{name}.json")
    run([exe, "--json", path, "--progress", "never", *extra], f"run {name}")
    with open(path) as f:
        report = json.load(f)
    fs = report["ranks"][0]["fs"]
    if fs is None:
        fail(f"{name}: no file-system counts: {report['fs']['error']}")
    return report, fs["import"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for a in ("--reference-mode", "--reference-manifest", "--source", "--build", "--cmake", "--generator"):
        p.add_argument(a, required=True)
    p.add_argument("--make-program")
    p.add_argument("--c-compiler")
    p.add_argument("--python")
    args = p.parse_args()
    work = args.build + ".runs"
    os.makedirs(work, exist_ok=True)

    ref_report, ref = import_counts(args.reference_mode, work, "reference", ["--manifest", args.reference_manifest])
    if ref_report["config"]["search_dirs"] != 1:
        fail(f"the reference tree has search_dirs {ref_report['config']['search_dirs']}, expected 1")
    c = ref["enoent"] + 1
    print(f"reference (1 search directory): opens {ref['opens']}, enoent {ref['enoent']}: "
          f"C = {c} candidates per directory on first search")

    shutil.rmtree(args.build, ignore_errors=True)
    config = [args.cmake, "-S", args.source, "-B", args.build, "-G", args.generator, "-DBUILD_TESTING=OFF",
              "-DCMAKE_BUILD_TYPE=Release", f"-DPYNAMIC_CONFIG={TREE} --search-dirs {K}"]
    for flag, value in (("CMAKE_MAKE_PROGRAM", args.make_program), ("CMAKE_C_COMPILER", args.c_compiler),
                        ("Python3_EXECUTABLE", args.python)):
        if value:
            config.append(f"-D{flag}={value}")
    run(config, "configure the --search-dirs tree")
    run([args.cmake, "--build", args.build, "--target", "pynamic-mode-dlopen"], "build the --search-dirs tree")

    report, got = import_counts(os.path.join(args.build, "pynamic-mode-dlopen"), work, f"search-dirs-{K}")
    cfg = report["config"]
    if cfg["search_dirs"] != K or f"--search-dirs {K}" not in cfg["arguments"]:
        fail(f"the report's config does not record --search-dirs {K}: {cfg}")
    # libmodulebegin (dlopen'ed by path) needs every module, each module every utility: every module and
    # utility is searched for once, through all K directories; the markers are opened by path.
    searched = cfg["num_utilities"] + report["generated"]["modules"]
    files = report["generated"]["libraries"] + report["generated"]["markers"]
    predicted = K * (c - 1) + (K - 1) * searched
    print(f"--search-dirs {K}, {searched} libraries searched for: opens {got['opens']}, enoent {got['enoent']}; "
          f"predicted enoent {K} * ({c} - 1) + ({K} - 1) * {searched} = {predicted}")
    if got["opens"] != files:
        fail(f"opens {got['opens']}, expected one per library and marker ({files})")
    if got["enoent"] != predicted:
        fail(f"enoent {got['enoent']} is not the predicted {predicted}")
    print("ok")


if __name__ == "__main__":
    main()
