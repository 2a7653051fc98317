#!/usr/bin/env python3
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
import shutil
import subprocess
import sys
import time

BAD = ["0", "4097", "two", "-5", "1.5", "200MB", "99999999999999999999", ""]
BOUND_S = 60


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--cmake", required=True)
    p.add_argument("--generator", required=True)
    p.add_argument("--make-program")
    p.add_argument("--c-compiler")
    p.add_argument("--python")
    args = p.parse_args()
    shutil.rmtree(args.build, ignore_errors=True)
    base = [args.cmake, "-S", args.source, "-B", args.build, "-G", args.generator, "-DBUILD_TESTING=OFF",
            "-DCMAKE_BUILD_TYPE=Release", "-DPYNAMIC_CONFIG=4 10 -u 1 10"]
    if args.make_program:
        base.append(f"-DCMAKE_MAKE_PROGRAM={args.make_program}")
    if args.c_compiler:
        base.append(f"-DCMAKE_C_COMPILER={args.c_compiler}")
    if args.python:
        base.append(f"-DPython3_EXECUTABLE={args.python}")
    manifest = os.path.join(args.build, "generated", "manifest.json")
    failures = []
    for value in BAD:
        t0 = time.monotonic()
        proc = subprocess.run(base + [f"-DPYNAMIC_BIGEXE_TEXT_MB={value}"], capture_output=True, text=True,
                              timeout=BOUND_S * 2)
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
        shutil.rmtree(args.build, ignore_errors=True)
    for f in failures:
        print(f"CHECK FAILED: {f}", file=sys.stderr)
    if not failures:
        print("all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
