#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What the file-system counting costs: a mode with and without its auditor.

    bench/audit_cost.py BUILD_DIR [--mode dlopen] [--runs 9] [-- MODE_ARGS...]

Copies BUILD_DIR/pynamic-mode-MODE to a twin whose DT_DEPAUDIT names a file
that does not exist (same length, so nothing else in the binary moves), so
ld.so loads no auditor (it says so on stderr and goes on). Runs the two
alternately, one process each, RUNS times, and prints the median startup,
import and visit of each, their page faults (minor, major) in import and visit and the peak RSS,
and the ratios. Alternating in one session is what
makes the ratio meaningful on a shared, noisy machine. The twin is removed
afterwards.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

AUDIT = b"$ORIGIN/libpynamic-audit.so"
NO_AUDIT = b"$ORIGIN/libpynamic-audXt.so"


def run(exe, args, report):
    proc = subprocess.run([exe, "--json", report, "--progress", "never", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"audit_cost: {exe} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    with open(report) as f:
        r = json.load(f)
    row = r["ranks"][0]
    out = {k: row[k] for k in ("startup_s", "import_s", "visit_s")}
    for phase in ("import", "visit"):
        for k in ("minflt", "majflt"):
            out[f"{phase}_{k}"] = row["rusage"][phase][k]
    out["maxrss_kib"] = row["rusage"]["maxrss_kib"]
    return out, r["fs"]["ranks_counted"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--mode", default="dlopen")
    p.add_argument("--runs", type=int, default=9)
    argv = sys.argv[1:]
    args = argv[argv.index("--") + 1:] if "--" in argv else []
    a = p.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    exe = os.path.join(a.build, f"pynamic-mode-{a.mode}")
    with open(exe, "rb") as f:
        binary = f.read()
    if binary.count(AUDIT) != 1:
        sys.exit(f"audit_cost: {exe} does not name {AUDIT.decode()} exactly once")
    twin = exe + ".no-audit"
    with open(twin, "wb") as f:
        f.write(binary.replace(AUDIT, NO_AUDIT))
    os.chmod(twin, 0o755)
    results = {"with auditor": [], "without": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "r.json")
            for i in range(a.runs):
                for label, program, counted in (("with auditor", exe, 1), ("without", twin, 0)):
                    times, ranks_counted = run(program, args, report)
                    if ranks_counted != counted:
                        sys.exit(f"audit_cost: {label}: {ranks_counted} ranks counted, expected {counted}")
                    results[label].append(times)
    finally:
        os.remove(twin)
    print(f"{exe} {' '.join(args)}: median of {a.runs} alternating runs, one process each")
    keys = list(results["with auditor"][0])
    print(f"{'':14} " + " ".join(f"{k:>13}" for k in keys))
    med = {}
    for label, rows in results.items():
        med[label] = {k: statistics.median(r[k] for r in rows) for k in keys}
        print(f"{label:14} " + " ".join(f"{med[label][k]:13.4f}" if k.endswith("_s") else f"{med[label][k]:13.0f}"
                                        for k in keys))
    print(f"{'ratio':14} " + " ".join(f"{med['with auditor'][k] / med['without'][k]:13.3f}" if med["without"][k]
                                      else f"{'-':>13}" for k in keys))


if __name__ == "__main__":
    main()
