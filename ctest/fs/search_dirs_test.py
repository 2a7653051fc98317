#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
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
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import ScratchTree, add_tree_options, check, checked, load_report, run_ok  # noqa: E402

TREE = "4 10 -u 2 10"
K = 4


def import_counts(exe, workdir, name, extra=()):
    path = os.path.join(workdir, f"{name}.json")
    run_ok([exe, "--audit", "--json", path, "--progress", "never", *extra], f"run {name}", timeout=600)
    report = load_report(path)
    fs = report["ranks"][0]["fs"]
    check(fs is not None, f"{name}: no file-system counts: {report['fs']['error']}")
    return report, fs["import"]


def check_search_dirs(args):
    work = args.build + ".runs"
    os.makedirs(work, exist_ok=True)

    ref_report, ref = import_counts(args.reference_mode, work, "reference", ["--manifest", args.reference_manifest])
    check(ref_report["config"]["search_dirs"] == 1,
          f"the reference tree has search_dirs {ref_report['config']['search_dirs']}, expected 1")
    c = ref["enoent"] + 1
    print(f"reference (1 search directory): opens {ref['opens']}, enoent {ref['enoent']}: "
          f"C = {c} candidates per directory on first search")

    tree = ScratchTree.from_args(args, defines=[f"PYNAMIC_CONFIG={TREE} --search-dirs {K}"])
    tree.remove()
    tree.configure_ok(what="configure the --search-dirs tree", timeout=600)
    tree.build_ok("pynamic-mode-dlopen", what="build the --search-dirs tree")

    report, got = import_counts(os.path.join(args.build, "pynamic-mode-dlopen"), work, f"search-dirs-{K}")
    cfg = report["config"]
    check(cfg["search_dirs"] == K and f"--search-dirs {K}" in cfg["arguments"],
          f"the report's config does not record --search-dirs {K}: {cfg}")
    # libmodulebegin (dlopen'ed by path) needs every module, each module every utility: every module and
    # utility is searched for once, through all K directories; the markers are opened by path.
    searched = cfg["num_utilities"] + report["generated"]["modules"]
    files = report["generated"]["libraries"] + report["generated"]["markers"]
    predicted = K * (c - 1) + (K - 1) * searched
    print(f"--search-dirs {K}, {searched} libraries searched for: opens {got['opens']}, enoent {got['enoent']}; "
          f"predicted enoent {K} * ({c} - 1) + ({K} - 1) * {searched} = {predicted}")
    check(got["opens"] == files, f"opens {got['opens']}, expected one per library and marker ({files})")
    check(got["enoent"] == predicted, f"enoent {got['enoent']} is not the predicted {predicted}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for a in ("--reference-mode", "--reference-manifest"):
        p.add_argument(a, required=True)
    add_tree_options(p)
    return checked(check_search_dirs, p.parse_args(), passed="ok")


if __name__ == "__main__":
    sys.exit(main())
