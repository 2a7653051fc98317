# SPDX-License-Identifier: BSD-3-Clause
"""Invalid command lines: exit status 2, exactly one line on stderr naming
the argument (and the bad value), nothing on stdout, and the output
directory neither created nor touched. Also --help and --version.

usage: test_bad_input.py PYNAMIC_GEN
"""

import os
import re
import sys

from genlib import Workdir, run_gen
from pynamictest import check, checked, snapshot
# (arguments without -o, what the message must name, the value it must quote)
CASES = [
    (["abc", "10"], "NUM_FILES", "'abc'"),
    (["12x", "10"], "NUM_FILES", "'12x'"),
    (["+12", "10"], "NUM_FILES", "'+12'"),
    ([" 12", "10"], "NUM_FILES", "' 12'"),
    (["", "10"], "NUM_FILES", "''"),
    (["0", "10"], "NUM_FILES", "'0'"),
    (["-3", "10"], "NUM_FILES", "'-3'"),
    (["100001", "10"], "NUM_FILES", "'100001'"),
    (["10", "0"], "AVG_FUNCS", "'0'"),
    (["10", "1.5"], "AVG_FUNCS", "'1.5'"),
    (["10", "1000001"], "AVG_FUNCS", "'1000001'"),
    (["10", "99999999999999999999999"], "AVG_FUNCS", "'99999999999999999999999'"),
    (["10"], "AVG_FUNCS", None),
    ([], "NUM_FILES", None),
    (["10", "5", "7"], "unexpected argument", "'7'"),
    (["10", "5", "--search-dirs", "0"], "--search-dirs N", "'0'"),
    (["10", "5", "--search-dirs", "1001"], "--search-dirs N", "'1001'"),
    (["10", "5", "-x"], "unknown option", "'-x'"),
    (["10", "5", "--depth", "3"], "unknown option", "'--depth'"),
    (["10", "5", "-u", "10", "5"], "-u NUM_UTIL", "'10'"),
    (["10", "5", "-u", "11", "5"], "-u NUM_UTIL", "'11'"),
    (["10", "5", "-u", "0", "5"], "-u NUM_UTIL", "'0'"),
    (["10", "5", "-u", "3", "0"], "-u AVG_UTIL", "'0'"),
    (["10", "5", "-u", "3"], "-u AVG_UTIL", None),
    (["10", "5", "-u"], "-u NUM_UTIL", None),
    (["10", "5", "-d", "0"], "-d DEPTH", "'0'"),
    (["10", "5", "-d", "1000001"], "-d DEPTH", "'1000001'"),
    (["10", "5", "-d"], "-d DEPTH", None),
    (["10", "5", "-n", "4097"], "-n PAD", "'4097'"),
    (["10", "5", "-n", "-1"], "-n PAD", "'-1'"),
    (["10", "5", "-n", "x"], "-n PAD", "'x'"),
    (["10", "5", "-s", "9223372036854775808"], "-s SEED", "'9223372036854775808'"),
    (["10", "5", "-s", "-1"], "-s SEED", "'-1'"),
    (["10", "5", "-s", "0x10"], "-s SEED", "'0x10'"),
    (["10", "5", "-j", "0"], "-j N", "'0'"),
    (["10", "5", "-j", "two"], "-j N", "'two'"),
    # values that cannot fit: the largest total of functions is bounded
    (["100000", "1000000"], "AVG_FUNCS", "'1000000'"),
    (["20", "5", "-u", "19", "1000000"], "-u AVG_UTIL", "'1000000'"),
    # the original's build options: a value is required, non-empty and free
    # of control characters (the message shows them escaped)
    (["10", "5", "-i", ""], "-i DIR", "''"),
    (["10", "5", "-i", "inc\ndir"], "-i DIR", "'inc\\ndir'"),
    (["10", "5", "-i", "inc\rdir"], "-i DIR", "'inc\\rdir'"),
    (["10", "5", "--with-cc"], "--with-cc=CMD", None),
    (["10", "5", "--with-cc="], "--with-cc=CMD", "''"),
    (["10", "5", "--with-cc=gcc\t-m32"], "--with-cc=CMD", "'gcc\\t-m32'"),
    (["10", "5", "--with-cc=gcc\x7f"], "--with-cc=CMD", "'gcc\\x7f'"),
    (["10", "5", "--with-python"], "--with-python=CMD", None),
    (["10", "5", "--with-python="], "--with-python=CMD", "''"),
    (["10", "5", "--with-python=py\x01"], "--with-python=CMD", "'py\\x01'"),
    (["10", "5", "--with-ccx=gcc"], "unknown option", "'--with-ccx=gcc'"),
    (["10", "5", "--with-mpi4py=yes"], "unknown option", "'--with-mpi4py=yes'"),
    (["10", "5", "--with-pympi=yes"], "unknown option", "'--with-pympi=yes'"),
]

