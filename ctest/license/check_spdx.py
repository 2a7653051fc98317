#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every source file of the project, and every source the generator wrote,
carries an SPDX licence identifier line in its first lines; the LICENSE
file holds the licence the identifier names.

  check_spdx.py --source DIR [--generated DIR]

Source files: what git tracks under DIR (every file under DIR but build/
when DIR is not a git checkout) whose name marks code or build input: .c,
.h, .py, .sh, .cmake, .in, CMakeLists.txt, and scripts with a #! line.
JSON (no comments), Markdown, data and corpus files are not code. Exit 0
when every file has the line, 1 listing the files that do not."""
import argparse
import os
import subprocess
import sys

IDENTIFIER = "SPDX-License-Identifier: BSD-3-Clause"
HEAD_LINES = 5
SUFFIXES = (".c", ".h", ".py", ".sh", ".cmake", ".in")
NAMES = ("CMakeLists.txt",)


def tracked(source):
    try:
        out = subprocess.run(["git", "-C", source, "ls-files", "-z"], capture_output=True, check=True).stdout
        return [os.path.join(source, p) for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for root, dirs, names in os.walk(source):
            dirs[:] = [d for d in dirs if d not in ("build", ".git")]
            files += [os.path.join(root, n) for n in names]
        return files


def is_code(path):
    name = os.path.basename(path)
    if name.endswith(SUFFIXES) or name in NAMES:
        return True
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def has_identifier(path):
    with open(path, errors="replace") as f:
        head = [f.readline() for _ in range(HEAD_LINES)]
    return any(IDENTIFIER in line for line in head)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", required=True)
    p.add_argument("--generated", help="the generator's output directory (its src/*.c and targets.cmake)")
    a = p.parse_args()
    with open(os.path.join(a.source, "LICENSE")) as f:
        if "BSD 3-Clause License" not in f.read():
            print(f"{a.source}/LICENSE is not the BSD 3-Clause licence the identifiers name", file=sys.stderr)
            return 1
    files = [f for f in tracked(a.source) if os.path.isfile(f) and is_code(f)]
    if a.generated:
        gen_src = os.path.join(a.generated, "src")
        files += [os.path.join(gen_src, n) for n in sorted(os.listdir(gen_src)) if n.endswith(".c")]
        files.append(os.path.join(a.generated, "targets.cmake"))
    missing = [f for f in files if not has_identifier(f)]
    for f in missing:
        print(f"no '{IDENTIFIER}' in the first {HEAD_LINES} lines: {os.path.relpath(f, a.source)}", file=sys.stderr)
    print(f"{len(files) - len(missing)} of {len(files)} source files carry the identifier")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
