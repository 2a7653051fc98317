#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every mode's --help offers exactly the options the mode accepts.

  help_offers_what_runs.py EXECUTABLE...

For each mode executable: --stage (with --stage-dir, --stage-chunk and
--pilot-map) must be listed if and only if a run with `--stage cache` gets
past the option checks, and --cold likewise with `--cold`; an option the
help leaves out must be refused as a usage error (exit 2) with the mode's
own line, not fail in some other way. Each run is one process on the tree
beside the executable. Exit 0 when every mode agrees, 1 otherwise (one line
per disagreement)."""
import subprocess
import sys

STAGING = ("--stage", "--stage-dir", "--stage-chunk", "--pilot-map")
TIMEOUT_S = 120


def run(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {TIMEOUT_S} s"
    return p.returncode, p.stdout, p.stderr


def listed(help_text, option):
    # Help lines are "  --name ARG   text" or "  --name   text".
    return any(line.startswith(f"  {option} ") for line in help_text.splitlines())


def outcome(exe, args, refusal):
    """'accepted' (exit 0, or 1 from a later failure), 'refused' (exit 2 with the refusal text), or a
    description of anything else."""
    rc, _, err = run([exe, "--progress", "never", *args])
    # Accepted: past the option checks. A --cold run may still fail (exit 1) when a test running beside this
    # one keeps the same libraries mapped, so their pages cannot all be evicted: that is not a refusal.
    if rc == 0 or (rc == 1 and refusal not in err):
        return "accepted"
    if rc == 2 and refusal in err:
        return "refused"
    return f"exit {rc}: {err.strip()[-300:]}"


def check(exe):
    problems = []
    rc, help_text, err = run([exe, "--help"])
    if rc != 0 or "usage:" not in help_text:
        return [f"{exe} --help: exit {rc}: {err.strip()}"]
    shown = [o for o in STAGING if listed(help_text, o)]
    if shown and len(shown) != len(STAGING):
        problems.append(f"{exe}: --help lists {', '.join(shown)} but not all of {', '.join(STAGING)}")
    cases = (
        ("--stage", ["--audit", "--stage", "cache"], "does not load the generated files at run time"),
        ("--cold", ["--cold"], "generated libraries are already mapped by this process"),
    )
    for option, args, refusal in cases:
        got = outcome(exe, args, refusal)
        offered = listed(help_text, option)
        if got not in ("accepted", "refused"):
            problems.append(f"{exe} {' '.join(args)}: neither passed nor refused as a usage error ({got})")
        elif offered and got == "refused":
            problems.append(f"{exe}: --help offers {option}, but {' '.join(args)} is refused")
        elif not offered and got == "accepted":
            problems.append(f"{exe}: {' '.join(args)} runs, but --help does not offer {option}")
        else:
            print(f"{exe}: {option} {'offered and accepted' if offered else 'not offered and refused'}")
    return problems


def main():
    if len(sys.argv) < 2:
        print("usage: help_offers_what_runs.py EXECUTABLE...", file=sys.stderr)
        return 2
    problems = [p for exe in sys.argv[1:] for p in check(exe)]
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
