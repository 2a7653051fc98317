# SPDX-License-Identifier: BSD-3-Clause
"""An output directory 492 bytes deep that cannot be written: pynamic-gen's one line keeps the system's reason
at its end and loses the path's middle instead ("..."), in the main process (the tree's directories) and in a
writer (a generated source it cannot replace, with -j 1 and -j 2). Exit status 1.

usage: test_long_path.py PYNAMIC_GEN
"""

import os
import sys

from genlib import Workdir, run_gen
from pynamictest import check, check_cause_kept, checked, long_dir

ARGS = ["4", "5", "-s", "7"]


def expect_cause(gen, out, jobs, cause, what):
    proc = run_gen(gen, ["-o", out, "-j", str(jobs)] + ARGS, check_ok=False)
    check(proc.returncode == 1, f"{what}: exit status {proc.returncode}, expected 1: {proc.stderr!r}")
    # The start of the line names the path as given: up to its long/ part, well within the kept start.
    start = out[: out.index("/long/") + len("/long/")]
    verb = "create directory" if "directory" in what else "write"
    check_cause_kept(proc.stderr, f"pynamic-gen: cannot {verb} '{start}", cause, what)


def main(gen):
    with Workdir() as w:
        deep = long_dir(w)
        # A regular file where the output directory's parent must be.
        blocker = os.path.join(deep, "file")
        with open(blocker, "w") as f:
            f.write("not a directory\n")
        expect_cause(gen, os.path.join(blocker, "out"), 1, "/file/out': Not a directory",
                     "an output directory under a regular file")
        # A tree generated once, then a directory where a writer must replace a source.
        out = os.path.join(deep, "out")
        run_gen(gen, ["-o", out] + ARGS)
        src = os.path.join(out, "src")
        sources = sorted(n for n in os.listdir(src) if n.startswith("libmodule") and n.endswith(".c"))
        check(sources, f"no libmodule*.c in {src}")
        victim = os.path.join(src, sources[0])
        os.unlink(victim)
        os.mkdir(victim)
        for jobs in (1, 2):
            expect_cause(gen, out, jobs, f"/src/{sources[0]}': Is a directory",
                         f"a writer (-j {jobs}) that cannot replace a source")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(checked(main, sys.argv[1], passed="pynamic-gen keeps the cause of a long path's error"))
