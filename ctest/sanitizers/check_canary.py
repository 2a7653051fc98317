#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs the sanitizer canary once per defect under the test environment.

    check_canary.py CANARY

Each defect must be reported by its sanitizer (the report's first line)
and must stop the program (non-zero exit, "not stopped" never printed);
the clean run must exit 0 with no report. UndefinedBehaviorSanitizer must
halt on the first error, and LeakSanitizer must be on (detect_leaks=1),
with the suppressions of ctest/sanitizers/lsan.supp not hiding our code.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import finish  # noqa: E402

CASES = [
    ("clean", None),
    ("heap-overflow", "ERROR: AddressSanitizer: heap-buffer-overflow"),
    ("signed-overflow", "runtime error: signed integer overflow"),
    ("leak", "ERROR: LeakSanitizer: detected memory leaks"),
]


def main():
    canary = sys.argv[1]
    env_note = ", ".join(f"{v}={os.environ.get(v, '')!r}" for v in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"))
    print(f"environment: {env_note}")
    failures = []
    for what, report in CASES:
        proc = subprocess.run([canary, what], capture_output=True, text=True)
        print(f"--- {what}: exit {proc.returncode}")
        if report is None:
            if proc.returncode != 0 or "Sanitizer" in proc.stderr:
                failures.append(f"the clean run exited {proc.returncode}: {proc.stderr.strip()}")
            continue
        stopped = proc.returncode != 0 and "not stopped" not in proc.stdout
        if report not in proc.stderr or not stopped:
            hint = ""
            if what == "leak":
                hint = " (LeakSanitizer is off: the test environment must set ASAN_OPTIONS detect_leaks=1)"
            elif what == "signed-overflow":
                hint = " (UBSan must halt: -fno-sanitize-recover=all and UBSAN_OPTIONS halt_on_error=1)"
            failures.append(f"{what}: reported={report in proc.stderr} stopped={stopped}{hint}")
            print(proc.stdout + proc.stderr)
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
