#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Builds the damaged pilot maps of the stage fault tests (a test fixture)
from a map a `--stage cache --pilot-map` run recorded, and checks that each
is damaged the way it claims, so no test passes on an intact map.

    make_map.py --from PILOT.map --to DIR

writes into DIR (emptied first):
  other-seed.map    line 2 names seed 987654321 (a map of another build)
  bad-header.map    line 1 says version 2
  garbled.map       line 5 has a space where its tab belongs
  relative.map      line 6's path is relative
  duplicate.map     line 4 repeated in place of line 5 (one file twice)
  short.map         the last entry removed (13 of 14 files)
  control.map       a carriage return inside line 7's path
  nul.map           a NUL byte inside line 3
  trailing.map      line 2 followed by garbage ("seed S files N extra")
  blank-line.map    an empty line between two entries
  stale.map         every path moved under /nonexistent (the tree moved)

Standard library only.
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import die  # noqa: E402

OTHER_SEED = 987654321


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", required=True)
    p.add_argument("--to", required=True)
    args = p.parse_args()
    with open(args.source, "rb") as f:
        text = f.read()
    lines = text.split(b"\n")
    if lines[-1] != b"" or not lines[0].startswith(b"pynamic-path-cache 1") or len(lines) < 9:
        die(f"{args.source} is not a path cache of at least 6 files")
    lines = lines[:-1]
    seed_line = lines[1].split()
    if len(seed_line) != 4 or seed_line[0] != b"seed" or seed_line[2] != b"files":
        die(f"{args.source}: line 2 is {lines[1]!r}")
    if int(seed_line[1]) == OTHER_SEED:
        die(f"{args.source} was already recorded for seed {OTHER_SEED}")

    def entry(i):
        name, _, path = lines[i - 1].partition(b"\t")
        return name, path

    maps = {}
    maps["other-seed"] = [lines[0], b"seed %d files %s" % (OTHER_SEED, seed_line[3])] + lines[2:]
    maps["bad-header"] = [b"pynamic-path-cache 2"] + lines[1:]
    name, path = entry(5)
    maps["garbled"] = lines[:4] + [name + b" " + path] + lines[5:]
    name, path = entry(6)
    maps["relative"] = lines[:5] + [name + b"\t" + b"lib/" + name] + lines[6:]
    maps["duplicate"] = lines[:4] + [lines[3]] + lines[5:]
    maps["short"] = lines[:-1]
    name, path = entry(7)
    maps["control"] = lines[:6] + [name + b"\t" + path.replace(b"/", b"/\r", 1)] + lines[7:]
    maps["nul"] = lines[:2] + [lines[2][:4] + b"\0" + lines[2][4:]] + lines[3:]
    maps["trailing"] = [lines[0], lines[1] + b" extra"] + lines[2:]
    maps["blank-line"] = lines[:4] + [b""] + lines[4:]
    maps["stale"] = lines[:2] + [entry(i + 1)[0] + b"\t/nonexistent" + entry(i + 1)[1] for i in range(2, len(lines))]
    for k, m in maps.items():
        if m == lines:
            die(f"{k}.map would be the same as {args.source}")
    shutil.rmtree(args.to, ignore_errors=True)
    os.makedirs(args.to)
    for k, m in maps.items():
        path = os.path.join(args.to, f"{k}.map")
        with open(path, "wb") as f:
            f.write(b"\n".join(m) + b"\n")
        print(f"make_map: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
