#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The static and big executables, from their ELF headers (readelf): the
generated code is inside, the padding is in .text, and they are still
dynamically linked to libc, MPI and (the Python ones) libpython.

  check_executables.py --readelf READELF --manifest MANIFEST --padding-mib N
                       [--padded EXE]... [--unpadded EXE]... [--python EXE]...

For every executable: its DT_NEEDED entries name libc and an MPI library and
none of the manifest's libraries; its symbol table defines every module's
entry (with --python, also PyInit_<name> of every module and marker, and a
DT_NEEDED on libpython). --padded: the .text section holds at least N MiB,
and so does the padding's own symbol (pyn_padding_begin). --unpadded: no
padding symbol at all. Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, checked  # noqa: E402

MIB = 1 << 20


def readelf(tool, *args):
    proc = subprocess.run([tool, "-W", *args], capture_output=True, text=True)
    check(proc.returncode == 0, f"{tool} {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def sections(tool, exe):
    out = {}
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s", readelf(tool, "-S", exe),
                         re.M):
        out[m.group(1)] = int(m.group(2), 16)
    return out


def needed(tool, exe):
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf(tool, "-d", exe))


def defined_symbols(tool, exe):
    """name -> size of every defined symbol in .symtab."""
    out = {}
    for line in readelf(tool, "-s", exe).splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[0][:-1].isdigit() and f[0].endswith(":") and f[6] != "UND":
            out[f[7].split("@")[0]] = int(f[2], 0)
    return out


def check_one(args, manifest, exe, padded, python):
    libs = manifest["libraries"]
    modules = [l for l in libs if l["kind"] == "module"]
    dt_needed = needed(args.readelf, exe)
    check(any(n.startswith("libc.so") for n in dt_needed), f"{exe}: no DT_NEEDED on libc ({dt_needed})")
    check(any(re.match(r"lib(mpi|mpich)", n) for n in dt_needed), f"{exe}: no DT_NEEDED on an MPI library ({dt_needed})")
    generated = {l["file"] for l in libs}
    check(not generated & set(dt_needed), f"{exe}: DT_NEEDED names generated libraries {sorted(generated & set(dt_needed))}")
    check(not python or any(n.startswith("libpython") for n in dt_needed), f"{exe}: no DT_NEEDED on libpython ({dt_needed})")
    syms = defined_symbols(args.readelf, exe)
    missing = [m["entry"] for m in modules if m["entry"] not in syms]
    check(not missing, f"{exe}: the module entries {missing} are not defined in it (not built in)")
    if python:
        missing = [f"PyInit_{l['name']}" for l in libs if l["kind"] in ("module", "marker")
                   if f"PyInit_{l['name']}" not in syms]
        check(not missing, f"{exe}: {missing} are not defined in it (the built-in modules are not linked)")
    want = args.padding_mib * MIB
    text = sections(args.readelf, exe).get(".text", 0)
    if padded:
        check(text >= want, f"{exe}: .text is {text} bytes, less than the configured padding of {want} "
                            f"({args.padding_mib} MiB)")
        pad = syms.get("pyn_padding_begin")
        check(pad is not None and pad >= want, f"{exe}: the padding (pyn_padding_begin) is {pad} bytes, expected "
                                               f"at least {want}")
    else:
        check("pyn_padding_begin" not in syms, f"{exe}: has padding (pyn_padding_begin), expected none")
    print(f"{exe}: .text {text} bytes ({text / MIB:.2f} MiB), DT_NEEDED {dt_needed}, "
          f"{len(modules)} module entries built in{', padded' if padded else ''}")


def check_all(args, manifest):
    check(args.padded or args.unpadded, "no executable given")
    for exe in args.padded + args.unpadded:
        check_one(args, manifest, exe, exe in args.padded, exe in args.python)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--readelf", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--padding-mib", type=int, required=True)
    p.add_argument("--padded", action="append", default=[])
    p.add_argument("--unpadded", action="append", default=[])
    p.add_argument("--python", action="append", default=[], help="an executable (padded or not) embedding Python")
    args = p.parse_args()
    with open(args.manifest) as f:
        manifest = json.load(f)
    return checked(check_all, args, manifest)


if __name__ == "__main__":
    sys.exit(main())
