#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The installed modulefile works under Lmod.

  check_modulefile.py --lmod-init FILE --prefix PREFIX --modulefiles REL --version V --treedir REL --bindir REL
                      --workdir DIR [--driver PYTHON] [--copy]
      --copy: PREFIX is copied into DIR first (links kept) and the copy is used, so a modulefile that named
      the prefix it was installed to, rather than finding it from its own place, fails.
      In a clean bash (no profile, no rc, an environment of PATH=/usr/bin:/bin, HOME, USER and the sanitizers'
      options only) sources Lmod's init FILE, then `module use PREFIX/REL` and `module load pynamic`: pynamic/V
      must be the loaded module, `command -v pynamic-mode-dlopen` must resolve to PREFIX/bindir, PYNAMIC_ROOT
      must be the prefix and PYNAMIC_DRIVER the installed driver; pynamic-mode-dlopen, run by name from PATH,
      must pass and report the installed manifest and libraries (and the driver, with --driver: run by that python3 from
      $PYNAMIC_DRIVER); `module unload pynamic` must give back the PATH from before the load (the system's
      /usr/bin stays when the prefix is /usr) and unset both variables.

Standard library only.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # ctest/: pynamictest
from pynamictest import check, checked, load_report  # noqa: E402

# Each line the script prints is KEY=VALUE; the checks read them back.
SCRIPT = r'''
. "$PYN_LMOD_INIT" || { echo "init=failed"; exit 1; }
echo "before=$PATH"
module use "$PYN_MODULEFILES" || { echo "use=failed"; exit 1; }
module load pynamic || { echo "load=failed"; exit 1; }
echo "loaded=$(module -t list 2>&1 | tr '\n' ' ')"
echo "path=$PATH"
echo "which=$(command -v pynamic-mode-dlopen)"
echo "root=${PYNAMIC_ROOT-unset}"
echo "driver=${PYNAMIC_DRIVER-unset}"
(cd "$PYN_WORK" && pynamic-mode-dlopen --json "$PYN_WORK/mode.json" >mode.out 2>&1); echo "mode=$?"
if [ -n "$PYN_PYTHON" ]; then
  (cd "$PYN_WORK" && "$PYN_PYTHON" "$PYNAMIC_DRIVER" --json "$PYN_WORK/driver.json" >driver.out 2>&1)
  echo "driver-run=$?"
fi
module unload pynamic || { echo "unload=failed"; exit 1; }
echo "after=$PATH"
echo "which-after=$(command -v pynamic-mode-dlopen)"
echo "root-after=${PYNAMIC_ROOT-unset}"
echo "driver-after=${PYNAMIC_DRIVER-unset}"
'''


def check_report(path, tree, what):
    report = load_report(path)
    check(report["result"]["passed"] is True, f"{what}: report {path} says the run failed")
    gen = report["generated"]
    check(gen["manifest"] == os.path.join(tree, "generated", "manifest.json"),
          f"{what}: report.generated.manifest {gen['manifest']} is not the installed one under {tree}")
    check(gen["library_dir"] == os.path.join(tree, "lib"),
          f"{what}: report.generated.library_dir {gen['library_dir']} is not the installed one under {tree}")


def run(a):
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    work = os.path.realpath(a.workdir)
    prefix = os.path.realpath(a.prefix)
    if a.copy:
        shutil.copytree(prefix, os.path.join(work, "prefix-copy"), symlinks=True)
        prefix = os.path.join(work, "prefix-copy")
    tree = os.path.join(prefix, a.treedir)
    bindir = os.path.join(prefix, a.bindir)
    env = {"PATH": "/usr/bin:/bin", "HOME": work, "USER": os.environ.get("USER", "root"),
           "LOGNAME": os.environ.get("LOGNAME", "root"), "PYN_LMOD_INIT": a.lmod_init,
           "PYN_MODULEFILES": os.path.join(prefix, a.modulefiles), "PYN_WORK": work, "PYN_PYTHON": a.driver or ""}
    # A sanitizer build's options (the asan preset's suppressions) still apply to the mode.
    env.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS")})
    r = subprocess.run(["bash", "--noprofile", "--norc", "-c", SCRIPT], env=env, capture_output=True, text=True,
                       timeout=a.timeout)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    out = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    check(r.returncode == 0, f"the bash script exited {r.returncode} ({[k for k, v in out.items() if v == 'failed']})")
    check(out["loaded"].split() == [f"pynamic/{a.version}"], f"module list after the load: {out['loaded']!r}, "
          f"expected pynamic/{a.version}")
    path = out["path"].split(":")
    check(path[0] == bindir, f"PATH after the load starts with {path[0]!r}, expected {bindir}")
    check(out["which"] == os.path.join(bindir, "pynamic-mode-dlopen"),
          f"command -v pynamic-mode-dlopen = {out['which']!r}, expected it in {bindir}")
    check(out["root"] == prefix, f"PYNAMIC_ROOT = {out['root']!r}, expected {prefix}")
    check(out["driver"] == os.path.join(tree, "pynamic_driver.py") and os.path.isfile(out["driver"]),
          f"PYNAMIC_DRIVER = {out['driver']!r}, expected the installed {tree}/pynamic_driver.py")
    check(out["mode"] == "0", f"pynamic-mode-dlopen from PATH exited {out['mode']}: "
          f"{open(os.path.join(work, 'mode.out')).read()[-2000:]}")
    check_report(os.path.join(work, "mode.json"), tree, "pynamic-mode-dlopen")
    if a.driver:
        check(out["driver-run"] == "0", f"{a.driver} $PYNAMIC_DRIVER exited {out['driver-run']}: "
              f"{open(os.path.join(work, 'driver.out')).read()[-2000:]}")
        check_report(os.path.join(work, "driver.json"), tree, "the driver")
    check(out["after"] == out["before"], f"PATH after the unload {out['after']!r} is not the one before the load "
          f"{out['before']!r}")
    if bindir not in out["before"].split(":"):
        check(out["which-after"] == "", f"pynamic-mode-dlopen still found after the unload: {out['which-after']}")
    check(out["root-after"] == "unset" and out["driver-after"] == "unset",
          f"after the unload PYNAMIC_ROOT={out['root-after']!r}, PYNAMIC_DRIVER={out['driver-after']!r}: "
          "expected both unset")
    shutil.rmtree(a.workdir, ignore_errors=True)
    print(f"module load pynamic/{a.version} from {env['PYN_MODULEFILES']}: {out['which']} passed"
          f"{' (and the driver)' if a.driver else ''}; module unload restored PATH")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lmod-init", required=True, help="Lmod's bash init (Debian: /usr/share/lmod/lmod/init/bash)")
    p.add_argument("--prefix", required=True)
    p.add_argument("--modulefiles", required=True, help="the modulefiles directory, relative to the prefix")
    p.add_argument("--version", required=True)
    p.add_argument("--treedir", required=True)
    p.add_argument("--bindir", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--driver", help="python3 to run $PYNAMIC_DRIVER with")
    p.add_argument("--copy", action="store_true", help="use a copy of the prefix, made in the work directory")
    p.add_argument("--timeout", type=float, default=120)
    a = p.parse_args()
    return checked(run, a, errors=(subprocess.SubprocessError, OSError, KeyError, ValueError), passed=None)


if __name__ == "__main__":
    sys.exit(main())
