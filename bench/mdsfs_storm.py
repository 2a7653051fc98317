#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A metadata storm on one machine: pynamic-mode-dlopen at several rank counts
over pynamic-mdsfs at several metadata latencies, as a Markdown table
(docs/mdsfs.md has one measured with it).

    bench/mdsfs_storm.py [--build build/ci] [--ranks 1 2 4] [--latency-us 0 200] [--repeat 3]
                         [--mount DIR] [--mode dlopen] [-- extra pynamic-mdsfs options]

For each latency it mounts BUILD/lib with bench/mdsfs.sh, and for each rank
count runs the mode REPEAT times (counts reset before each run), then
unmounts. Reported per cell: the median over the repeats of the import
phase (rank 0's barrier-to-barrier span, the original's number, and the
slowest rank's own import), and the metadata operations served per run
(lookups found / not found, opens, all), with the time requests waited in
the queue. The served counts include rank 0's static-size summary after the
run (`static` row: the same reads by pynamic-sizes alone). Needs root (FUSE
mounts) and mpiexec.mpich (or --launcher).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"mdsfs_storm: {' '.join(map(str, cmd))} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(root, "build", "ci"))
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--latency-us", type=int, nargs="+", default=[0, 200])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--mode", default="dlopen")
    p.add_argument("--launcher", default="mpiexec.mpich")
    p.add_argument("--mount", help="mount point (default: a new temporary directory)")
    p.add_argument("extra", nargs=argparse.REMAINDER, help="-- more pynamic-mdsfs options")
    args = p.parse_args()
    extra = args.extra[1:] if args.extra[:1] == ["--"] else args.extra
    build = os.path.abspath(args.build)
    script = os.path.join(root, "bench", "mdsfs.sh")
    env = dict(os.environ, PYNAMIC_MDSFS=os.path.join(build, "pynamic-mdsfs"))
    mnt = args.mount or tempfile.mkdtemp(prefix="pyn-mdsfs-storm.")
    exe = os.path.join(build, f"pynamic-mode-{args.mode}")
    report = os.path.join(tempfile.gettempdir(), f"pyn-mdsfs-storm.{os.getpid()}.json")
    manifest = json.load(open(os.path.join(build, "generated", "manifest.json")))
    print(f"tree: {manifest['config']['arguments']} ({manifest['totals']['libraries']} libraries); "
          f"mode {args.mode}; median of {args.repeat} runs; extra options: {' '.join(extra) or 'none'}\n")
    print("| latency | ranks | import, rank-0 span (s) | slowest rank's import (s) | lookups | ENOENT lookups | "
          "opens | all metadata ops | queue wait (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for lat in args.latency_us:
        sh([script, "start", os.path.join(build, "lib"), mnt, "--mds-latency-us", lat, "--lifetime", 3600] + extra,
           env=env)
        try:
            stats = lambda: json.loads(sh([script, "stats", mnt], env=env))
            sh([script, "reset", mnt], env=env)
            sh([os.path.join(build, "pynamic-sizes"), "--lib-dir", mnt])
            s = stats()
            o = s["operations"]
            print(f"| {lat} µs | static | - | - | {o['lookup']} | {o['lookup_enoent']} | {o['open']} | "
                  f"{s['metadata_ops']} | {s['queue']['wait_s']:.4f} |")
            for n in args.ranks:
                rows = []
                for _ in range(args.repeat):
                    sh([script, "reset", mnt], env=env)
                    sh([args.launcher, "-n", n, exe, "--lib-dir", mnt, "--json", report])
                    r = json.load(open(report))
                    if not r["result"]["passed"]:
                        sys.exit(f"mdsfs_storm: the run at {n} ranks did not pass")
                    rows.append((r["spans"]["import_s"], r["summary"]["import_s"]["max"], stats()))
                med = lambda i: statistics.median(x[i] for x in rows)
                ops = lambda k: statistics.median(x[2]["operations"][k] for x in rows)
                print(f"| {lat} µs | {n} | {med(0):.4f} | {med(1):.4f} | {ops('lookup'):g} | "
                      f"{ops('lookup_enoent'):g} | {ops('open'):g} | "
                      f"{statistics.median(x[2]['metadata_ops'] for x in rows):g} | "
                      f"{statistics.median(x[2]['queue']['wait_s'] for x in rows):.4f} |", flush=True)
        finally:
            subprocess.run([script, "stop", mnt], env=env)
    if not args.mount:
        os.rmdir(mnt)
    if os.path.exists(report):
        os.remove(report)


if __name__ == "__main__":
    main()
