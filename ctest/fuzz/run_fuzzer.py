#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs one libFuzzer target for a bounded time over the corpus kept in the
repository, then fails if it found anything.

    run_fuzzer.py --fuzzer EXE --corpus DIR --workdir DIR [--dict FILE]
                  [--seconds N] [--max-len N]

First every input of the repository's corpus is run once (a regression
test: every reproducer ever found must pass), then the fuzzer mutates for
--seconds. New inputs go to WORKDIR/new-corpus, never into the repository;
a crash, leak, timeout or out-of-memory leaves its reproducer in
WORKDIR/artifacts/ and fails the test with the command that replays it.
To keep a new interesting input, copy it into the repository's corpus.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail, say_failed  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fuzzer", required=True)
    p.add_argument("--corpus", required=True, help="the repository's corpus (read only)")
    p.add_argument("--workdir", required=True)
    p.add_argument("--dict")
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--max-len", type=int, default=4096)
    args = p.parse_args()
    if not os.access(args.fuzzer, os.X_OK):
        fail(f"fuzzer {args.fuzzer} was not built (see the fuzz.build test)")
    seeds = [f for f in glob.glob(os.path.join(args.corpus, "*")) if os.path.isfile(f)]
    if not seeds:
        fail(f"the corpus {args.corpus} is empty")
    work = os.path.abspath(args.workdir)
    new = os.path.join(work, "new-corpus")
    artifacts = os.path.join(work, "artifacts")
    shutil.rmtree(new, ignore_errors=True)
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(new)
    os.makedirs(artifacts)
    common = ["-rss_limit_mb=2048", "-timeout=10", f"-max_len={args.max_len}", "-close_fd_mask=1",
              f"-artifact_prefix={artifacts}/"]
    if args.dict:
        common.append(f"-dict={args.dict}")
    env = dict(os.environ)
    # The fuzzer's own sanitizers decide; the test preset's options are for the modes.
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        env.pop(var, None)
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    steps = [("corpus regression", common + ["-runs=0", args.corpus]),
             (f"fuzzing for {args.seconds} s", common + [f"-max_total_time={args.seconds}", new, args.corpus])]
    for what, flags in steps:
        cmd = [args.fuzzer] + flags
        print(f"--- {what}: {' '.join(cmd)}", flush=True)
        t0 = time.monotonic()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace")
        took = time.monotonic() - t0
        found = sorted(glob.glob(os.path.join(artifacts, "*")))
        log = proc.stderr.splitlines()
        # libFuzzer's progress lines are many; keep the summary and anything it reported.
        keep = [l for l in log if not l.startswith("#") or "DONE" in l]
        print("\n".join(keep[-60:]))
        print(f"--- {what}: exit {proc.returncode} after {took:.1f} s")
        if proc.returncode != 0 or found:
            for f in found:
                say_failed(f"reproducer {f}; replay: {args.fuzzer} {f}")
            if not found:
                say_failed(f"{args.fuzzer} exited {proc.returncode}")
            return 1
    added = len(os.listdir(new))
    print(f"all checks passed: {len(seeds)} corpus inputs, {added} new inputs in {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
