"""Helpers shared by the pynamic-gen tests (standard library only)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Function definitions start in column 0 with their return type; prototypes
# start with "extern", calls are indented.
DEFINITION = re.compile(
    r"^(?:int|long|float|double|char \*|uint64_t) ?(lib(?:utility|module)\d+)_"
    r"(fn\d+[a-z]*|extern[a-z]*|entry)\(", re.M)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


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


def snapshot(root):
    """{relative path: (bytes, mtime_ns, inode)} of every file under root."""
    result = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            with open(path, "rb") as f:
                result[os.path.relpath(path, root)] = (f.read(), st.st_mtime_ns,
                                                       st.st_ino)
    return result


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
