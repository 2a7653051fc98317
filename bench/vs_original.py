#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Side by side with the original Pynamic 1.3.3: runs our modes and the original's equivalents on trees of
the same configuration, one rank each, interleaved round by round, and prints each phase's median with the
ratio ours / original.

    bench/vs_original.py --ours build/t300 --original /scratch/pynamic/pynamic-pyMPI-2.6a1 [--rounds 7]
                         [--python /usr/bin/python3] [--json OUT.json]

--ours is a build tree of this project (its modes and pynamic_driver.py); --original the directory where
the original's Python 3 build ran (config_pynamic.py ... --with-mpi4py: it holds pynamic_driver_mpi4py.py,
pynamic-mpi4py and the generated libraries; docs/differences.md says how to build it on Debian 12). Build
both with the same configuration (the original's seed differs: compare shapes, not checksums). The original
is never part of this repository.

The pairs compared (docs/modes.md):
    dlopen, python, python-driver   against the original's vanilla interpreter (python3 pynamic_driver_mpi4py.py)
    linked, python-linked           against the original's linked executable (pynamic-mpi4py)
Every command prints the original's result lines, which are what is compared: `module import time` and
`module visit time` (rank 0, barrier to barrier). Our runs add --json, and a run that does not verify its
checksums stops the comparison. The original needs mpi4py under Open MPI (it runs as a singleton; as root
the script sets OMPI_ALLOW_RUN_AS_ROOT); the original's linked executable finds its libraries through
LD_LIBRARY_PATH, set to --original.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

LINE = re.compile(r"^Pynamic: module (import|visit) time = ([0-9.eE+-]+) secs$", re.M)

OURS = {
    "dlopen": ("vanilla", ["pynamic-mode-dlopen"]),
    "python": ("vanilla", ["pynamic-mode-python"]),
    "python-driver": ("vanilla", ["PYTHON", "pynamic_driver.py"]),
    "linked": ("linked", ["pynamic-mode-linked"]),
    "python-linked": ("linked", ["pynamic-mode-python-linked"]),
}
ORIGINAL = {
    "vanilla": ["PYTHON", "pynamic_driver_mpi4py.py"],
    "linked": ["pynamic-mpi4py"],
}


def fail(message):
    print(f"vs_original: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd, cwd, env, what, options=()):
    """Runs cmd with the launch time as its first argument (as the original's drivers take it)."""
    proc = subprocess.run(cmd + [f"{time.time():.6f}"] + list(options), cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=3600)
    found = dict((k, float(v)) for k, v in LINE.findall(proc.stdout))
    if proc.returncode != 0 or set(found) != {"import", "visit"}:
        fail(f"{what}: exit status {proc.returncode}, result lines {found}: {proc.stderr.strip()[-500:]}")
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ours", required=True)
    p.add_argument("--original", required=True)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--modes", nargs="+", default=list(OURS), choices=list(OURS))
    p.add_argument("--json")
    args = p.parse_args()
    ours, orig = os.path.abspath(args.ours), os.path.abspath(args.original)
    for path in [os.path.join(ours, "generated", "manifest.json"), os.path.join(orig, "pynamic_driver_mpi4py.py")]:
        if not os.path.exists(path):
            fail(f"{path}: not found (see --help)")
    with open(os.path.join(ours, "generated", "manifest.json")) as f:
        config = json.load(f)["config"]["arguments"]

    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    orig_env = dict(env, LD_LIBRARY_PATH=orig + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else ""))
    py = lambda argv: [args.python if a == "PYTHON" else a for a in argv]  # noqa: E731
    kinds = sorted({OURS[m][0] for m in args.modes})
    samples = {("ours", m): [] for m in args.modes}
    samples.update({("original", k): [] for k in kinds})
    with tempfile.TemporaryDirectory(prefix="vs-original-") as tmp:
        for r in range(args.rounds):
            # Interleaved: every command once per round, the order rotated so none always runs first.
            jobs = [("ours", m) for m in args.modes] + [("original", k) for k in kinds]
            jobs = jobs[r % len(jobs):] + jobs[:r % len(jobs)]
            for side, name in jobs:
                if side == "ours":
                    argv = py(OURS[name][1])
                    argv[-1] = os.path.join(ours, argv[-1])
                    report = os.path.join(tmp, f"{name}-{r}.json")
                    got = run(argv, ours, env, f"ours {name}", ["--json", report])
                    with open(report) as f:
                        if not json.load(f)["result"]["passed"]:
                            fail(f"ours {name}: the run did not verify")
                else:
                    argv = py(ORIGINAL[name])
                    argv[-1] = os.path.join(orig, argv[-1])
                    got = run(argv, orig, orig_env, f"original {name}")
                samples[side, name].append(got)
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    def med(side, name, phase):
        return statistics.median(s[phase] for s in samples[side, name])

    print(f"configuration {config}; {args.rounds} interleaved rounds, one rank, medians (s)")
    print(f"{'ours':<15}{'original':<22}{'import':>10}{'orig':>10}{'ratio':>8}{'visit':>10}{'orig':>10}{'ratio':>8}")
    rows = []
    for m in args.modes:
        k = OURS[m][0]
        row = {"mode": m, "original": " ".join(ORIGINAL[k]).replace("PYTHON ", "python3 ")}
        line = f"{m:<15}{row['original']:<22}"
        for phase in ("import", "visit"):
            a, b = med("ours", m, phase), med("original", k, phase)
            row[phase] = {"ours": a, "original": b, "ratio": a / b}
            line += f"{a:>10.4f}{b:>10.4f}{a / b:>8.2f}"
        rows.append(row)
        print(line)
    if args.json:
        out = {"configuration": config, "rounds": args.rounds, "rows": rows,
               "samples": {f"{s}:{n}": v for (s, n), v in samples.items()}}
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(out, f, indent=1)
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
