#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pynamic-sizes and the run report's static summary, against readelf.

  sizes_test.py tree --sizes TOOL --manifest M --lib-dir D --workdir W --mode-exe EXE
      Runs TOOL --json; every library's and every executable's numbers must
      equal what readelf -S -W / -d says (an independent reading of the same
      section headers); the utility/module/all sums must add up by the
      manifest's kinds; the executables must be the pynamic-mode-* ELF files
      beside the tool. Then runs EXE (one process) with --json: the report's
      "static" block must equal the tool's libraries and its own executable.
  sizes_test.py errors --sizes TOOL --workdir W
      Bad input: a file that is not ELF, a truncated ELF, a missing file, a
      directory, an unknown option: exit 1 (2 for usage), one stderr line
      naming the file and the reason, no JSON written.
  sizes_test.py long-path --sizes TOOL --workdir W
      A library directory 492 bytes deep, empty: exit 1, one line that ends
      with the reason the first library cannot be read, the path shortened
      in its middle ("...").
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, check_cause_kept, checked, load_report, long_dir  # noqa: E402

FIELDS = ["files", "file_bytes", "text_bytes", "data_bytes", "debug_bytes", "symtab_bytes", "strtab_bytes",
          "dynsym_bytes", "dynstr_bytes", "rela_plt_bytes", "symbols", "dynamic_symbols", "plt_relocations",
          "dynamic_relocations", "needed"]
DATA = re.compile(r"^\.(data|rodata|bss|tdata|tbss)(\..*)?$")


def readelf_sizes(path):
    """The same quantities as pyn_elf.c, from readelf's own parse."""
    s = dict.fromkeys(FIELDS, 0)
    s["files"] = 1
    s["file_bytes"] = os.path.getsize(path)
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^\s*\[\s*(\d+)\]\s+(.*)$", line)
        if not m or int(m.group(1)) == 0:
            continue
        name, typ, _addr, _off, size, es = m.group(2).split()[:6]
        size, es = int(size, 16), int(es, 16)
        if name == ".text":
            s["text_bytes"] += size
        elif DATA.match(name):
            s["data_bytes"] += size
        elif name.startswith(".debug") or name.startswith(".zdebug"):
            s["debug_bytes"] += size
        elif typ == "SYMTAB":
            s["symtab_bytes"] += size
            s["symbols"] += size // es
        elif typ == "DYNSYM":
            s["dynsym_bytes"] += size
            s["dynamic_symbols"] += size // es
        elif name == ".strtab":
            s["strtab_bytes"] += size
        elif name == ".dynstr":
            s["dynstr_bytes"] += size
        elif name in (".rela.plt", ".rel.plt"):
            s["rela_plt_bytes"] += size
            s["plt_relocations"] += size // es
        elif name in (".rela.dyn", ".rel.dyn"):
            s["dynamic_relocations"] += size // es
    dyn = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True, check=True).stdout
    s["needed"] = len(re.findall(r"\(NEEDED\)", dyn))
    return s


def same(got, want, what):
    diff = {k: (got.get(k), want[k]) for k in FIELDS if got.get(k) != want[k]}
    check(not diff, f"{what}: pynamic-sizes vs readelf differ: {diff}")


def add(a, b):
    return {k: a[k] + b[k] for k in FIELDS}


