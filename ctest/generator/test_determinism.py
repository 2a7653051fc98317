# SPDX-License-Identifier: BSD-3-Clause
"""Determinism: the same arguments and seed give byte-identical trees
(whatever the option order, -j or -t); the original's build options (-b,
-i, --with-*, -c) change targets.cmake's build-option lines and nothing
else; another seed gives another tree.

usage: test_determinism.py PYNAMIC_GEN
"""

import os
import re
import sys

from genlib import Workdir, run_gen
from pynamictest import check, checked, snapshot
ARGS = ["14", "30", "-e", "-u", "5", "25", "-n", "16", "-d", "7", "-s", "42"]


def contents(root):
    return {path: data for path, (data, _mtime, _ino) in snapshot(root).items()}


def main():
    gen = sys.argv[1]
    with Workdir() as work:
        def tree(name, args):
            out = os.path.join(work, name)
            run_gen(gen, ["-o", out] + args)
            return contents(out)

        a = tree("a", ARGS)
        check(len(a) == 14 + 2 + 2, "expected 18 files (14 libraries, 2 markers, manifest, fragment), got %d"
              % len(a))
        b = tree("b", ARGS)
        check(a == b, "two generations with the same seed differ: %s" %
              sorted(p for p in a if a.get(p) != b.get(p))[:5])
        # options first, compatibility flags and parallel writers change nothing
        reordered = ["-s", "42", "-d", "7", "-n", "16", "-u", "5", "25", "-e",
                     "-t", "14", "-j", "3", "30"]
        c = tree("c", reordered)
        check(a == c, "option order, -t or -j changed the tree: %s" %
              sorted(p for p in a if a.get(p) != c.get(p))[:5])
        # the build options: recorded for the outer build, nothing generated depends on them
        build = ["-b", "-i", "/usr/include", "--with-cc=gcc", "--with-python=python3",
                 "--with-mpi4py", "--with-pympi", "-c", "-e", "-n", "99", "--prefix=/x"]
        g = tree("g", ARGS + build)
        fragment = "targets.cmake"
        check(a.keys() == g.keys(), "the build options changed the file names")
        check(sorted(p for p in a if a[p] != g[p]) == [fragment],
              "the build options changed %s (only %s may differ)" %
              (sorted(p for p in a if a[p] != g[p]), fragment))
        build_lines = re.compile(rb"^set\(PYNAMIC_GEN_(BIG_EXECUTABLES|INCLUDE_DIR|WITH_\w+|CONFIGURE\w*) ")
        kept = [[l for l in t[fragment].splitlines() if not build_lines.match(l)] for t in (a, g)]
        check(kept[0] == kept[1], "the build options changed other lines of targets.cmake: %r" %
              [l for l in kept[1] if l not in kept[0]][:3])

        seed = list(ARGS)
        seed[seed.index("-s") + 1] = "43"
        d = tree("d", seed)
        check(a.keys() == d.keys(), "another seed changed the file names")
        differing = [p for p in a if a[p] != d[p]]
        # The markers' sources depend on nothing but the version.
        markers = {os.path.join("src", "libmodulebegin.c"), os.path.join("src", "libmodulefinal.c")}
        check(set(a) - set(differing) == markers,
              "another seed left %d files identical (expected only the markers): %s" %
              (len(a) - len(differing), sorted(set(a) - set(differing))))
        # the default seed is fixed (1), not taken from the clock
        no_seed = [x for i, x in enumerate(ARGS)
                   if x != "-s" and (i == 0 or ARGS[i - 1] != "-s")]
        e = tree("e", no_seed)
        f = tree("f", no_seed[:] + ["-s", "1"])
        check(e == f, "without -s the tree differs from -s 1")
    print("PASS")


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
