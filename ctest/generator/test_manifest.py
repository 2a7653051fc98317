# SPDX-License-Identifier: BSD-3-Clause
"""Manifest and CMake fragment consistency: the manifest's configuration,
counts, order, needed lists and names match the generated sources, and the
targets.cmake fragment declares the same libraries with the same links.

usage: test_manifest.py PYNAMIC_GEN CMAKE_COMMAND
"""

import os
import re
import subprocess
import sys

from genlib import Workdir, definitions, load_manifest, run_gen
from pynamictest import check, checked
# (arguments, expected normalised "arguments" string)
CONFIGS = [
    (["12", "40", "-e", "-u", "4", "40", "-n", "20"],
     "12 40 -e -u 4 40 -n 20 -s 1"),
    (["-d", "3", "7", "9", "-s", "99"], "7 9 -d 3 -s 99"),
    (["9", "3", "-u", "2", "1", "-e", "-p", "-n", "0", "-d", "10", "-t", "-b",
      "-j", "2"], "9 3 -e -u 2 1 -s 1 -p"),
    (["2", "1", "-s", "9223372036854775807", "-n", "4096"],
     "2 1 -n 4096 -s 9223372036854775807"),
    (["3", "2", "--search-dirs", "5", "-u", "1", "2"], "3 2 -u 1 2 -s 1 --search-dirs 5"),
    (["8", "5", "--module-chain", "-e", "-u", "2", "5"], "8 5 -e -u 2 5 -s 1 --module-chain"),
]

HEX16 = re.compile(r"^0x[0-9a-f]{16}$")

# The marker modules every tree has besides its NUM_FILES libraries: name -> (role, the original's function).
MARKERS = {"libmodulebegin": ("begin", "begin_break_here"), "libmodulefinal": ("final", "break_here")}


def check_extension_module(name, text, method, function):
    """A module or marker source is also a CPython extension module: Python.h
    first (limited API), PyInit_<name>, one METH_NOARGS method calling the C
    function, under our name and under the original's (the C function's:
    libmodule3.libmodule3_entry(), libmodulebegin.begin_break_here()), and
    weak references to the Python API it calls."""
    check(text.index("#include <Python.h>") < text.index("#include <stdint.h>"),
          name + ": Python.h must come before the standard headers")
    check(re.search(r"^#define Py_LIMITED_API 0x0308", text, re.M), name + ": not limited API 3.8")
    check(re.search(r"^PyMODINIT_FUNC PyInit_%s\(void\)$" % name, text, re.M), name + ": no PyInit_" + name)
    check(re.search(r'\{"%s", py_%s, METH_NOARGS, ' % (method, method), text), name + ": no %s() method" % method)
    check(re.search(r'\{"%s", py_%s, METH_NOARGS, ' % (function, method), text),
          name + ": no %s() method (the original's name)" % function)
    check(re.search(r"return PyLong_FromUnsignedLongLong\(%s\(\)\);" % function, text),
          name + ": %s() does not return %s()" % (method, function))
    check(re.search(r'PyModuleDef_HEAD_INIT, "%s",' % name, text), name + ": module name")
    called = set(re.findall(r"\b(Py[A-Z][A-Za-z_]*[0-9]?)\(", text)) - {"PyInit_" + name}
    weak = set(re.findall(r"^#pragma weak (\w+)$", text, re.M))
    check(called <= weak | {"PyModule_Create"} and "PyModule_Create2" in weak,
          name + ": Python API functions called but not weak: %s" % sorted(called - weak))


def check_marker(out, lib, modules):
    """libmodulebegin needs every module (the original's graph: loading it loads the tree), libmodulefinal
    nothing; each has one function under the original's name."""
    name = lib["name"]
    check(name in MARKERS, "unexpected marker " + name)
    role, function = MARKERS[name]
    needed = modules if role == "begin" else []
    check(lib == {"name": name, "file": name + ".so", "kind": "marker", "role": role, "functions": 0,
                  "entry": function, "needed": needed}, "marker entry %r" % lib)
    with open(os.path.join(out, "src", name + ".c")) as f:
        text = f.read()
    check(re.search(r"^PYN_NOINLINE uint64_t %s\(void\)$" % function, text, re.M),
          name + ": no function " + function)
    check_extension_module(name, text, "marker", function)

