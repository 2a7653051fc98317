# SPDX-License-Identifier: BSD-3-Clause
"""Prediction == computation: builds small generated trees into shared
objects, loads libmodulebegin (which needs every module) and then every
module with dlopen as the runtime will, calls each <name>_entry between the
markers' functions and compares with the checksums the manifest predicts.
The loader is a C program without libpython (the same objects are CPython
extension modules whose Python references are weak); then the interpreter
running this test imports every module and marker with Python's import
system and checks entry() and marker(), and the original's names
(libmoduleN_entry(), begin_break_here(), break_here()), the same way.

usage: test_prediction.py PYNAMIC_GEN CC CHECKSUM_INCLUDE_DIR PYTHON_INCLUDE_DIR [CFLAGS...]
Without CFLAGS every configuration is built with "-O2" and, where the
compiler supports it, "-O0 -fsanitize=undefined -fno-sanitize-recover=all"
and "-O3 -ffast-math".
"""

import concurrent.futures
import json
import os
import subprocess
import sys

from genlib import Workdir, load_manifest, run_gen
from pynamictest import check, checked, fail
CONFIGS = [
    # cross-module calls, utilities, short chains
    ["10", "24", "-e", "-u", "4", "24", "-n", "12", "-d", "4", "-s", "7"],
    # utilities without -e, long chains, default seed
    ["6", "30", "-u", "3", "16", "-d", "50"],
    # no utilities, every function prints, one-function chains
    ["5", "9", "-e", "-p", "-d", "1", "-s", "3"],
    # modules that need their predecessor
    ["7", "12", "-e", "-u", "2", "10", "--module-chain", "-s", "5"],
]

DRIVER = r"""
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "pyn_checksum.h"

int main(int argc, char **argv)
{
    uint64_t total = PYN_CHECKSUM_INIT;
    /* argv: pairs of (shared object path, entry symbol) in visit order, the
     * first and the last the markers (their functions count their calls) */
    for (int i = 1; i + 1 < argc; i += 2) {
        int marker = i == 1 || i + 2 >= argc;
        void *h = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            fprintf(stderr, "dlopen: %s\n", dlerror());
            return 3;
        }
        uint64_t (*entry)(void);
        *(void **)&entry = dlsym(h, argv[i + 1]);
        if (!entry) {
            fprintf(stderr, "dlsym: %s\n", dlerror());
            return 3;
        }
        uint64_t v = entry();
        if (marker) {
            printf("MARKER %s %" PRIu64 "\n", argv[i + 1], v);
            continue;
        }
        total = pyn_mix(total, v);
        printf("CHECKSUM %s 0x%016" PRIx64 "\n", argv[i + 1], v);
    }
    printf("TOTAL 0x%016" PRIx64 "\n", total);
    /* No interpreter came in with the modules. */
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    while (maps && fgets(line, sizeof line, maps))
        if (strstr(line, "libpython")) {
            fprintf(stderr, "libpython is mapped: %s", line);
            return 4;
        }
    return maps ? 0 : 5;
}
"""

# Run by this interpreter in a child: imports by name through sys.path.
PYTHON_CHECK = r"""
import json, sys
tree, order, result = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
sys.path.insert(0, tree)
out = {}
for name in order:
    module = __import__(name)
    assert module.__file__ == tree + "/" + name + ".so", module.__file__
    if name in ("libmodulebegin", "libmodulefinal"):
        original = "begin_break_here" if name == "libmodulebegin" else "break_here"
        out[name] = [module.marker(), getattr(module, original)()]
    else:
        out[name] = ["0x%016x" % module.entry(), "0x%016x" % getattr(module, name + "_entry")()]
with open(result, "w") as f:
    json.dump(out, f)
"""


def compile_cmd(cc, cflags, inc, out_dir, lib, needed):
    cmd = [cc] + cflags + ["-fPIC", "-shared"] + inc + ["-o",
                           os.path.join(out_dir, lib + ".so"),
                           os.path.join(out_dir, "src", lib + ".c")]
    if needed:
        # As the original: one DT_NEEDED per utility, even if unused.
        cmd += ["-L", out_dir, "-Wl,--no-as-needed"]
        cmd += ["-l" + n[len("lib"):] for n in needed]
        cmd += ["-Wl,-rpath,$ORIGIN"]
    return cmd


