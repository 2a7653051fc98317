# SPDX-License-Identifier: BSD-3-Clause
"""suite.labels: every registered test carries what the presets and the docs rely on.

  - a LABELS list with `serial` or `parallel` (or both, for a fixture both kinds need): `ctest -L serial` and
    `ctest -L parallel` together run the whole suite, and the asan preset picks its tests by `serial`;
  - a TIMEOUT: a hang is a failure, never a stuck CI job;
  - the RESOURCE_LOCK of the host-wide state its label says it touches, so the test presets can run tests
    side by side (execution.jobs): the local Slurm cluster, the page cache the cold tests drop.

Reads the build's own test list (ctest --show-only=json-v1) and prints one CHECK FAILED line naming every
test that breaks a rule.

    check_labels.py --ctest CTEST --build BUILD_DIR
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pynamictest import check  # noqa: E402

# label -> the lock every test with that label must hold (why: tests/CMakeLists of that label).
LOCKS = {
    "slurm": "pynamic_local_slurm",  # one one-node cluster: its job steps would queue for its cores
    "mdsfs": "pynamic_page_cache",  # served operations depend on the caches the cold tests drop
}


def properties(test):
    return {p["name"]: p["value"] for p in test.get("properties", [])}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ctest", required=True)
    p.add_argument("--build", required=True)
    a = p.parse_args()
    r = subprocess.run([a.ctest, "--test-dir", a.build, "--show-only=json-v1"], capture_output=True, text=True,
                       timeout=120)
    check(r.returncode == 0, f"{a.ctest} --show-only=json-v1 exited {r.returncode}: {r.stderr.strip()[-500:]}")
    tests = json.loads(r.stdout)["tests"]
    check(len(tests) > 1, f"only {len(tests)} test registered in {a.build}")

    no_kind, no_timeout, no_lock = [], [], []
    for t in tests:
        props = properties(t)
        labels = set(props.get("LABELS", []))
        if not labels & {"serial", "parallel"}:
            no_kind.append(t["name"])
        if not props.get("TIMEOUT"):
            no_timeout.append(t["name"])
        locks = set(props.get("RESOURCE_LOCK", []))
        for label, lock in LOCKS.items():
            if label in labels and lock not in locks:
                no_lock.append(f"{t['name']} (label {label}, lock {lock})")
    problems = []
    if no_kind:
        problems.append(f"{len(no_kind)} test(s) labelled neither serial nor parallel: {', '.join(no_kind)}")
    if no_timeout:
        problems.append(f"{len(no_timeout)} test(s) without a TIMEOUT: {', '.join(no_timeout)}")
    if no_lock:
        problems.append(f"{len(no_lock)} test(s) without their RESOURCE_LOCK: {', '.join(no_lock)}")
    check(not problems, "; ".join(problems))
    print(f"{len(tests)} tests: each labelled serial or parallel, with a TIMEOUT and its label's locks")


if __name__ == "__main__":
    main()
