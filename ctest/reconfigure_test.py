#!/usr/bin/env python3
"""The superbuild regenerates only what changed: configuring a tiny tree,
building it, and configuring again with the same PYNAMIC_CONFIG must leave
every generated file untouched and the build with nothing to do; a new seed
must regenerate and rebuild."""
import argparse
import os
import shutil
import subprocess
import sys


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def snapshot(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            st = os.stat(p)
            out[p] = (st.st_mtime_ns, st.st_size)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--source", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--generator", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--cmake", default="cmake")
    a = p.parse_args()
    if a.generator != "Ninja":
        print(f"needs the Ninja generator for a dry run, have {a.generator}")
        return 1
    shutil.rmtree(a.build, ignore_errors=True)

    def configure(config):
        return run([a.cmake, "-S", a.source, "-B", a.build, "-G", "Ninja", "-DBUILD_TESTING=OFF",
                    f"-DPython3_EXECUTABLE={a.python}", f"-DPYNAMIC_CONFIG={config}"])

    def build():
        return run([a.cmake, "--build", a.build])

    def changed(before, after):
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

    configure("6 10 -e -u 2 10 -n 4")
    build()
    generated, libs = os.path.join(a.build, "generated"), os.path.join(a.build, "lib")
    gen_before, libs_before = snapshot(generated), snapshot(libs)
    configure("6 10 -e -u 2 10 -n 4")
    touched = changed(gen_before, snapshot(generated))
    if touched:
        print(f"FAILED: reconfiguring with the same arguments touched {touched}")
        return 1
    out = build()
    relinked = changed(libs_before, snapshot(libs))
    if "no work to do" not in out or relinked:
        print(f"FAILED: reconfiguring with the same arguments rebuilt {relinked}:\n{out}")
        return 1
    configure("6 10 -e -u 2 10 -n 4 -s 5")
    out = build()
    relinked = changed(libs_before, snapshot(libs))
    if not any(p.endswith("libmodule0.so") for p in relinked):
        print(f"FAILED: a new seed did not rebuild the libraries (changed: {relinked}):\n{out}")
        return 1
    print("reconfigure with unchanged arguments: nothing rewritten, nothing rebuilt; new seed: rebuilt")
    shutil.rmtree(a.build, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
