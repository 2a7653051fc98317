#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""loader.search-order: the places pyn_ld_search lists are those ld.so tries, in its order.

    search_order.py --probe EXE --lib LIB --name NAME --workdir DIR

Copies LIB alone into DIR/lonely (its RUNPATH $ORIGIN then holds no NAME),
makes two directories for LD_LIBRARY_PATH (given as "env1:env2/:env1", a
trailing slash and a repeat), and runs the probe (ctest/loader/ld_search_probe.c)
under LD_DEBUG=libs: it prints pyn_ld_search's list for NAME, then dlopen()s
the copy, and ld.so writes every file it tries for NAME. Checks, each a line
"CHECK FAILED: ..." and exit status 1: the probe's list is ld.so's, in the
same order, once each the files ld.so tries outside the hwcap subdirectories
(glibc-hwcaps/..., tls/, x86_64/, which pyn_ld_search does not model), and
every file ld.so tries that the list lacks is in such a subdirectory of a
listed directory; and both sources (LD_LIBRARY_PATH, RUNPATH, the default
directories) appear.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, checked, die  # noqa: E402


def ldso_tries(debug_files, name):
    """The files ld.so tried for name, in order, each once."""
    tried = []
    for path in debug_files:
        searching = False
        with open(path) as f:
            for line in f:
                m = re.search(r"find library=(\S+) \[", line)
                if m:
                    searching = m.group(1) == name
                    continue
                m = re.search(r"trying file=(\S+)$", line.rstrip("\n"))
                if searching and m and m.group(1) not in tried:
                    tried.append(m.group(1))
    return tried


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--probe", required=True)
    p.add_argument("--lib", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--workdir", required=True)
    args = p.parse_args()
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    lonely = os.path.join(work, "lonely")
    env1, env2 = os.path.join(work, "env1"), os.path.join(work, "env2")
    for d in (lonely, env1, env2):
        os.makedirs(d)
    lib = shutil.copy2(args.lib, lonely)
    debug = os.path.join(work, "ld.debug")
    env = dict(os.environ, LD_LIBRARY_PATH=f"{env1}:{env2}/:{env1}", LD_DEBUG="libs", LD_DEBUG_OUTPUT=debug)
    proc = subprocess.run([args.probe, lib, args.name, lonely], env=env, cwd=work, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        die(f"the probe exited {proc.returncode}")
    ours = [line.split("\t") for line in proc.stdout.splitlines()]
    listed = [path for path, _ in ours]
    tried = ldso_tries(glob.glob(debug + ".*"), args.name)
    print(f"ld.so tried {len(tried)} files for {args.name}; pyn_ld_search lists {len(listed)}")

    def verdict():
        check(tried, f"ld.so's debug output ({debug}.*) shows no search for {args.name}")
        in_both = [path for path in tried if path in listed]
        check(in_both == listed, f"order differs: ld.so tried {in_both}, pyn_ld_search lists {listed}")
        dirs = [os.path.dirname(path) for path in listed]
        stray = [path for path in tried if path not in listed
                 and not any(path.startswith(d + "/") for d in dirs)]
        check(not stray, f"ld.so tried files outside every listed directory: {stray}")
        sources = {source for _, source in ours}
        for source in ("LD_LIBRARY_PATH", "RUNPATH", "the default directories"):
            check(source in sources, f"no place from {source} listed")
        check(listed[:3] == [f"{env1}/{args.name}", f"{env2}/{args.name}", f"{lonely}/{args.name}"],
              f"the first places are not env1, env2, the RUNPATH: {listed[:3]}")

    return checked(verdict)


if __name__ == "__main__":
    sys.exit(main())
