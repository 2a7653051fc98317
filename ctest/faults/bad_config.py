#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A preset value out of range: configuring with a bad PYNAMIC_CONFIG must
fail, quoting the generator's one line, before anything is generated.

    bad_config.py --source DIR --build DIR --cmake CMAKE --generator GEN
                  [--make-program P] [--c-compiler CC] [--python PY]

Configures one throwaway build directory once per bad value (the first run
finds MPI and builds the generator; the others reuse that cache) and checks,
for each: cmake exits non-zero; its output holds
  PYNAMIC_CONFIG="<value>" was rejected by pynamic-gen:
followed by exactly the generator's line for that value; and it took less
than the bound. The first bad value meets an empty directory: no manifest
may appear. Then a good value is configured, and every later bad value must
leave that tree's manifest exactly as it was (a typo in a reconfigure never
damages a tree that was there).
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import ScratchTree, add_tree_options, finish  # noqa: E402

# (PYNAMIC_CONFIG, the generator's line, exactly)
CASES = [
    ("12 40 -d 0", "pynamic-gen: -d DEPTH: '0' is not a whole number in 1..1000000"),
    ("12 40 -e -u 12 40",
     "pynamic-gen: -u NUM_UTIL: '12' is not a whole number in 1..11 (fewer than NUM_FILES 12, so that at least "
     "one module remains)"),
    ("100001 40", "pynamic-gen: NUM_FILES: '100001' is not a whole number in 1..100000"),
    ("12 40 -n 5000", "pynamic-gen: -n PAD: '5000' is not a whole number in 0..4096"),
    ("12 forty", "pynamic-gen: AVG_FUNCS: 'forty' is not a whole number in 1..1000000"),
    ("12 40 -x", "pynamic-gen: unknown option '-x' (see --help)"),
]
# A small good tree configured between the first and the second bad value.
GOOD = "4 10 -u 1 10"
BOUND_S = 120


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_tree_options(p)
    args = p.parse_args()
    tree = ScratchTree.from_args(args)
    tree.remove()
    failures = []
    manifest = os.path.join(args.build, "generated", "manifest.json")
    good = None
    for i, (config, line) in enumerate(CASES):
        if i == 1:
            proc = tree.configure(f"PYNAMIC_CONFIG={GOOD}", timeout=BOUND_S)
            if proc.returncode != 0 or not os.path.exists(manifest):
                print(proc.stdout + proc.stderr)
                failures.append(f'the good configuration "{GOOD}" did not configure')
                break
            with open(manifest, "rb") as f:
                good = (f.read(), os.stat(manifest).st_mtime_ns)
        t0 = time.monotonic()
        proc = tree.configure(f"PYNAMIC_CONFIG={config}", timeout=BOUND_S)
        took = time.monotonic() - t0
        out = proc.stdout + proc.stderr
        print(f"--- PYNAMIC_CONFIG=\"{config}\": cmake exited {proc.returncode} after {took:.1f} s")
        # CMake indents and may wrap the message; compare with whitespace collapsed.
        flat = re.sub(r"\s+", " ", out)
        header = f'PYNAMIC_CONFIG="{config}" was rejected by pynamic-gen: {line}'
        if proc.returncode == 0:
            failures.append(f'"{config}": configure succeeded')
        elif header not in flat:
            failures.append(f'"{config}": the output does not say {header!r}')
        if good is None and os.path.exists(manifest):
            failures.append(f'"{config}": {manifest} was written')
        if good is not None:
            with open(manifest, "rb") as f:
                if (f.read(), os.stat(manifest).st_mtime_ns) != good:
                    failures.append(f'"{config}": the existing {manifest} was changed')
        if took > BOUND_S / 2:
            failures.append(f'"{config}": configure took {took:.1f} s')
        if failures and failures[-1].startswith(f'"{config}"'):
            print(out)
        else:
            print(f"    {line}")
    if not failures:
        tree.remove()
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
