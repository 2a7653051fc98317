# SPDX-License-Identifier: BSD-3-Clause
"""Helpers shared by the pynamic-gen tests (standard library only). It puts ctest/ on sys.path, so the tests
import the checks every ctest script shares from pynamictest after importing it."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, fail  # noqa: E402

# Function definitions start in column 0 with their return type; prototypes
# start with "extern", calls are indented.
DEFINITION = re.compile(
    r"^(?:int|long|float|double|char \*|uint64_t) ?(lib(?:utility|module)\d+)_"
    r"(fn\d+[a-z]*|extern[a-z]*|entry)\(", re.M)


class Workdir:
    """A temporary directory under the current working directory (the test's
    build directory under ctest), removed on exit."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="pyngen-", dir=os.getcwd())
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
        return False


def run_gen(gen, args, check_ok=True, timeout=60):
    proc = subprocess.run([gen] + list(args), capture_output=True, text=True,
                          timeout=timeout)
    if check_ok and proc.returncode != 0:
        fail("pynamic-gen %s exited %d: %s" % (" ".join(args), proc.returncode,
                                              proc.stderr.strip()))
    return proc


def summary_counts(stdout):
    """(written, unchanged, removed) from the summary line."""
    m = re.search(r"(\d+) files written, (\d+) unchanged, (\d+) removed", stdout)
    check(m is not None, "no summary line in %r" % stdout)
    return tuple(int(x) for x in m.groups())


def load_manifest(out):
    with open(os.path.join(out, "manifest.json")) as f:
        return json.load(f)


def definitions(source_text):
    """[(library, kind)] for every function defined in a source, kind being
    'fn', 'extern' or 'entry'."""
    found = []
    for lib, what in DEFINITION.findall(source_text):
        kind = "fn" if what.startswith("fn") else (
            "extern" if what.startswith("extern") else "entry")
        found.append((lib, kind))
    return found