# Run with -o first only: -c takes every argument after it (as in the
# original), and -i takes the next one, whatever it is.
# (arguments without -o, what the message names, the value it must quote)
REST_CASES = [
    (["10", "5", "-i"], "-i DIR", None),
    (["10", "5", "-c", "--prefix=/x", "CFLAGS=-O2\n"], "-c ARGS... (argument 2)", "'CFLAGS=-O2\\n'"),
    (["10", "5", "-c", "\x1b[0m"], "-c ARGS... (argument 1)", "'\\x1b[0m'"),
    # the numbers after -c are configure's, not ours
    (["-c", "10", "5"], "NUM_FILES", None),
    # a misspelt option before -c is still ours
    (["10", "5", "-x", "-c", "y"], "unknown option", "'-x'"),
]


def expect_usage_error(gen, argv, label, value, out):
    proc = run_gen(gen, argv, check_ok=False)
    what = " ".join(repr(a) for a in argv)
    check(proc.returncode == 2,
          "%s: exit status %d, expected 2 (stderr %r)" % (what, proc.returncode,
                                                          proc.stderr))
    lines = proc.stderr.splitlines()
    check(len(lines) == 1 and proc.stderr.endswith("\n"),
          "%s: expected exactly one line on stderr, got %r" % (what, proc.stderr))
    line = lines[0]
    check(line.startswith("pynamic-gen: "), "%s: %r lacks the program name" %
          (what, line))
    check(label in line, "%s: %r does not name %r" % (what, line, label))
    if value is not None:
        check(value in line, "%s: %r does not quote %s" % (what, line, value))
    check(proc.stdout == "", "%s: wrote to stdout: %r" % (what, proc.stdout))
    check(not os.path.exists(out), "%s: created %s" % (what, out))


def main():
    gen = sys.argv[1]
    with Workdir() as work:
        out = os.path.join(work, "out", "nested")
        for args, label, value in CASES:
            expect_usage_error(gen, ["-o", out] + args, label, value, out)
            # options after the positionals are parsed the same way
            expect_usage_error(gen, args + ["-o", out], label, value, out)
        for args, label, value in REST_CASES:
            expect_usage_error(gen, ["-o", out] + args, label, value, out)
        # -o itself
        expect_usage_error(gen, ["10", "5"], "-o DIR", None, out)
        expect_usage_error(gen, ["10", "5", "-o"], "-o DIR", None, out)
        expect_usage_error(gen, ["10", "5", "-o", ""], "-o DIR", "''", out)

        # A bad command line leaves an existing tree exactly as it was.
        tree = os.path.join(work, "tree")
        run_gen(gen, ["-o", tree, "6", "10", "-e", "-u", "2", "10"])
        before = snapshot(tree)
        for args, label, value in CASES + REST_CASES:
            proc = run_gen(gen, ["-o", tree] + args, check_ok=False)
            check(proc.returncode == 2, "%r: exit %d" % (args, proc.returncode))
        check(snapshot(tree) == before, "a rejected command line changed the tree")

        # File system errors: exit 1, one line naming the path.
        blocker = os.path.join(work, "a-file")
        with open(blocker, "w") as f:
            f.write("not a directory\n")
        for target in (blocker, os.path.join(blocker, "sub")):
            proc = run_gen(gen, ["-o", target, "4", "5"], check_ok=False)
            check(proc.returncode == 1, "-o %s: exit %d, expected 1" %
                  (target, proc.returncode))
            lines = proc.stderr.splitlines()
            check(len(lines) == 1 and blocker in lines[0],
                  "-o %s: expected one line naming the path, got %r" %
                  (target, proc.stderr))

    # --help and --version: stdout, exit 0
    proc = run_gen(gen, ["--help"])
    check(proc.stdout.startswith("Usage: pynamic-gen -o DIR NUM_FILES AVG_FUNCS"),
          "--help: unexpected %r" % proc.stdout[:80])
    for flag in ("-e", "-u NUM_UTIL AVG_UTIL", "-n PAD", "-d DEPTH", "-s SEED",
                 "-p", "-t", "-b", "-j N", "-i DIR", "--with-cc=CMD", "--with-python=CMD",
                 "--with-mpi4py", "--with-pympi", "-c ARGS..."):
        check("\n  " + flag + " " in proc.stdout, "--help does not document %s" % flag)
    check(re.search(r"\n  -t +accepted and ignored", proc.stdout), "--help does not say -t is ignored")
    check(re.search(r"\n  -b +also build the big executables", proc.stdout),
          "--help does not say what -b does")
    check(proc.stderr == "", "--help wrote to stderr")
    proc = run_gen(gen, ["10", "--help", "-x"])
    check(proc.stdout.startswith("Usage:"), "--help after arguments")
    proc = run_gen(gen, ["--version"])
    check(proc.stdout.startswith("pynamic-gen ") and
          len(proc.stdout.splitlines()) == 1, "--version: %r" % proc.stdout)
    print("PASS: %d invalid command lines rejected" % (2 * len(CASES) + len(REST_CASES) + 3))


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
