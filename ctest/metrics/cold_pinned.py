#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""--cold when it cannot evict: this process maps every page of a private copy of the generated libraries
(as another job on the host would), then runs the mode with --cold through run_mode.py, which must see it
fail on every rank with the cache error (exit status 1), not pass as a silently warm run.

  cold_pinned.py --run-mode run_mode.py --workdir W --lib-source LIBDIR [run_mode.py options] -- PROGRAM [ARGS]
"""
import argparse
import mmap
import os
import shutil
import subprocess
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run-mode", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--lib-source", required=True)
    args, rest = p.parse_known_args()
    split = rest.index("--")
    options, program = rest[:split], rest[split + 1:]
    libs = os.path.join(args.workdir, "lib")
    shutil.rmtree(libs, ignore_errors=True)
    os.makedirs(libs)
    pinned = []
    for name in sorted(os.listdir(args.lib_source)):
        if name.endswith(".so"):
            path = shutil.copy2(os.path.join(args.lib_source, name), libs)
            with open(path, "rb") as f:
                m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
            sum(m[i] for i in range(0, len(m), mmap.PAGESIZE))  # fault every page into this mapping
            pinned.append(m)
    cmd = ([sys.executable, args.run_mode, "--workdir", os.path.join(args.workdir, "run")] + options
           + ["--expect-exit", "1", "--expect-stderr",
              r"rank 0 \(.*\): cache: --cold: [0-9]+ of [0-9]+ pages of the generated libraries are still in the "
              r"page cache after eviction \(first: lib[a-z0-9]+\.so: [0-9]+ of [0-9]+ pages\)",
              "--", *program, "--lib-dir", libs, "--cold"])
    rc = subprocess.run(cmd).returncode
    for m in pinned:
        m.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
