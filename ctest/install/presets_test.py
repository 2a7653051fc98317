#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The presets a site picks from, and the documented way to add its own.

  presets_test.py --cmake CMAKE --source SRC --workdir W --example docs/site-preset.example.json

1. In SRC, `cmake --list-presets` (configure, build and test) shows coral,
   nersc8, coral2, demo and ci, and each big preset carries the published
   configuration string.
2. A copy of SRC (without build/ and .git/) gets the example as its
   CMakeUserPresets.json: `cmake --list-presets` shows the example's presets
   beside ours, and configuring the example's first configure preset (into
   W, on a tiny tree: -DPYNAMIC_CONFIG) works and gives the cache the
   launcher, compilers and Python the example sets; the parallel tests it
   registers launch through that launcher with its flags.
"""
import argparse
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, checked, run_ok  # noqa: E402

PUBLISHED = {
    "coral": "496 1850 -e -u 215 1850 -n 100",
    "nersc8": "495 1850 -e -u 215 1850 -n 100",
    "coral2": "900 1250 -e -u 350 1250 -n 150",
}
REQUIRED = ["coral", "nersc8", "coral2", "demo", "ci"]


def listed(cmake, src, kind):
    out = run_ok([cmake, f"--list-presets={kind}"], "list the presets", 300, cwd=src).stdout
    return re.findall(r'^\s+"([^"]+)"', out, re.M)


def check_presets(a):
    for kind in ("configure", "build", "test"):
        names = listed(a.cmake, a.source, kind)
        missing = [n for n in REQUIRED if n not in names]
        check(not missing, f"cmake --list-presets={kind} lacks {missing} (has {names})")
    with open(os.path.join(a.source, "presets.json")) as f:
        ours = json.load(f)
    configure = {c["name"]: c for c in ours["configurePresets"]}
    for name, config in PUBLISHED.items():
        got = configure[name].get("cacheVariables", {}).get("PYNAMIC_CONFIG")
        check(got == config, f"preset {name}: PYNAMIC_CONFIG {got!r}, published {config!r}")

    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    copy = os.path.join(work, "src")
    shutil.copytree(a.source, copy, ignore=shutil.ignore_patterns("build", ".git", "CMakeUserPresets.json"))
    shutil.copy(a.example, os.path.join(copy, "CMakeUserPresets.json"))
    with open(a.example) as f:
        example = json.load(f)
    site_configure = [c for c in example["configurePresets"] if not c.get("hidden")]
    check(site_configure, "the example defines no visible configure preset")
    site = site_configure[0]
    for kind, key in (("configure", "configurePresets"), ("build", "buildPresets"), ("test", "testPresets")):
        names = listed(a.cmake, copy, kind)
        for preset in example.get(key, []):
            if not preset.get("hidden"):
                check(preset["name"] in names, f"example {kind} preset {preset['name']} not listed: {names}")
        check(all(n in names for n in REQUIRED), f"our presets vanished beside the example's: {names}")

    build = os.path.join(work, "build")
    out = run_ok([a.cmake, "--preset", site["name"], "-B", build, "-DPYNAMIC_CONFIG=6 20 -e -u 2 20"],
                 "configure the site preset", 300, cwd=copy).stdout
    cache = {}
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_]+):[A-Z]+=(.*)$", line.rstrip("\n"))
            if m:
                cache[m.group(1)] = m.group(2)
    for var, value in site.get("cacheVariables", {}).items():
        value = value["value"] if isinstance(value, dict) else value
        if "$" in value or var == "PYNAMIC_CONFIG":
            continue
        check(cache.get(var) == value, f"cache {var} = {cache.get(var)!r}, the example sets {value!r}")
    launcher = cache.get("MPIEXEC_EXECUTABLE")
    check(launcher and f"MPI launcher        : {launcher}" in out, f"configure summary does not show {launcher}")
    tests = ""
    for d, _, files in os.walk(os.path.join(build, "ctest")):
        if "CTestTestfile.cmake" in files:
            with open(os.path.join(d, "CTestTestfile.cmake")) as f:
                tests += f.read()
    flags = cache.get("MPIEXEC_PREFLAGS", "")
    check(re.search(rf'"--launcher" "{re.escape(launcher)}"', tests),
          f"no parallel test launches through {launcher}")
    if flags:
        check(f'"--preflags={flags.replace(";", " ")}"' in tests, f"the parallel tests do not pass {flags!r}")
    print(f"presets: {', '.join(REQUIRED)} listed; the site example ({site['name']}) lists, configures and "
          f"launches its tests through {launcher}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cmake", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--example", required=True)
    a = p.parse_args()
    return checked(check_presets, a, errors=(OSError, KeyError, ValueError), passed=None)


if __name__ == "__main__":
    sys.exit(main())
