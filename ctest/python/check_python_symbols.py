#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One object for C and Python: every generated module and marker in the library directory is a CPython
extension module (PyInit_<name> defined and exported) whose references to the Python API are all weak and
which does not depend on libpython (so the C modes load it with no interpreter); utilities have no Python
in them at all. Read with readelf, checked against the manifest.

usage: check_python_symbols.py READELF MANIFEST LIB_DIR
Standard library only.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import fail  # noqa: E402


def dynamic_symbols(readelf, path):
    """{name: (type, bind, ndx)} from readelf --dyn-syms."""
    out = subprocess.run([readelf, "--dyn-syms", "-W", path], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and re.fullmatch(r"\d+:", f[0]):
            syms[f[7].split("@")[0]] = (f[3], f[4], f[6])
    return syms


def needed(readelf, path):
    out = subprocess.run([readelf, "-d", "-W", path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def main():
    if len(sys.argv) != 4:
        fail("usage: check_python_symbols.py READELF MANIFEST LIB_DIR")
    readelf, manifest_path, lib_dir = sys.argv[1:]
    with open(manifest_path) as f:
        libs = json.load(f)["libraries"]
    kinds = {}
    for lib in libs:
        path = os.path.join(lib_dir, lib["file"])
        syms = dynamic_symbols(readelf, path)
        python = {n: s for n, s in syms.items() if n.startswith("Py") or n.startswith("_Py")}
        deps = needed(readelf, path)
        if any("libpython" in d for d in deps):
            fail(f"{path} depends on {[d for d in deps if 'libpython' in d]}: the C modes would load libpython")
        kinds[lib["kind"]] = kinds.get(lib["kind"], 0) + 1
        if lib["kind"] == "utility":
            if python:
                fail(f"{path}: a utility library references Python: {sorted(python)}")
            continue
        init = f"PyInit_{lib['name']}"
        if init not in syms or syms[init][0] != "FUNC" or syms[init][1] != "GLOBAL" or syms[init][2] == "UND":
            fail(f"{path}: {init} is not an exported function: {syms.get(init)}")
        undefined = {n: s for n, s in python.items() if s[2] == "UND"}
        if not undefined:
            fail(f"{path}: references no Python API function: not the extension module it should be")
        strong = sorted(n for n, s in undefined.items() if s[1] != "WEAK")
        if strong:
            fail(f"{path}: Python API references that are not weak (C modes without libpython would fail): {strong}")
        entry = lib["entry"]
        if entry not in syms or syms[entry][2] == "UND":
            fail(f"{path}: {entry} is not defined")
    if not kinds.get("module") or kinds.get("marker") != 2:
        fail(f"expected modules and 2 markers in the manifest, found {kinds}")
    print(f"ok: {kinds}: PyInit_<name> exported, Python API references weak, no libpython dependency")


if __name__ == "__main__":
    main()