def do_tree(a):
    os.makedirs(a.workdir, exist_ok=True)
    out_json = os.path.join(a.workdir, "sizes.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    r = subprocess.run([a.sizes, "--manifest", a.manifest, "--lib-dir", a.lib_dir, "--json", out_json],
                       capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    check(r.returncode == 0, f"pynamic-sizes exited {r.returncode}")
    with open(out_json) as f:
        sizes = json.load(f)
    with open(a.manifest) as f:
        manifest = json.load(f)
    libs = manifest["libraries"]
    check(sizes["libraries"]["count"] == len(libs) == len(sizes["per_library"]), "library count")
    nmarkers = sum(lib["kind"] == "marker" for lib in libs)
    check(re.search(rf"^pynamic-sizes: {len(libs) - nmarkers} generated libraries \(\d+ utility, \d+ module\) and "
                    rf"{nmarkers} markers from ", r.stdout, re.M), "table header line")
    check(re.search(r"^all libraries +[0-9.]+ [kMG]?B", r.stdout, re.M), "table row 'all libraries'")
    zero = dict.fromkeys(FIELDS, 0)
    total = {"utility": dict(zero), "module": dict(zero), "marker": dict(zero)}
    for lib, got in zip(libs, sizes["per_library"]):
        check(got["name"] == lib["name"] and got["kind"] == lib["kind"], f"per_library order at {lib['name']}")
        want = readelf_sizes(os.path.join(a.lib_dir, lib["file"]))
        same(got, want, lib["file"])
        total[lib["kind"]] = add(total[lib["kind"]], want)
        # What the generator put there must show: one DT_NEEDED per manifest dependency (plus libc),
        # and at least every generated function exported.
        check(want["needed"] >= len(lib["needed"]) + 1, f"{lib['file']}: {want['needed']} DT_NEEDED, manifest "
              f"lists {len(lib['needed'])} dependencies")
        check(want["dynamic_symbols"] >= lib["functions"], f"{lib['file']}: fewer dynamic symbols than functions")
        check(want["text_bytes"] > 0 and want["symbols"] > 0, f"{lib['file']}: no text or no symbols")
    same(sizes["libraries"]["utilities"], total["utility"], "utility sum")
    same(sizes["libraries"]["modules"], total["module"], "module sum")
    same(sizes["libraries"]["markers"], total["marker"], "marker sum")
    same(sizes["libraries"]["all"], add(add(total["utility"], total["module"]), total["marker"]), "all libraries sum")

    tool_dir = os.path.dirname(os.path.realpath(a.sizes))
    expected = sorted(n for n in os.listdir(tool_dir) if n.startswith("pynamic-mode-")
                      and os.path.isfile(os.path.join(tool_dir, n)) and open(os.path.join(tool_dir, n), "rb").read(4) == b"\x7fELF")
    got_names = [e["name"] for e in sizes["executables"]]
    check(got_names == expected, f"executables {got_names}, expected the pynamic-mode-* ELF files {expected}")
    for e in sizes["executables"]:
        same(e, readelf_sizes(e["path"]), e["name"])

    # The run report carries the same numbers, computed by rank 0 after the run.
    report = os.path.join(a.workdir, "report.json")
    r = subprocess.run([a.mode_exe, "--manifest", a.manifest, "--lib-dir", a.lib_dir, "--json", report],
                       capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    check(r.returncode == 0, f"{a.mode_exe} exited {r.returncode}: {r.stderr}")
    st = load_report(report)["static"]
    check(st["ok"] is True and st["error"] is None, f"report static not ok: {st.get('error')}")
    for key in ("utilities", "modules", "markers", "all"):
        same(st["libraries"][key], sizes["libraries"][key], f"report static.libraries.{key}")
    check(st["executable"]["path"] == os.path.realpath(a.mode_exe), f"report static.executable.path {st['executable']['path']}")
    same(st["executable"], readelf_sizes(a.mode_exe), "report static.executable")
    check(re.search(r"^static sizes +file +text +data +debug", r.stdout, re.M), "the text report's static table")
    print(f"pynamic-sizes matches readelf on {len(libs)} libraries and {len(expected)} executables; "
          "the run report's static block matches too")


def expect_error(cmd, status, pattern, json_path=None):
    r = subprocess.run(cmd, capture_output=True, text=True)
    lines = r.stderr.splitlines()
    check(r.returncode == status, f"{cmd}: exit {r.returncode}, expected {status}; stderr {r.stderr!r}")
    check(len(lines) == 1 and re.search(pattern, lines[0]), f"{cmd}: stderr {r.stderr!r} does not match {pattern!r}")
    if json_path:
        check(not os.path.exists(json_path), f"{cmd}: wrote {json_path} despite the error")


def do_errors(a):
    w = os.path.abspath(a.workdir)
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    js = os.path.join(w, "out.json")
    text = os.path.join(w, "not-elf")
    with open(text, "w") as f:
        f.write("#!/bin/sh\necho hello\n")
    # A real library cut short inside its section header table.
    tool_dir = os.path.dirname(os.path.realpath(a.sizes))
    with open(os.path.join(tool_dir, "generated", "manifest.json")) as f:
        first = json.load(f)["libraries"][0]["file"]
    with open(os.path.join(tool_dir, "lib", first), "rb") as f:
        data = f.read()
    trunc = os.path.join(w, "truncated.so")
    with open(trunc, "wb") as f:
        f.write(data[: len(data) - 100])
    tiny = os.path.join(w, "tiny")
    with open(tiny, "wb") as f:
        f.write(b"\x7fELF\x02")
    # A library directory where one library is not ELF: named, exit 1.
    libs = os.path.join(w, "lib")
    shutil.copytree(os.path.join(tool_dir, "lib"), libs, ignore=shutil.ignore_patterns("static"))
    with open(os.path.join(libs, first), "w") as f:
        f.write("this is not an ELF shared object at all\n")

    t = a.sizes
    expect_error([t, "--json", js, text], 1, rf"^pynamic-sizes: {re.escape(text)}: not an ELF file", js)
    expect_error([t, "--json", js, trunc], 1, rf"^pynamic-sizes: {re.escape(trunc)}: section header table lies beyond "
                 r"the end of the file \(truncated\?\)", js)
    expect_error([t, "--json", js, tiny], 1, rf"^pynamic-sizes: {re.escape(tiny)}: not an ELF file \(too short\)", js)
    expect_error([t, "--json", js, os.path.join(w, "missing")], 1,
                 rf"^pynamic-sizes: executable {re.escape(os.path.join(w, 'missing'))}: No such file or directory", js)
    expect_error([t, "--json", js, w], 1, rf"^pynamic-sizes: {re.escape(w)}: not a regular file", js)
    expect_error([t, "--json", js, "--lib-dir", libs], 1, rf"^pynamic-sizes: {re.escape(libs)}/{re.escape(first)}: "
                 r"not an ELF file \(no ELF magic number\)", js)
    expect_error([t, "--manifest", os.path.join(w, "nope.json")], 1, r"^pynamic-sizes: manifest .*nope\.json: No such file")
    expect_error([t, "--bogus"], 2, r"^pynamic-sizes: unknown option '--bogus'")
    expect_error([t, "--json"], 2, r"^pynamic-sizes: option --json needs a value FILE")
    r = subprocess.run([t, "--help"], capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.startswith("usage: pynamic-sizes") and not r.stderr, "--help")
    print("pynamic-sizes rejects bad input with one line naming the file")


def do_long_path(a):
    w = os.path.abspath(a.workdir)
    shutil.rmtree(w, ignore_errors=True)
    deep = long_dir(w)
    tool_dir = os.path.dirname(os.path.realpath(a.sizes))
    with open(os.path.join(tool_dir, "generated", "manifest.json")) as f:
        first = json.load(f)["libraries"][0]["file"]
    js = os.path.join(w, "out.json")
    r = subprocess.run([a.sizes, "--json", js, "--lib-dir", deep], capture_output=True, text=True, timeout=60)
    check(r.returncode == 1, f"exit status {r.returncode}, expected 1: {r.stderr!r}")
    check_cause_kept(r.stderr, f"pynamic-sizes: {os.path.realpath(w)}/long/",
                     f"/{first}: open: No such file or directory", "a library missing from a deep --lib-dir")
    check(not os.path.exists(js), f"wrote {js} despite the error")
    shutil.rmtree(w)
    print("pynamic-sizes keeps the cause of a long path's error")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["tree", "errors", "long-path"])
    p.add_argument("--sizes", required=True)
    p.add_argument("--manifest")
    p.add_argument("--lib-dir")
    p.add_argument("--workdir", required=True)
    p.add_argument("--mode-exe")
    a = p.parse_args()
    body = {"tree": do_tree, "errors": do_errors, "long-path": do_long_path}[a.action]
    return checked(body, a, errors=(subprocess.CalledProcessError, OSError, KeyError, ValueError), passed=None)

if __name__ == "__main__":
    sys.exit(main())
