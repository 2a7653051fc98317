#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The report's build block (docs/report.md, "What built it").

    check_build.py report --mode BUILD/pynamic-mode-dlopen --workdir DIR --source SRC --build BUILD --ninja NINJA \
        --git GIT
    check_build.py script --cmake CMAKE --script SRC/cmake/PynamicSourceCommit.cmake --git GIT --workdir DIR

report: a run's build.source_commit is `git rev-parse HEAD` of the source tree ("unknown" when it is not a git
checkout), source_dirty says whether `git status` shows a changed tracked file, and generated_c_flags and
c_compiler_path are the flags and compiler of the command Ninja compiles a generated library with (include
directories and dependency-file options aside), whose --version names c_compiler's version. A commit or an
edit since the build fails it: rebuild.

script: cmake/PynamicSourceCommit.cmake on repositories made here: a clean checkout gives its commit and dirty
0; an edited tracked file dirty 1, an untracked file not; a new commit shows; the header is rewritten only when
that changes; the depfile lists git's HEAD, index and branch ref and every tracked file; a directory that is not
a checkout, one inside another checkout, and no git give "unknown" and -1.
"""
import argparse
import os
import re
import shlex
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import check, checked, load_report, run, run_ok  # noqa: E402


def tree_state(git, source):
    """(commit or "unknown", dirty True/False/None) as git sees the source tree now."""
    top = run([git, "-C", source, "rev-parse", "--show-toplevel"], timeout=60)
    if top.returncode != 0 or os.path.realpath(top.stdout.strip()) != os.path.realpath(source):
        return "unknown", None
    head = run_ok([git, "-C", source, "rev-parse", "HEAD"], "git rev-parse HEAD").stdout.strip()
    status = run_ok([git, "--no-optional-locks", "-C", source, "status", "--porcelain", "--untracked-files=no"],
                    "git status").stdout
    return head, status != ""


def generated_compile_command(build, ninja):
    """The compiler and its arguments for libutility0's object, as Ninja runs them."""
    proc = run_ok([ninja, "-C", build, "-t", "commands", "libutility0.so"], "ninja -t commands")
    for line in proc.stdout.splitlines():
        if re.search(r"\s-c\s\S*generated/src/libutility0\.c$", line):
            return shlex.split(line)
    check(False, f"no compile command of generated/src/libutility0.c in:\n{proc.stdout}")


def flags_of(command):
    """The options of a compile command less the include directories, dependency file, output and input."""
    flags, skip = [], False
    with_value = {"-I", "-isystem", "-MT", "-MF", "-MQ", "-o", "-c", "-iquote", "-idirafter"}
    for arg in command[1:]:
        if skip:
            skip = False
        elif arg in with_value:
            skip = True
        elif arg.startswith(("-I", "-isystem")) or arg in ("-MD", "-MMD"):
            pass
        else:
            flags.append(arg)
    return flags


def check_report(args):
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    path = os.path.join(args.workdir, "r.json")
    run_ok([args.mode, "--json", path, "--progress", "never"], "the run", timeout=50)
    build = load_report(path)["build"]
    commit, dirty = tree_state(args.git, args.source)
    check(build["source_commit"] == commit,
          f"build.source_commit = {build['source_commit']!r}, the source tree {args.source} is at {commit!r} "
          f"(committed since the build? rebuild)")
    check(build["source_dirty"] == dirty,
          f"build.source_dirty = {build['source_dirty']!r}, git status of {args.source} says {dirty!r} "
          f"(edited since the build? rebuild)")
    command = generated_compile_command(args.build, args.ninja)
    check(build["c_compiler_path"] == command[0],
          f"build.c_compiler_path = {build['c_compiler_path']!r}, Ninja compiles the generated code with {command[0]!r}")
    want = flags_of(command)
    check(build["generated_c_flags"].split() == want,
          f"build.generated_c_flags = {build['generated_c_flags']!r}, Ninja compiles libutility0.c with {want}")
    version = run_ok([command[0], "--version"], f"{command[0]} --version").stdout
    check(build["c_compiler"].split()[-1] in version,
          f"build.c_compiler = {build['c_compiler']!r}, but {command[0]} --version says {version.splitlines()[0]!r}")


# --- the script ----------------------------------------------------------------------------------------------

