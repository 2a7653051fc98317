#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The installed tree runs from anywhere.

  check_install.py install --cmake CMAKE --build BUILD --prefix PREFIX --treedir REL --bindir REL
      Installs BUILD into a fresh PREFIX and checks the layout: the manifest
      (identical to the build's) and every library it names in the tree,
      each mode and pynamic-sizes in the tree with a relative link in bin/
      that resolves into it, and no installed ELF file with a RUNPATH/RPATH
      entry that is not $ORIGIN-relative (nothing may point back into the
      build tree).
  check_install.py run --prefix PREFIX --treedir REL [--copy-to DIR] [--as-user USER] -- RUN_MODE_ARGS...
      Optionally copies PREFIX to DIR first (links kept) and runs from the
      copy; runs run_mode.py with RUN_MODE_ARGS, in which @PREFIX@ stands for
      the prefix used, from a working directory outside both trees; then
      checks that the report found its manifest and libraries inside that
      prefix, not in the build tree, and that the run changed nothing in the
      prefix. --as-user: run_mode.py (and so the mode) runs as USER, who does
      not own the prefix (setpriv, no capabilities), with a fresh TMPDIR of
      its own; a Python mode's report must then name the per-user directory
      TMPDIR/pynamic-UID as its search root, a directory of USER's with mode
      0700, empty after the run (each rank's per-run search directory
      removed).
      --package NAME: PREFIX is the system's (/usr), where dpkg installed the
      package NAME: it is used in place (root's already, for --as-user too),
      and "changed nothing" covers the files dpkg lists for NAME.

Standard library (and readelf, from binutils) only.
"""
import argparse
import atexit
import filecmp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_MODE = os.path.join(os.path.dirname(HERE), "run_mode.py")
sys.path.insert(0, os.path.dirname(HERE))  # ctest/: pynamictest
from pynamictest import REPORT_SCHEMA, check, checked, load_report  # noqa: E402


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def runpaths(readelf, path):
    out = subprocess.run([readelf, "-d", "-W", path], capture_output=True, text=True, check=True).stdout
    entries = []
    for m in re.finditer(r"\((RPATH|RUNPATH)\)\s+Library r(?:un)?path: \[(.*)\]", out):
        entries += [(m.group(1), e) for e in m.group(2).split(":") if e]
    return entries


def do_install(a):
    prefix = os.path.abspath(a.prefix)
    shutil.rmtree(prefix, ignore_errors=True)
    r = subprocess.run([a.cmake, "--install", a.build, "--prefix", prefix], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    check(r.returncode == 0, f"cmake --install exited {r.returncode}")
    readelf = shutil.which("readelf")
    check(readelf, "readelf (binutils) not found")
    tree = os.path.join(prefix, a.treedir)
    bindir = os.path.join(prefix, a.bindir)

    manifest = os.path.join(tree, "generated", "manifest.json")
    check(os.path.isfile(manifest), f"no manifest at {manifest}")
    check(filecmp.cmp(manifest, os.path.join(a.build, "generated", "manifest.json"), shallow=False),
          "the installed manifest differs from the build's")
    with open(manifest) as f:
        m = json.load(f)
    for lib in m["libraries"]:
        path = os.path.join(tree, "lib", lib["file"])
        check(os.path.isfile(path) and is_elf(path), f"library {lib['file']} missing from {tree}/lib")
    programs = sorted(n for n in os.listdir(tree) if n.startswith("pynamic-") and os.path.isfile(os.path.join(tree, n)))
    for name in ("pynamic-mode-dlopen", "pynamic-mode-linked", "pynamic-sizes"):
        check(name in programs, f"{name} missing from {tree} (have {programs})")
    for name in programs:
        link = os.path.join(bindir, name)
        check(os.path.islink(link), f"{link} is not a symbolic link")
        target = os.readlink(link)
        check(not os.path.isabs(target), f"{link} -> {target}: absolute (the prefix would not be relocatable)")
        check(os.path.realpath(link) == os.path.realpath(os.path.join(tree, name)), f"{link} -> {target}: not into the tree")

    nelf = 0
    build = os.path.realpath(a.build)
    for d, _, files in os.walk(prefix):
        for n in files:
            path = os.path.join(d, n)
            if os.path.islink(path) or not is_elf(path):
                continue
            nelf += 1
            for tag, entry in runpaths(readelf, path):
                check(entry.startswith("$ORIGIN") or (os.path.isabs(entry) and not entry.startswith(build)
                                                      and not entry.startswith(prefix)),
                      f"{path}: {tag} entry {entry!r} is neither $ORIGIN-relative nor outside the build and prefix")
    check(nelf >= len(m["libraries"]) + len(programs), f"{nelf} ELF files installed, expected at least "
          f"{len(m['libraries'])} libraries + {len(programs)} programs")
    # The linked mode needs its RUNPATH to reach the tree's libraries.
    linked = [e for _, e in runpaths(readelf, os.path.join(tree, "pynamic-mode-linked"))]
    check("$ORIGIN/lib" in linked, f"pynamic-mode-linked RUNPATH {linked} lacks $ORIGIN/lib")
    print(f"installed tree checked: {len(m['libraries'])} libraries, programs {programs}, {nelf} ELF files, "
          "every RUNPATH $ORIGIN-relative")


def tree_state(root, package=None):
    """{path: (type and mode, owner, size, mtime)} of everything under root: a run must change none of it.
    With package, root is the system's (/usr), which others may change: the files dpkg lists for package
    and everything under its own directories (those named pynamic*), not the directories it shares."""
    def walk(top):
        return [n for d, dirs, files in os.walk(top) for n in [d] + [os.path.join(d, f) for f in files + dirs]]

    if package:
        listed = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True, check=True).stdout
        listed = [p for p in listed.splitlines() if p.startswith(root.rstrip("/") + "/")]
        paths = [p for p in listed if os.path.islink(p) or not os.path.isdir(p)]
        for d in [p for p in listed if os.path.isdir(p) and not os.path.islink(p)]:
            if os.path.basename(d).startswith("pynamic"):
                paths += walk(d)
    else:
        paths = walk(root)
    state = {}
    for n in paths:
        st = os.lstat(n)
        state[n] = (st.st_mode, st.st_uid, st.st_size, st.st_mtime_ns)
    return state


def reachable_by_anyone(prefix, copy_prefix=True):
    """For --as-user: the checkout may sit in a directory only its owner can enter (a clone made under
    mktemp -d), so the other user gets a world-readable copy, owned by root, of the installed tree (unless
    copy_prefix is false: the system's /usr) and of what run_mode.py reads (its modules, pynamictest.py,
    docs/report.schema.json), and a work directory of its own beside it. Returns (top, prefix, run_mode.py,
    workdir); top is removed when the script exits."""
    top = tempfile.mkdtemp(prefix="pynamic-as-user.")
    atexit.register(shutil.rmtree, top, True)
    os.chmod(top, 0o755)
    ctest = os.path.dirname(RUN_MODE)
    if copy_prefix:
        shutil.copytree(prefix, os.path.join(top, "prefix"), symlinks=True)
        prefix = os.path.join(top, "prefix")
    shutil.copytree(ctest, os.path.join(top, "ctest"), ignore=lambda d, names: [
        n for n in names if n == "__pycache__" or (d == ctest and n not in ("run_mode.py", "pynamictest.py",
                                                                              "modecheck"))])
    os.makedirs(os.path.join(top, "docs"))
    shutil.copy2(REPORT_SCHEMA, os.path.join(top, "docs"))
    return top, prefix, os.path.join(top, "ctest", "run_mode.py"), os.path.join(top, "work")


def do_run(a):
    prefix = os.path.abspath(a.prefix)
    if a.copy_to:
        dest = os.path.abspath(a.copy_to)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(prefix, dest, symlinks=True)
        prefix = dest
    args = list(a.rest)
    if args and args[0] == "--":
        args = args[1:]
    run_mode = RUN_MODE
    if a.package:
        check(not a.copy_to, "--copy-to and --package: the system's prefix is not copied")
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", a.package], capture_output=True, text=True)
        check(status.stdout == "install ok installed",
              f"package {a.package} is not installed ({status.stdout or status.stderr.strip()})")
    if a.as_user:
        _, prefix, run_mode, workdir = reachable_by_anyone(prefix, copy_prefix=not a.package)
        args[args.index("--workdir") + 1] = workdir
    args = [x.replace("@PREFIX@", prefix) for x in args]
    workdir = args[args.index("--workdir") + 1]
    before = tree_state(prefix, a.package)
    elsewhere = tempfile.mkdtemp(prefix="pynamic-elsewhere.")
    cmd, env, user = [sys.executable, run_mode] + args, None, None
    try:
        if a.as_user:
            user = pwd.getpwnam(a.as_user)
            check(user.pw_uid != os.stat(prefix).st_uid, f"{a.as_user} owns {prefix}: not a test of another user")
            setpriv = shutil.which("setpriv")
            check(setpriv, "setpriv (util-linux) not found: cannot run as another user")
            shutil.rmtree(workdir, ignore_errors=True)
            os.makedirs(workdir)
            tmp = os.path.join(elsewhere, "tmp")
            os.mkdir(tmp)
            for d in (elsewhere, tmp, workdir):
                os.chown(d, user.pw_uid, user.pw_gid)
            env = dict(os.environ, TMPDIR=tmp, HOME=elsewhere, USER=a.as_user, LOGNAME=a.as_user)
            cmd = [setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--inh-caps=-all",
                   "--"] + cmd
        r = subprocess.run(cmd, cwd=elsewhere, env=env)
        check(r.returncode == 0, f"run_mode.py{' as ' + a.as_user if user else ''} exited {r.returncode}")
        report = load_report(os.path.join(workdir, "report.json"))
        if user and "search_root" in report["options"]:
            private = os.path.join(tmp, f"pynamic-{user.pw_uid}")
            root = report["options"]["search_root"]
            check(root == private, f"options.search_root = {root!r}, expected the per-user {private}")
            st = os.lstat(private)
            check(st.st_uid == user.pw_uid and oct(st.st_mode & 0o7777) == "0o700" and os.path.isdir(private),
                  f"{private}: uid {st.st_uid}, mode {oct(st.st_mode & 0o7777)}, expected {user.pw_uid} and 0o700")
            left = os.listdir(private)
            check(not left, f"the run left {left} in {private} (its per-run search directories are removed)")
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
    after = tree_state(prefix, a.package)
    changed = sorted(set(before.items()) ^ set(after.items()))
    check(not changed, f"the run changed the installed prefix: {changed[:5]}")
    tree = os.path.realpath(os.path.join(prefix, a.treedir))
    gen = report["generated"]
    check(gen["manifest"] == os.path.join(tree, "generated", "manifest.json"),
          f"report.generated.manifest {gen['manifest']} is not the installed one under {tree}")
    check(gen["library_dir"] == os.path.join(tree, "lib"),
          f"report.generated.library_dir {gen['library_dir']} is not the installed one under {tree}")
    static = report["static"]
    # The driver's executable is python3; its tree is the script's.
    driver = "--interpreter" in args
    check(static["ok"] and (driver or static["executable"]["path"].startswith(tree + "/")),
          f"report.static: {static.get('error')} / executable {static['executable'].get('path')}")
    with open(gen["manifest"]) as f:
        nfiles = len(json.load(f)["libraries"])
    check(static["libraries"]["all"]["files"] == nfiles,
          f"report.static.libraries.all.files = {static['libraries']['all']['files']}, the manifest lists {nfiles}")
    print(f"the installed tree in {prefix} ran from another directory with its own manifest and libraries")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True)
    i = sub.add_parser("install")
    i.add_argument("--cmake", required=True)
    i.add_argument("--build", required=True)
    i.add_argument("--prefix", required=True)
    i.add_argument("--treedir", required=True)
    i.add_argument("--bindir", required=True)
    r = sub.add_parser("run")
    r.add_argument("--prefix", required=True)
    r.add_argument("--treedir", required=True)
    r.add_argument("--copy-to")
    r.add_argument("--as-user")
    r.add_argument("--package", help="the prefix is the system's, where dpkg installed this package")
    r.add_argument("rest", nargs=argparse.REMAINDER)
    a = p.parse_args()
    return checked(do_install if a.action == "install" else do_run, a, errors=(subprocess.CalledProcessError, OSError, KeyError, ValueError), passed=None)

if __name__ == "__main__":
    sys.exit(main())
