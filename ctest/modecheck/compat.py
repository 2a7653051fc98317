# SPDX-License-Identifier: BSD-3-Clause
"""The original Pynamic's result lines ("Pynamic: ..."), which site scripts parse: their form, and their
numbers against the report."""
import os
import re

from pynamictest import check, close, load_report


COMPAT_LINES = [
    r"Pynamic: Version \S+",
    r"Pynamic: run on \d\d/\d\d/\d\d \d\d:\d\d:\d\d with (?P<ntasks>\d+) MPI tasks",
    r"Pynamic: startup time = (?P<startup>[0-9.]+|unknown) secs",
    r"Pynamic: driver beginning\.\.\. now importing modules",
    r"Pynamic: driver finished importing all modules\.\.\. visiting all module functions",
    r"Pynamic: module import time = (?P<import>[0-9.]+) secs",
    r"Pynamic: module visit time = (?P<visit>[0-9.]+) secs",
    r"Pynamic: module test passed!",
    r"Pynamic: testing mpi capability\.\.\.",
    r"Pynamic: fractal mpi time = (?P<fractal>[0-9.]+) secs",
    r"Pynamic: mpi test passed!",
]


def awk_number(line):
    """What site scripts do: awk '{print $(NF-1)}'."""
    return float(line.split()[-2])


def check_compat_lines(stdout, nranks, report):
    lines = [l for l in stdout.splitlines() if l.startswith("Pynamic:")]
    check(len(lines) == len(COMPAT_LINES), f"expected {len(COMPAT_LINES)} 'Pynamic:' lines, got {len(lines)}: {lines}")
    found = {}
    for line, pattern in zip(lines, COMPAT_LINES):
        m = re.fullmatch(pattern, line)
        check(m, f"line {line!r} does not match {pattern!r}")
        found.update(m.groupdict())
    check(int(found["ntasks"]) == nranks, f"'run on ... with {found['ntasks']} MPI tasks', expected {nranks}")
    by_key = {l.split("=")[0]: l for l in lines if "=" in l}
    imp = awk_number(by_key["Pynamic: module import time "])
    vis = awk_number(by_key["Pynamic: module visit time "])
    # "unknown" only when no rank measured a startup (clock skew): never a negative number.
    unknown = found["startup"] == "unknown"
    st = None if unknown else awk_number(by_key["Pynamic: startup time "])
    frac = awk_number(by_key["Pynamic: fractal mpi time "])
    if report is not None:
        close(imp, report["spans"]["import_s"], 1e-5, "compat import line vs spans.import_s")
        close(vis, report["spans"]["visit_s"], 1e-5, "compat visit line vs spans.visit_s")
        if unknown:
            check(report["summary"]["startup_s"]["max"] is None, "compat startup line says unknown, the report has one")
        else:
            close(st, report["summary"]["startup_s"]["max"], 1e-5, "compat startup line vs summary.startup_s.max")
        close(frac, report["spans"]["fractal_s"], 1e-5, "compat fractal line vs spans.fractal_s")


def check_fractal_failure(stdout, report_path, args):
    """The MPI capability test failed and nothing else: the module test passed, every rank ran clean, the
    report's fractal summary carries the error."""
    lines = [l for l in stdout.splitlines() if l.startswith("Pynamic:")]
    tail = ["Pynamic: module test passed!", "Pynamic: testing mpi capability...", None, "Pynamic: mpi test FAILED!"]
    check(len(lines) >= 4 and all(w is None or l == w for l, w in zip(lines[-4:], tail)),
          f"the last 'Pynamic:' lines are {lines[-4:]}, expected {tail} (the time line third)")
    check(re.fullmatch(r"Pynamic: fractal mpi time = [0-9.]+ secs", lines[-2]), f"line {lines[-2]!r}")
    check(os.path.exists(report_path), "no report written")
    report = load_report(report_path)
    f = report["summary"]["fractal"]
    check(f["ran"] is True and f["passed"] is False and f["error"] and re.search(args.expect_fractal_failure,
                                                                                    f["error"]),
          f"summary.fractal {f}, expected a failure matching {args.expect_fractal_failure!r}")
    res = report["result"]
    check(res["passed"] is False and res["failed_ranks"] == 0 and res["errors"] == []
          and res["checksum_verified_ranks"] == args.ranks, f"result {res}: only the fractal may have failed")
