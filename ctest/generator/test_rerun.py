# SPDX-License-Identifier: BSD-3-Clause
"""Write-if-changed: a rerun with unchanged arguments rewrites nothing; a
changed argument rewrites what changed and removes stale sources (and only
those); a damaged source is repaired.

usage: test_rerun.py PYNAMIC_GEN
"""

import os
import sys

from genlib import Workdir, load_manifest, run_gen, summary_counts
from pynamictest import check, checked, snapshot

ARGS = ["9", "20", "-e", "-u", "3", "20", "-n", "10"]


def main():
    gen = sys.argv[1]
    with Workdir() as work:
        out = os.path.join(work, "tree")
        src = os.path.join(out, "src")
        proc = run_gen(gen, ["-o", out] + ARGS)
        # 9 libraries, 2 markers, the manifest and the fragment
        check(summary_counts(proc.stdout) == (13, 0, 0),
              "first run: %r" % proc.stdout)

        # Files that are not generated sources must survive every run.
        keep = ["libmodule3.c.orig", "libmodule03.c", "libmodule.c",
                "notes.txt", "libmodules9.c"]
        for name in keep:
            with open(os.path.join(src, name), "w") as f:
                f.write("keep me\n")
        before = snapshot(out)

        proc = run_gen(gen, ["-o", out] + ARGS)
        check(summary_counts(proc.stdout) == (0, 13, 0),
              "rerun: %r" % proc.stdout)
        after = snapshot(out)
        check(before == after, "rerun changed files (content, mtime or inode): %s"
              % sorted(p for p in before if before[p] != after.get(p)))

        # A damaged source is rewritten; the manifest goes and comes back.
        damaged = os.path.join(src, "libmodule2.c")
        with open(damaged, "ab") as f:
            f.write(b"/* edited */\n")
        proc = run_gen(gen, ["-o", out] + ARGS)
        written, unchanged, removed = summary_counts(proc.stdout)
        check((written, removed) == (2, 0) and unchanged == 11,
              "repair run: %r" % proc.stdout)
        check(snapshot(out)[os.path.join("src", "libmodule2.c")][0] ==
              before[os.path.join("src", "libmodule2.c")][0],
              "damaged source not restored")

        # Fewer modules: two stale module sources removed, the rest untouched.
        small = list(ARGS)
        small[0] = "7"
        proc = run_gen(gen, ["-o", out] + small)
        written, unchanged, removed = summary_counts(proc.stdout)
        check(removed == 2, "expected 2 stale sources removed: %r" % proc.stdout)
        check(written == 2, "expected only manifest and fragment rewritten: %r"
              % proc.stdout)
        names = set(os.listdir(src))
        check("libmodule4.c" not in names and "libmodule5.c" not in names,
              "stale sources left: %s" % sorted(names))
        for name in ["libmodule%d.c" % i for i in range(4)] + \
                ["libutility%d.c" % i for i in range(3)] + \
                ["libmodulebegin.c", "libmodulefinal.c"] + keep:
            check(name in names, "%s was removed" % name)
        check(not any(".tmp-" in n for n in names), "temporary files left")
        man = load_manifest(out)
        check(man["totals"]["libraries"] == 7, "manifest not updated")

        # Different arguments everywhere: every source rewritten but the
        # markers', which depend on nothing but the version.
        proc = run_gen(gen, ["-o", out] + small + ["-s", "2"])
        written, unchanged, removed = summary_counts(proc.stdout)
        check((written, unchanged, removed) == (9, 2, 0),
              "new seed: %r" % proc.stdout)
    print("PASS")


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
