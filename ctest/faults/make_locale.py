#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Builds a locale the system may not have installed (a test fixture), and proves it is in effect and breaks
ASCII case folding, so a test run under it cannot pass for want of the locale.

  make_locale.py --to DIR [--locale tr_TR.UTF-8]

Compiles DIR/tr_TR.UTF-8 with localedef from Debian's `locales` sources (/usr/share/i18n; bench/install-deps.sh
--tests installs them); a run finds it with LOCPATH=DIR LC_ALL=tr_TR.UTF-8. Then, in a python3 under that
environment: the locale is the one asked for, and C's strcasecmp("diag", "DIAG") is non-zero there (Turkish
dotless i), as MPICH's and UCX's option parsers meet it.
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import die, run_ok  # noqa: E402

PROBE = """
import ctypes, locale, sys
name = locale.setlocale(locale.LC_CTYPE)
libc = ctypes.CDLL(None)
folded = libc.strcasecmp(b"diag", b"DIAG") == 0
print(name, "folds ASCII i" if folded else "does not fold ASCII i")
sys.exit(0 if name == sys.argv[1] and not folded else 1)
"""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--to", required=True)
    p.add_argument("--locale", default="tr_TR.UTF-8")
    args = p.parse_args()
    lang, _, charset = args.locale.partition(".")
    source = os.path.join("/usr/share/i18n/locales", lang)
    localedef = shutil.which("localedef")
    if not localedef or not os.path.exists(source):
        die(f"cannot build {args.locale}: needs localedef and {source} (Debian's locales package: "
            f"bench/install-deps.sh --tests)", status=98)
    dest = os.path.abspath(args.to)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    run_ok([localedef, "-i", lang, "-f", charset, os.path.join(dest, args.locale)], f"localedef {args.locale}")
    env = dict(os.environ, LOCPATH=dest, LC_ALL=args.locale)
    proc = subprocess.run([sys.executable, "-c", PROBE, args.locale], env=env, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        die(f"{args.locale} from {dest} is not in effect or folds ASCII case: {proc.stdout.strip()} "
            f"{proc.stderr.strip()}")
    print(f"make_locale: {dest}/{args.locale}: {proc.stdout.strip()}")


if __name__ == "__main__":
    main()