FRAGMENT_PROBE = r"""
set(calls "")
function(pynamic_generated_library name kind source)
  set(calls "${calls}CALL ${name} ${kind} ${source} [${ARGN}]\n" PARENT_SCOPE)
endfunction()
include("${TREE}/targets.cmake")
message("UTILITIES [${PYNAMIC_GEN_UTILITIES}]")
message("MODULES [${PYNAMIC_GEN_MODULES}]")
message("MARKERS [${PYNAMIC_GEN_MARKERS}]")
message("${calls}")
"""


def option_value(args, flag, n=1, default=None):
    if flag not in args:
        return default
    i = args.index(flag)
    return [int(v) for v in args[i + 1:i + 1 + n]] if n > 1 else int(args[i + 1])


def check_config(gen, cmake, work, args, normalised):
    out = os.path.join(work, "t%d" % len(os.listdir(work)))
    run_gen(gen, ["-o", out] + args)
    man = load_manifest(out)
    positional = [a for i, a in enumerate(args) if re.fullmatch(r"\d+", a) and
                  not (i and args[i - 1] in ("-u", "-n", "-d", "-s", "-j", "--search-dirs")) and
                  not (i > 1 and args[i - 2] == "-u")]
    num_files, avg = int(positional[0]), int(positional[1])
    nutil, avg_util = option_value(args, "-u", 2, [0, 0])
    pad = option_value(args, "-n", default=0)
    depth = option_value(args, "-d", default=10)
    seed = option_value(args, "-s", default=1)
    cross, prnt, chain = "-e" in args, "-p" in args, "--module-chain" in args
    search_dirs = int(args[args.index("--search-dirs") + 1]) if "--search-dirs" in args else 1
    nmod = num_files - nutil
    what = " ".join(args)

    version = run_gen(gen, ["--version"]).stdout.split()[1]
    check(man["schema_version"] == 1, what + ": schema_version")
    check(man["generator"] == {"name": "pynamic-gen", "version": version},
          what + ": generator %r" % man["generator"])
    expected_config = {
        "arguments": normalised, "num_files": num_files, "avg_functions": avg,
        "num_utilities": nutil, "avg_utility_functions": avg_util,
        "name_pad": pad, "depth": depth, "seed": seed, "cross_module": cross,
        "module_chain": chain, "print": prnt, "search_dirs": search_dirs}
    check(man["config"] == expected_config,
          "%s: config %r, expected %r" % (what, man["config"], expected_config))

    listed = man["libraries"]
    libs = [l for l in listed if l["kind"] != "marker"]
    names = ["libutility%d" % i for i in range(nutil)] + \
        ["libmodule%d" % i for i in range(nmod)]
    check([l["name"] for l in listed] == names + list(MARKERS), what + ": library order (markers last)")
    for marker in listed[len(names):]:
        check_marker(out, marker, names[nutil:])
    total = 0
    symbols = set()
    for lib in libs:
        name, module = lib["name"], lib["name"].startswith("libmodule")
        check(lib["kind"] == ("module" if module else "utility"), name + " kind")
        check(lib["file"] == name + ".so", name + " file")
        a = avg if module else avg_util
        lo, hi = max(1, a // 2), a + a // 2
        check(lo <= lib["functions"] <= hi, "%s: %d functions outside [%d, %d]" %
              (name, lib["functions"], lo, hi))
        with open(os.path.join(out, "src", name + ".c")) as f:
            text = f.read()
        defs = definitions(text)
        check(all(d[0] == name for d in defs), name + ": defines foreign functions")
        kinds = [d[1] for d in defs]
        check(kinds.count("fn") == lib["functions"],
              "%s: manifest says %d functions, source defines %d" %
              (name, lib["functions"], kinds.count("fn")))
        check(kinds.count("entry") == kinds.count("extern") == (1 if module else 0),
              name + ": entry/extern count")
        total += lib["functions"]
        # names: <lib>_fn<j> + exactly PAD lowercase letters, all distinct
        fns = re.findall(r"^(?:int|long|float|double|char \*) ?(%s_fn\d+[a-z]*)\("
                         % name, text, re.M)
        for fn in fns:
            check(re.fullmatch(r"%s_fn\d+[a-z]{%d}" % (name, pad), fn),
                  "%s: bad name %s" % (name, fn[:80]))
        symbols.update(fns)
        needed = []
        if module:
            i = int(name[len("libmodule"):])
            # No module needs another unless --module-chain: the original's graph.
            needed = ["libutility%d" % u for u in range(nutil)]
            if chain and i > 0:
                needed.append("libmodule%d" % (i - 1))
            check(lib["entry"] == name + "_entry", name + " entry")
            check(re.search(r"^uint64_t %s_entry\(void\)$" % name, text, re.M),
                  name + ": no entry definition")
            check(HEX16.match(lib["checksum"]), name + " checksum format")
            # only the functions it calls are declared: no all-utilities header
            protos = re.findall(r"^extern .*?(lib\w+?)_", text, re.M)
            check(len(protos) <= lib["functions"] + 1,
                  "%s declares %d functions" % (name, len(protos)))
            check(all(p in needed or (cross and p == "libmodule%d" % (i - 1)) for p in protos),
                  "%s declares functions of libraries it neither links nor calls across (-e)" % name)
            check(("libmodule%d" % (i - 1) in protos) == (cross and i > 0),
                  name + ": predecessor extern declaration")
            check(("puts(" in text) == prnt, name + ": -p")
            check_extension_module(name, text, "entry", name + "_entry")
        else:
            check("checksum" not in lib and "entry" not in lib,
                  name + ": utility with entry or checksum")
            check("extern " not in text, name + ": utility declares externs")
            check("Python" not in text and "PyInit" not in text, name + ": a utility is not a Python module")
        check(lib["needed"] == needed, "%s: needed %r, expected %r" %
              (name, lib["needed"], needed))
        check(text.count('#include "pyn_checksum.h"') == 1,
              name + ": does not include pyn_checksum.h once")
    check(len(symbols) == total, what + ": function names are not distinct")
    check(man["totals"] == {"libraries": num_files, "utilities": nutil,
                            "modules": nmod, "markers": len(MARKERS), "functions": total},
          "%s: totals %r" % (what, man["totals"]))
    check(HEX16.match(man["expected_checksum"]), "expected_checksum format")

    # The fragment, evaluated by CMake itself.
    probe = os.path.join(work, "probe.cmake")
    with open(probe, "w") as f:
        f.write(FRAGMENT_PROBE)
    proc = subprocess.run([cmake, "-DTREE=" + out, "-P", probe],
                          capture_output=True, text=True, timeout=60)
    check(proc.returncode == 0, "targets.cmake does not evaluate: " + proc.stderr)
    lines = proc.stderr.splitlines()
    check("UTILITIES [%s]" % ";".join(names[:nutil]) in lines,
          what + ": PYNAMIC_GEN_UTILITIES")
    check("MODULES [%s]" % ";".join(names[nutil:]) in lines,
          what + ": PYNAMIC_GEN_MODULES")
    check("MARKERS [%s]" % ";".join(MARKERS) in lines, what + ": PYNAMIC_GEN_MARKERS")
    calls = [l for l in lines if l.startswith("CALL ")]
    expected = ["CALL %s %s %s [%s]" % (
        l["name"], l["kind"].upper(), os.path.join(out, "src", l["name"] + ".c"),
        ";".join(l["needed"])) for l in listed]
    check(calls == expected, "%s: fragment calls differ, first %r vs %r" %
          (what, calls[:1], expected[:1]))
    with open(os.path.join(out, "targets.cmake")) as f:
        first = f.readline()
    check(first == '# Generated by pynamic-gen %s from "%s": do not edit.\n' %
          (version, normalised), "fragment header %r" % first)
    print("ok: %s (%d libraries, %d functions)" % (what, num_files, total))


def main():
    gen, cmake = sys.argv[1], sys.argv[2]
    with Workdir() as work:
        for args, normalised in CONFIGS:
            check_config(gen, cmake, work, args, normalised)
    print("PASS")


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
