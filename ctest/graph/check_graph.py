#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The original's dependency graph and names, read from the built tree (readelf) and checked against the
manifest:
  - no generated library has a DT_SONAME or is needed by a path, as in the original;
  - no module has a DT_NEEDED on another module (unless the tree was generated with --module-chain, when
    module i needs exactly module i-1); every module needs every utility, in order;
  - libmodulebegin needs every module, in order, and no utility; libmodulefinal needs no generated library;
  - the linked executables need the generated libraries in the original's link order: modules, utilities,
    then libmodulebegin and libmodulefinal;
  - the names tools and scripts call: begin_break_here in libmodulebegin, break_here in libmodulefinal,
    libmoduleN_entry in every module (dynamic symbols), and from Python (this interpreter, with the library
    directory on sys.path): libmodulebegin.begin_break_here(), libmoduleN.libmoduleN_entry() returning
    the manifest's checksum, libmodulefinal.break_here().

usage: check_graph.py --readelf READELF --manifest MANIFEST --lib-dir DIR [--linked EXE...] [--no-python]
Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, checked  # noqa: E402


def readelf(tool, *args):
    return subprocess.run([tool, "-W", *args], capture_output=True, text=True, check=True).stdout


def needed(tool, path):
    """Generated libraries among the DT_NEEDED entries, in order, without the .so suffix. A generated library
    named by a path (no DT_SONAME and linked by its path) would be opened relative to the working directory,
    never searched for: an error; so is a DT_SONAME, which the original's libraries do not have."""
    dynamic = readelf(tool, "-d", path)
    names = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    generated = re.compile(r"lib(module\d+|utility\d+|modulebegin|modulefinal)\.so")
    check(not [n for n in names if "/" in n and generated.fullmatch(os.path.basename(n))],
          f"{path}: DT_NEEDED names generated libraries by path: {[n for n in names if '/' in n][:3]}")
    if generated.fullmatch(os.path.basename(path)):
        check("(SONAME)" not in dynamic, f"{path} has a DT_SONAME (the original's libraries have none)")
    return [n[:-3] for n in names if generated.fullmatch(n)]


def defined_functions(tool, path):
    out = readelf(tool, "--dyn-syms", path)
    return {f[7].split("@")[0] for f in (line.split() for line in out.splitlines())
            if len(f) >= 8 and f[3] == "FUNC" and f[6] != "UND"}


PYTHON_CALLS = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
names = json.loads(sys.argv[2])
import libmodulebegin
out = {"begin_break_here": libmodulebegin.begin_break_here()}
for name in names:
    out[name] = "0x%016x" % getattr(__import__(name), name + "_entry")()
import libmodulefinal
out["break_here"] = libmodulefinal.break_here()
print(json.dumps(out))
"""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--readelf", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--lib-dir", required=True)
    p.add_argument("--linked", nargs="*", default=[])
    p.add_argument("--no-python", action="store_true",
                   help="skip the calls from Python (sanitizer builds: instrumented modules cannot load there)")
    args = p.parse_args()
    with open(args.manifest) as f:
        manifest = json.load(f)
    libs = manifest["libraries"]
    utilities = [l["name"] for l in libs if l["kind"] == "utility"]
    modules = [l["name"] for l in libs if l["kind"] == "module"]
    markers = {l["role"]: l for l in libs if l["kind"] == "marker"}
    chain = manifest["config"].get("module_chain", False)
    lib = lambda name: os.path.join(args.lib_dir, name + ".so")  # noqa: E731

    for i, name in enumerate(modules):
        want = utilities + ([modules[i - 1]] if chain and i > 0 else [])
        got = needed(args.readelf, lib(name))
        check(got == want, f"{name}.so needs {got}, expected {want}"
              + ("" if chain else " (no module may need another: the original's graph)"))
        check(f"{name}_entry" in defined_functions(args.readelf, lib(name)), f"{name}.so does not export {name}_entry")
    begin, final = markers["begin"], markers["final"]
    got = needed(args.readelf, lib(begin["name"]))
    check(got == modules, f"{begin['name']}.so needs {got}, expected every module in order {modules}")
    got = needed(args.readelf, lib(final["name"]))
    check(got == [], f"{final['name']}.so needs {got}, expected no generated library")
    for marker, function in ((begin, "begin_break_here"), (final, "break_here")):
        check(marker["entry"] == function, f"manifest: {marker['name']} entry {marker['entry']!r}, expected {function}")
        check(function in defined_functions(args.readelf, lib(marker["name"])),
              f"{marker['name']}.so does not export {function}")
    print(f"ok: {len(modules)} modules need the {len(utilities)} utilities"
          + (" and their predecessor" if chain else " and no other module")
          + f"; {begin['name']} needs every module, {final['name']} nothing")

    order = modules + utilities + [begin["name"], final["name"]]
    for exe in args.linked:
        got = needed(args.readelf, exe)
        check(got == order, f"{os.path.basename(exe)} needs {got[:6]}..., expected the original's link order "
                            f"(modules, utilities, markers) {order[:6]}...")
        print(f"ok: {os.path.basename(exe)} needs {len(order)} generated libraries in the original's link order")

    if args.no_python:
        print("note: --no-python: the names were checked in the dynamic symbol tables only")
        return
    proc = subprocess.run([sys.executable, "-I", "-c", PYTHON_CALLS, args.lib_dir, json.dumps(modules)],
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode == 0, f"calling the original's names from Python failed: {proc.stderr[-2000:]}")
    got = json.loads(proc.stdout)
    for l in libs:
        if l["kind"] == "module":
            check(got[l["name"]] == l["checksum"], f"{l['name']}.{l['name']}_entry() returned {got[l['name']]}, "
                                                   f"the manifest predicts {l['checksum']}")
    check(got["begin_break_here"] == 1 and got["break_here"] == 1,
          f"begin_break_here()/break_here() say {got['begin_break_here']}/{got['break_here']} calls, expected 1/1")
    print(f"ok: from Python, libmodulebegin.begin_break_here(), libmoduleN.libmoduleN_entry() for the "
          f"{len(modules)} modules (the manifest's checksums), libmodulefinal.break_here()")


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
