#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A bad PYNAMIC_BIGEXE_TEXT_MB fails configure with one clear line, before
anything is generated.

    bad_padding.py --source DIR --build DIR --cmake CMAKE --generator GEN
                   [--make-program P] [--c-compiler CC] [--python PY]

Configures a throwaway build directory once per bad value and checks, for
each: cmake exits non-zero; its output holds exactly one CMake error, whose
text is the line
  PYNAMIC_BIGEXE_TEXT_MB: '<value>' is not a whole number of MiB in 1..4096
no manifest was written; and it took less than the bound.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import ScratchTree, add_tree_options, finish  # noqa: E402

BAD = ["0", "4097", "two", "-5", "1.5", "200MB", "99999999999999999999", ""]
BOUND_S = 60


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_tree_options(p)
    args = p.parse_args()
    tree = ScratchTree.from_args(args, defines=["PYNAMIC_CONFIG=4 10 -u 1 10"])
    tree.remove()
    manifest = os.path.join(args.build, "generated", "manifest.json")
    failures = []
    for value in BAD:
        t0 = time.monotonic()
        proc = tree.configure(f"PYNAMIC_BIGEXE_TEXT_MB={value}", timeout=BOUND_S * 2)
        took = time.monotonic() - t0
        out = proc.stdout + proc.stderr
        print(f"--- PYNAMIC_BIGEXE_TEXT_MB='{value}': cmake exited {proc.returncode} after {took:.1f} s")
        line = f"PYNAMIC_BIGEXE_TEXT_MB: '{value}' is not a whole number of MiB in 1..4096"
        errors = re.findall(r"^CMake Error", out, re.M)
        # CMake indents (and wraps) the message under its "CMake Error at
        # FILE:LINE (message):" header, up to its call stack.
        said = [" ".join(m.split()) for m in
                re.findall(r"^CMake Error at [^\n]*\(message\):\n(.*?)\n(?:Call Stack|\n)", out, re.M | re.S)]
        said = [m for m in said if m == line]
        bad = []
        if proc.returncode == 0:
            bad.append("configure succeeded")
        if len(errors) != 1 or len(said) != 1:
            bad.append(f"expected one CMake error saying {line!r}, got {len(errors)} errors and {len(said)} such lines")
        if os.path.exists(manifest):
            bad.append(f"{manifest} was written")
        if took > BOUND_S:
            bad.append(f"configure took {took:.1f} s")
        if bad:
            print(out)
            failures += [f"'{value}': {b}" for b in bad]
        else:
            print(f"    {line}")
        # The cache keeps the bad value: start the next one clean.
        tree.remove()
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