def run_script(args, source, tag, git_exe=None):
    """Runs the script for source; returns (header text, depfile text, header path)."""
    out = os.path.join(args.workdir, "out-" + tag)
    os.makedirs(out, exist_ok=True)
    header, stamp, dep = (os.path.join(out, n) for n in ("pyn_source.h", "pyn_source.stamp", "pyn_source.d"))
    run_ok([args.cmake, f"-DSOURCE_DIR={source}", f"-DGIT_EXECUTABLE={args.git if git_exe is None else git_exe}",
            f"-DHEADER={header}", f"-DSTAMP={stamp}", f"-DDEPFILE={dep}", "-P", args.script], f"the script ({tag})")
    check(os.path.exists(stamp), f"{tag}: no stamp written")
    with open(header) as f, open(dep) as g:
        return f.read(), g.read(), header


def parsed(header):
    commit = re.search(r'#define PYN_SOURCE_COMMIT "([^"]*)"', header)
    dirty = re.search(r"#define PYN_SOURCE_DIRTY (-?[01])\b", header)
    check(commit and dirty, f"the header does not define both macros:\n{header}")
    return commit.group(1), int(dirty.group(1))


def git_ok(args, repo, *cmd):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=args.workdir, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return run_ok([args.git, "-C", repo] + list(cmd), "git " + " ".join(cmd), env=env).stdout.strip()


def check_script(args):
    shutil.rmtree(args.workdir, ignore_errors=True)
    repo = os.path.join(args.workdir, "repo")
    os.makedirs(os.path.join(repo, "sub dir"))
    for name in ("a.txt", os.path.join("sub dir", "b.txt")):
        with open(os.path.join(repo, name), "w") as f:
            f.write("one\n")
    git_ok(args, repo, "init", "-q", "-b", "main")
    git_ok(args, repo, "add", ".")
    git_ok(args, repo, "commit", "-q", "-m", "first")
    head = git_ok(args, repo, "rev-parse", "HEAD")

    header, dep, path = run_script(args, repo, "clean")
    check(parsed(header) == (head, 0), f"clean checkout: {parsed(header)}, expected ({head!r}, 0)")
    for name in ("HEAD", "index", os.path.join("refs", "heads", "main")):
        check(os.path.join(repo, ".git", name) in dep, f"the depfile does not list .git/{name}:\n{dep}")
    check(os.path.join(repo, "a.txt") in dep and os.path.join(repo, "sub\\ dir", "b.txt") in dep,
          f"the depfile does not list the tracked files (a space escaped):\n{dep}")

    os.utime(path, ns=(1, 1))
    header, _, _ = run_script(args, repo, "clean")
    check(os.stat(path).st_mtime_ns == 1, "the header was rewritten though the commit and its state did not change")

    with open(os.path.join(repo, "untracked.txt"), "w") as f:
        f.write("new\n")
    check(parsed(run_script(args, repo, "clean")[0]) == (head, 0), "an untracked file made the tree dirty")
    with open(os.path.join(repo, "a.txt"), "a") as f:
        f.write("two\n")
    check(parsed(run_script(args, repo, "clean")[0]) == (head, 1), "an edited tracked file did not make it dirty")
    check(os.stat(path).st_mtime_ns != 1, "the header was not rewritten when the tree became dirty")

    git_ok(args, repo, "commit", "-q", "-am", "second")
    second = git_ok(args, repo, "rev-parse", "HEAD")
    check(second != head and parsed(run_script(args, repo, "clean")[0]) == (second, 0),
          f"after a new commit: {parsed(run_script(args, repo, 'clean')[0])}, expected ({second!r}, 0)")

    plain = os.path.join(args.workdir, "plain")
    os.makedirs(plain)
    header, dep, _ = run_script(args, plain, "plain")
    check(parsed(header) == ("unknown", -1), f"not a checkout: {parsed(header)}")
    check(dep.strip().endswith(":"), f"not a checkout: the depfile lists something:\n{dep}")
    check(parsed(run_script(args, os.path.join(repo, "sub dir"), "inner")[0]) == ("unknown", -1),
          "a tree inside another checkout took that checkout's commit")
    check(parsed(run_script(args, repo, "nogit", git_exe="")[0]) == ("unknown", -1), "no git: not unknown")
    shutil.rmtree(args.workdir)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    r = sub.add_parser("report")
    for opt in ("--mode", "--workdir", "--source", "--build", "--ninja", "--git"):
        r.add_argument(opt, required=True)
    s = sub.add_parser("script")
    for opt in ("--cmake", "--script", "--git", "--workdir"):
        s.add_argument(opt, required=True)
    args = p.parse_args()
    return checked(check_report if args.what == "report" else check_script, args)


if __name__ == "__main__":
    sys.exit(main())
