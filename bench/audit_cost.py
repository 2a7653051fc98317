#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What the instrumentation costs: each mode as built, with --audit and with no auditor at all, interleaved.

    bench/audit_cost.py BUILD_DIR [--runs 9] [--case "dlopen" --case "dlopen --lazy" ...] [--bindings]

For each case (a mode and its arguments; default: dlopen, dlopen --lazy, linked, python, python-linked), copies
BUILD_DIR/pynamic-mode-MODE to a twin whose DT_DEPAUDIT entry is turned into a DT_CHECKSUM (a tag ld.so only
records; nothing else in the binary moves): ld.so then loads no auditor and tries none, so the twin records no
event, reads no clock and marks nothing. Runs, one after the other, every case's three programs: the default
run (the executable as built: ld.so loads the auditor, which turns itself off), the run with --audit, and the
twin; RUNS rounds, one process each. Prints two Markdown tables (docs/metrics.md, "What the instrumentation
costs"), the default run against the twin and the --audit run against the twin: per case the medians of startup
(from a launch time taken just before the exec), import and visit, of the minor faults of import and visit and
of the peak RSS, and their ratio: the median over rounds of each round's ratio, and the quartiles of those
ratios (the noise). Alternating in one session is what makes the ratios meaningful on a shared, noisy machine.

--instructions counts instructions instead, with valgrind's callgrind, once per program: the same count on
every run, so a cost below the clock's noise shows. Per phase, the instructions executed inside the mode's
import and visit functions (ld.so's work in the dlopen calls and the auditor's hooks included), and in ld.so's
start-up (_dl_start, where it maps and relocates, and _dl_init, the initialisers).

--bindings adds LD_AUDIT=BUILD_DIR/libpynamic-audit-bindings.so to the --audit runs: the cost of the opt-in
binding counter on top. The twins are removed afterwards.
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

DT_DEPAUDIT = 0x6FFFFEFB
DT_CHECKSUM = 0x6FFFFDF8  # a value ld.so only records: the twin's dynamic section keeps its size and order
PT_DYNAMIC = 2
DEFAULT_CASES = ("dlopen", "dlopen --lazy", "linked", "python", "python-linked")
KEYS = ("startup_s", "import_s", "visit_s", "import_minflt", "visit_minflt", "maxrss_kib")
# ld.so's start-up (mapping, relocation: _dl_start; the initialisers: _dl_init), callgrind's --toggle-collect.
STARTUP_FUNCTIONS = ("_dl_start", "_dl_init")
# The functions that are a phase, per mode: import, visit.
PHASE_FUNCTIONS = {
    "dlopen": ("import_modules", "pyn_run_visit_entries"),
    "linked": ("find_modules", "pyn_run_visit_entries"),
    "python": ("pyn_embed_import", "pyn_embed_visit"),
    "python-linked": ("pyn_embed_import", "pyn_embed_visit"),
}


TITLES = {"default": "the default run", "audit": "--audit"}


def table_head(a, label, what, columns):
    """A Markdown table's title line and header: one arm against the twin."""
    print(f"{a.build}: {what}, {TITLES[label]} / no auditor"
          + (" (and the binding counter)" if a.bindings and label == "audit" else ""))
    print()
    print("| case | " + " | ".join(columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")


def run(exe, args, report, env):
    # Startup from a launch time taken just before the exec: nanoseconds, where the process's age from the
    # kernel has a clock tick's resolution (10 ms). Both programs pay the same fork and exec around it.
    launch = f"{time.time():.6f}"
    proc = subprocess.run([exe, "--json", report, "--progress", "never", "--launch-time", launch, *args],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"audit_cost: {exe} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    with open(report) as f:
        r = json.load(f)
    row = r["ranks"][0]
    out = {k: row[k] for k in ("startup_s", "import_s", "visit_s")}
    for phase in ("import", "visit"):
        out[f"{phase}_minflt"] = row["rusage"][phase]["minflt"]
        if row["rusage"][phase]["majflt"]:
            print(f"audit_cost: note: {exe}: {row['rusage'][phase]['majflt']} major faults in {phase}",
                  file=sys.stderr)
    out["maxrss_kib"] = row["rusage"]["maxrss_kib"]
    return out, r["fs"]["ranks_counted"], row["bindings"] is not None


def instructions(exe, args, env, toggles):
    """Instructions callgrind counts in the run of exe inside the functions toggles names."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        cmd += [f"--toggle-collect={t}" for t in toggles]
        proc = subprocess.run(cmd + [exe, "--progress", "never", *args], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(f"audit_cost: valgrind {exe} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
        for line in proc.stderr.splitlines():
            if "Collected :" in line:
                return int(line.split()[-1])
    sys.exit(f"audit_cost: valgrind {exe}: no instruction count in its output")


def arms(exe, twin, case, env_audit):
    """The three programs of a case: (label, command, environment)."""
    return (("default", [exe, *case[1:]], os.environ), ("audit", [exe, "--audit", *case[1:]], env_audit),
            ("without", [twin, *case[1:]], os.environ))


def count_instructions(a, cases, programs, env_audit):
    """--instructions: per case, before-main, import and visit instructions, each arm against the twin."""
    counts = {}
    for case in cases:
        if case[0] not in PHASE_FUNCTIONS:
            sys.exit(f"audit_cost: --instructions: no phase functions known for mode {case[0]}")
        exe = os.path.join(a.build, f"pynamic-mode-{case[0]}")
        for label, cmd, env in arms(exe, programs[exe], case, env_audit):
            startup = instructions(cmd[0], cmd[1:], env, STARTUP_FUNCTIONS)
            imp, vis = (instructions(cmd[0], cmd[1:], env, [f]) for f in PHASE_FUNCTIONS[case[0]])
            counts[" ".join(case), label] = (startup, imp, vis)
    for label in ("default", "audit"):
        table_head(a, label, "instructions (callgrind)", ("start-up (ld.so)", "import", "visit"))
        for case in cases:
            name = " ".join(case)
            cells = [f"{w:,} / {o:,} ({w / o:.4f})" for w, o in zip(counts[name, label], counts[name, "without"])]
            print(f"| `{name}` | " + " | ".join(cells) + " |")
        print()


def without_depaudit(exe, binary):
    """binary (an ELF64 little-endian executable) with its one DT_DEPAUDIT entry retagged DT_CHECKSUM."""
    if binary[:4] != b"\x7fELF" or binary[4] != 2 or binary[5] != 1:
        sys.exit(f"audit_cost: {exe}: not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", binary, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", binary, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", binary, phoff + i * phentsize)
        if p_type != PT_DYNAMIC:
            continue
        out = bytearray(binary)
        found = 0
        for at in range(p_offset, p_offset + p_filesz, 16):
            tag, = struct.unpack_from("<q", binary, at)
            if tag == DT_DEPAUDIT:
                struct.pack_into("<q", out, at, DT_CHECKSUM)
                found += 1
            if tag == 0:
                break
        if found != 1:
            sys.exit(f"audit_cost: {exe} has {found} DT_DEPAUDIT entries, expected 1")
        return bytes(out)
    sys.exit(f"audit_cost: {exe} has no dynamic section")


def make_twin(exe):
    with open(exe, "rb") as f:
        binary = f.read()
    twin = exe + ".no-audit"
    with open(twin, "wb") as f:
        f.write(without_depaudit(exe, binary))
    os.chmod(twin, 0o755)
    return twin


def paired_ratio(rows_with, rows_without, key):
    """The median over rounds of with / without, each round's two runs side by side (a drift of the machine
    between rounds cancels), and the quartiles of those ratios: the noise the median stands in."""
    ratios = sorted(w[key] / o[key] for w, o in zip(rows_with, rows_without) if o[key])
    if not ratios:
        return float("nan"), float("nan"), float("nan")
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    return statistics.median(ratios), q[0], q[2]


def cell(with_v, without_v, ratio, seconds):
    r, q1, q3 = ratio
    quartiles = f"; {q1:.3f}-{q3:.3f}" if q1 == q1 else ""
    if seconds:
        return f"{with_v * 1e3:.1f} / {without_v * 1e3:.1f} ms ({r:.3f}{quartiles})"
    return f"{with_v:,.0f} / {without_v:,.0f} ({r:.3f}{quartiles})"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--case", action="append", help="a mode and its arguments, e.g. \"dlopen --lazy\" (repeatable)")
    p.add_argument("--bindings", action="store_true", help="load the opt-in binding counter in the runs with it")
    p.add_argument("--instructions", action="store_true", help="count instructions per phase with callgrind")
    a = p.parse_args()
    if a.runs < 1:
        sys.exit(f"audit_cost: --runs {a.runs}: at least 1")
    cases = [c.split() for c in (a.case or DEFAULT_CASES)]
    env_audit = dict(os.environ)
    if a.bindings:
        env_audit["LD_AUDIT"] = os.path.join(os.path.abspath(a.build), "libpynamic-audit-bindings.so")
    programs = {}
    try:
        for case in cases:
            exe = os.path.join(a.build, f"pynamic-mode-{case[0]}")
            if exe not in programs:
                programs[exe] = make_twin(exe)
        if a.instructions:
            count_instructions(a, cases, programs, env_audit)
            return
        results = {" ".join(c): {"default": [], "audit": [], "without": []} for c in cases}
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "r.json")
            for _ in range(a.runs):
                for case in cases:
                    exe = os.path.join(a.build, f"pynamic-mode-{case[0]}")
                    for label, cmd, env in arms(exe, programs[exe], case, env_audit):
                        values, counted, bound = run(cmd[0], cmd[1:], report, env)
                        if counted != (label == "audit") or bound != (label == "audit" and a.bindings):
                            sys.exit(f"audit_cost: {' '.join(case)} {label}: ranks counted {counted}, bindings "
                                     f"{bound}: not what this run was meant to be")
                        results[" ".join(case)][label].append(values)
    finally:
        for twin in programs.values():
            if os.path.exists(twin):
                os.remove(twin)
    for label in ("default", "audit"):
        table_head(a, label, f"medians of {a.runs} alternating runs, one process each",
                   ("startup", "import", "visit", "import minor faults", "visit minor faults", "peak RSS KiB"))
        for name, runs in results.items():
            med = {arm: {k: statistics.median(r[k] for r in rows) for k in KEYS} for arm, rows in runs.items()}
            cells = [cell(med[label][k], med["without"][k], paired_ratio(runs[label], runs["without"], k),
                          k.endswith("_s")) for k in KEYS]
            print(f"| `{name}` | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
