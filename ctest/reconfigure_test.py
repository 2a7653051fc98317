#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The superbuild regenerates only what changed: configuring a tiny tree,
building it, and configuring again with the same PYNAMIC_CONFIG must leave
every generated file untouched and the build with nothing to do; a new seed
must regenerate and rebuild."""
import argparse
import os
import sys

from pynamictest import ScratchTree, check, checked, fail, snapshot

CONFIG = "6 10 -e -u 2 10 -n 4"


def changed(before, after):
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def check_reconfigure(a, tree):
    def configure(config):
        tree.configure_ok(f"PYNAMIC_CONFIG={config}", what=f"configure with PYNAMIC_CONFIG={config!r}")

    def build():
        return tree.build_ok().stdout

    configure(CONFIG)
    build()
    generated, libs = os.path.join(a.build, "generated"), os.path.join(a.build, "lib")
    gen_before, libs_before = snapshot(generated), snapshot(libs)
    configure(CONFIG)
    touched = changed(gen_before, snapshot(generated))
    check(not touched, f"reconfiguring with the same arguments touched {touched}")
    out = build()
    relinked = changed(libs_before, snapshot(libs))
    check("no work to do" in out and not relinked, f"reconfiguring with the same arguments rebuilt {relinked}:\n{out}")
    configure(CONFIG + " -s 5")
    out = build()
    relinked = changed(libs_before, snapshot(libs))
    check(any(p.endswith("libmodule0.so") for p in relinked),
          f"a new seed did not rebuild the libraries (changed: {relinked}):\n{out}")
    tree.remove()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--source", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--generator", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--cmake", default="cmake")
    a = p.parse_args()
    if a.generator != "Ninja":
        fail(f"needs the Ninja generator for a dry run, have {a.generator}")
    tree = ScratchTree(a.source, a.build, a.cmake, "Ninja", python=a.python, build_type=None)
    tree.remove()
    return checked(check_reconfigure, a, tree, passed="reconfigure with unchanged arguments: nothing rewritten, "
                                                      "nothing rebuilt; new seed: rebuilt")


if __name__ == "__main__":
    sys.exit(main())
