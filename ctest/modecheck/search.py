# SPDX-License-Identifier: BSD-3-Clause
"""The Python modes' search directories under a TMPDIR of the test's own (--search-tmpdir): by default every rank
makes its own per-run directory TMPDIR/pynamic-UID/search-path.HOST.PID.HEX and the run removes it at its end,
passing or failing, so nothing of the run may be left there; the report's search_root names the per-user
directory."""
import os
import shutil

from pynamictest import check

from .options import program_option


def per_user_dir(tmpdir):
    return os.path.join(tmpdir, f"pynamic-{os.geteuid()}")


def prepare_search_tmpdir(args):
    """A fresh, empty TMPDIR: nothing an earlier run left counts against this one."""
    if not args.search_tmpdir:
        return
    shutil.rmtree(args.search_tmpdir, ignore_errors=True)
    os.makedirs(args.search_tmpdir)


def search_env(args):
    return {"TMPDIR": args.search_tmpdir} if args.search_tmpdir else {}


def check_search_tmpdir_after(args, report):
    """Nothing of the run under TMPDIR/pynamic-UID, pass or fail; a passing report names that directory."""
    if not args.search_tmpdir:
        return
    user_dir = per_user_dir(args.search_tmpdir)
    left = sorted(os.listdir(user_dir)) if os.path.isdir(user_dir) else []
    check(not left, f"the run left {left} in {user_dir}")
    if report is not None and program_option(args.command, "--search-root") is None:
        root = report["options"].get("search_root")
        check(root == os.path.realpath(user_dir),
              f"options.search_root = {root!r}, expected the per-user directory {os.path.realpath(user_dir)}")