def sh(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return proc


def build_and_run(gen, cc, inc, work, args, cflags):
    out = os.path.join(work, "tree")
    run_gen(gen, ["-o", out] + args)
    man = load_manifest(out)
    libs = man["libraries"]
    utils = [l for l in libs if l["kind"] == "utility"]
    mods = [l for l in libs if l["kind"] == "module"]
    markers = [l for l in libs if l["kind"] == "marker"]
    check([m["name"] for m in markers] == ["libmodulebegin", "libmodulefinal"], "markers %r" % markers)

    def build(lib):
        proc = sh(compile_cmd(cc, cflags, inc, out, lib["name"], lib["needed"]))
        if proc.returncode != 0:
            fail("compiling %s with %s: %s" % (lib["name"], cflags,
                                                proc.stderr[-2000:]))
        if proc.stderr.strip():
            fail("warnings compiling %s with %s:\n%s" %
                 (lib["name"], cflags, proc.stderr[-2000:]))

    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(build, utils))
        if man["config"]["module_chain"]:
            # a module links its predecessor: build them in order
            for lib in mods:
                build(lib)
        else:
            list(pool.map(build, mods))
        list(pool.map(build, markers))  # libmodulebegin links every module

    driver_c = os.path.join(work, "driver.c")
    driver = os.path.join(work, "driver")
    with open(driver_c, "w") as f:
        f.write(DRIVER)
    proc = sh([cc] + cflags + inc[:2] + ["-o", driver, driver_c, "-ldl"])
    if proc.returncode != 0:
        fail("compiling the driver: " + proc.stderr[-2000:])
    argv = [driver, os.path.join(out, markers[0]["file"]), markers[0]["entry"]]
    for lib in mods:
        argv += [os.path.join(out, lib["file"]), lib["entry"]]
    argv += [os.path.join(out, markers[1]["file"]), markers[1]["entry"]]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        fail("driver exited %d: %s" % (proc.returncode, proc.stderr[-2000:]))
    got = {}
    printed = []
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["CHECKSUM"]:
            got[parts[1]] = parts[2]
        elif parts[:1] == ["TOTAL"]:
            got["TOTAL"] = parts[1]
        elif parts[:1] == ["MARKER"]:
            got[parts[1]] = parts[2]
        else:
            printed.append(line)
    for lib in mods:
        check(got.get(lib["entry"]) == lib["checksum"],
              "%s %s: computed %s, manifest predicts %s" %
              (" ".join(args), lib["entry"], got.get(lib["entry"]),
               lib["checksum"]))
    check(got.get("begin_break_here") == "1" and got.get("break_here") == "1",
          "%s: the markers' functions say %s/%s calls, expected 1/1" %
          (" ".join(args), got.get("begin_break_here"), got.get("break_here")))
    check(got.get("TOTAL") == man["expected_checksum"],
          "%s: computed total %s, manifest predicts %s" %
          (" ".join(args), got.get("TOTAL"), man["expected_checksum"]))
    if man["config"]["print"]:
        # -p: every call prints the callee's name; every entry is called once
        for lib in mods:
            check(printed.count(lib["entry"]) == 1,
                  "-p: %s printed %d times" % (lib["entry"],
                                               printed.count(lib["entry"])))
        check(len(printed) > len(mods), "-p printed only the entries")
    else:
        check(not printed, "unexpected output without -p: %r" % printed[:3])

    # The same objects as Python extension modules.
    result = os.path.join(work, "python.json")
    order = [markers[0]["name"]] + [m["name"] for m in mods] + [markers[1]["name"]]
    proc = subprocess.run([sys.executable, "-I", "-c", PYTHON_CHECK, out, ",".join(order), result],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        fail("%s: importing the modules with %s failed: %s" % (" ".join(args), sys.executable, proc.stderr[-2000:]))
    with open(result) as f:
        py = json.load(f)
    for lib in mods:
        check(py[lib["name"]] == [lib["checksum"]] * 2,
              "%s %s.entry(), %s_entry() from Python: %s, manifest predicts %s" %
              (" ".join(args), lib["name"], lib["name"], py[lib["name"]], lib["checksum"]))
    check(py["libmodulebegin"] == [1, 2] and py["libmodulefinal"] == [1, 2],
          "marker() then begin_break_here()/break_here() calls %r" % py)
    print("ok: %-45s %-40s %d modules, total %s, same from Python" %
          (" ".join(args), " ".join(cflags), len(mods), got["TOTAL"]))


def supports(cc, work, flags):
    src = os.path.join(work, "probe.c")
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    return sh([cc] + flags + ["-o", os.path.join(work, "probe"), src]
              ).returncode == 0


def main():
    if len(sys.argv) < 5:
        fail("usage: test_prediction.py PYNAMIC_GEN CC CHECKSUM_INCLUDE_DIR PYTHON_INCLUDE_DIR [CFLAGS...]")
    gen, cc = sys.argv[1:3]
    inc = ["-I", sys.argv[3], "-I", sys.argv[4]]
    flag_sets = [sys.argv[5:]] if len(sys.argv) > 5 else None
    with Workdir() as work:
        if flag_sets is None:
            flag_sets = [["-O2", "-Wall", "-Wextra"]]
            for extra in (["-O0", "-fsanitize=undefined",
                           "-fno-sanitize-recover=all"],
                          ["-O3", "-ffast-math"]):
                if supports(cc, work, extra):
                    flag_sets.append(extra)
                else:
                    print("note: %s does not support %s; not tested" %
                          (cc, " ".join(extra)))
        for i, args in enumerate(CONFIGS):
            for j, cflags in enumerate(flag_sets):
                sub = os.path.join(work, "c%d_%d" % (i, j))
                os.mkdir(sub)
                build_and_run(gen, cc, inc, sub, args, cflags)
    print("PASS")


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
