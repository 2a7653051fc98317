# SPDX-License-Identifier: BSD-3-Clause
"""The original's build options (-b, -i DIR, --with-cc=CMD, --with-python=CMD,
--with-mpi4py, --with-pympi, -c ARGS...): accepted with the original's
syntax, absent from the manifest's normalised arguments, and recorded in
targets.cmake so that CMake reads back exactly what was given, whatever it
holds: each value is a bracket argument no value can close early, so none
can inject CMake code or expand a variable.

usage: test_build_options.py PYNAMIC_GEN CMAKE_COMMAND
"""

import os
import subprocess
import sys

from genlib import Workdir, load_manifest, run_gen
from pynamictest import check, checked
TREE = ["6", "10", "-e", "-u", "2", "10", "-n", "3"]
NORMALISED = "6 10 -e -u 2 10 -n 3 -s 1"

# Strings CMake would otherwise evaluate or split, and attempts to close the
# bracket argument early and run code (PWNED must stay undefined, INJECTED
# must never be printed).
HOSTILE = [
    'a "quoted" value',
    "]]", "]=]", "]==]", "]===]", "x]", "x]=", "x]==", "]", "=]", "[[", "[=[", "[==[x",
    ']]) set(PWNED 1) message("INJECTED") #',
    ']==]) set(PWNED 1) message("INJECTED") #',
    ']=] ) set(PWNED 1) #]==]',
    "${CMAKE_COMMAND}", "$ENV{HOME}", "@PWNED@", "$<1:genex>", "\\${x}\\", "back\\slash\\",
    "a;b;c", ";", "  leading and trailing spaces  ", "#not a comment", "(unbalanced", "\u00e9t\u00e9",
]

# Writes every build-option variable as hex (exact bytes), or UNDEFINED.
PROBE = r"""
function(pynamic_generated_library)
endfunction()
include("${TREE}/targets.cmake")
set(vars PYNAMIC_GEN_ARGUMENTS PYNAMIC_GEN_BIG_EXECUTABLES PYNAMIC_GEN_INCLUDE_DIR PYNAMIC_GEN_WITH_CC
         PYNAMIC_GEN_WITH_PYTHON PYNAMIC_GEN_WITH_MPI4PY PYNAMIC_GEN_WITH_PYMPI PYNAMIC_GEN_CONFIGURE
         PYNAMIC_GEN_CONFIGURE_ARGC PWNED)
if(PYNAMIC_GEN_CONFIGURE_ARGC MATCHES "^[0-9]+$")
  foreach(i RANGE ${PYNAMIC_GEN_CONFIGURE_ARGC})
    list(APPEND vars PYNAMIC_GEN_CONFIGURE_ARG${i})
  endforeach()
endif()
set(out "")
foreach(v IN LISTS vars)
  if(DEFINED ${v})
    string(HEX "${${v}}" hex)
    string(APPEND out "${v} =${hex}\n")
  else()
    string(APPEND out "${v} UNDEFINED\n")
  endif()
endforeach()
file(WRITE "${OUT}" "${out}")
"""


def read_fragment(cmake, work, tree):
    """{variable: str or None} as CMake reads targets.cmake."""
    probe = os.path.join(work, "probe.cmake")
    if not os.path.exists(probe):
        with open(probe, "w") as f:
            f.write(PROBE)
    out = os.path.join(work, "probe.out")
    proc = subprocess.run([cmake, "-DTREE=" + tree, "-DOUT=" + out, "-P", probe],
                          capture_output=True, text=True, timeout=60)
    check(proc.returncode == 0, "cmake -P on %s/targets.cmake exited %d: %s" %
          (tree, proc.returncode, proc.stderr))
    check("INJECTED" not in proc.stdout + proc.stderr, "code in a value ran: %s" % proc.stderr)
    values = {}
    with open(out) as f:
        for line in f:
            name, _, value = line.rstrip("\n").partition(" ")
            values[name] = None if value == "UNDEFINED" else bytes.fromhex(value[1:]).decode("utf-8")
    return values


def generate(gen, work, name, args):
    out = os.path.join(work, name)
    run_gen(gen, ["-o", out] + args)
    return out


def expect(values, what, **want):
    for key, value in want.items():
        var = "PYNAMIC_GEN_" + key
        check(values.get(var) == value, "%s: %s is %r, expected %r" % (what, var, values.get(var), value))


def main():
    gen, cmake = sys.argv[1], sys.argv[2]
    with Workdir() as work:
        # Without any build option: every variable defined, at its default.
        plain = generate(gen, work, "plain", TREE)
        values = read_fragment(cmake, work, plain)
        expect(values, "no build option", ARGUMENTS=NORMALISED, BIG_EXECUTABLES="OFF", INCLUDE_DIR="",
               WITH_CC="", WITH_PYTHON="", WITH_MPI4PY="OFF", WITH_PYMPI="OFF", CONFIGURE="OFF",
               CONFIGURE_ARGC="0", CONFIGURE_ARG0=None)
        check(values["PWNED"] is None, "PWNED defined")

        # Every option, with the original's syntax, options after the numbers.
        argv = TREE + ["-b", "-t", "-j", "2", "-i", "/usr/include/python3.11", "--with-cc=gcc",
                       "--with-python=/usr/bin/python3", "--with-mpi4py", "--with-pympi",
                       "-c", "--prefix=/opt/pympi", "CFLAGS=-O2 -g"]
        full = generate(gen, work, "full", argv)
        values = read_fragment(cmake, work, full)
        expect(values, "every option", ARGUMENTS=NORMALISED, BIG_EXECUTABLES="ON",
               INCLUDE_DIR="/usr/include/python3.11", WITH_CC="gcc", WITH_PYTHON="/usr/bin/python3",
               WITH_MPI4PY="ON", WITH_PYMPI="ON", CONFIGURE="ON", CONFIGURE_ARGC="2",
               CONFIGURE_ARG0="--prefix=/opt/pympi", CONFIGURE_ARG1="CFLAGS=-O2 -g", CONFIGURE_ARG2=None)
        # None of them changes the tree: same normalised arguments, same manifest and sources.
        for tree in (plain, full):
            check(load_manifest(tree)["config"]["arguments"] == NORMALISED,
                  "%s: manifest arguments %r, expected %r" % (tree, load_manifest(tree)["config"]["arguments"],
                                                             NORMALISED))
        for rel in ["manifest.json"] + [os.path.join("src", n) for n in sorted(os.listdir(os.path.join(plain, "src")))]:
            with open(os.path.join(plain, rel), "rb") as a, open(os.path.join(full, rel), "rb") as b:
                check(a.read() == b.read(), "the build options changed %s" % rel)

        # -c takes everything after it, options and numbers included, as configure's.
        rest = generate(gen, work, "rest", ["6", "10", "-u", "2", "10", "-c", "-e", "-s", "5", "-b", "7"])
        values = read_fragment(cmake, work, rest)
        expect(values, "-c -e -s 5 -b 7", ARGUMENTS="6 10 -u 2 10 -s 1", BIG_EXECUTABLES="OFF", CONFIGURE="ON",
               CONFIGURE_ARGC="5", CONFIGURE_ARG0="-e", CONFIGURE_ARG1="-s", CONFIGURE_ARG2="5",
               CONFIGURE_ARG3="-b", CONFIGURE_ARG4="7", CONFIGURE_ARG5=None)
        man = load_manifest(rest)
        check(not man["config"]["cross_module"] and man["config"]["seed"] == 1,
              "-c: the arguments after it were interpreted: %r" % man["config"])
        # -c last, with nothing after it: given, no argument (the original accepts it).
        values = read_fragment(cmake, work, generate(gen, work, "bare-c", TREE + ["-c"]))
        expect(values, "bare -c", CONFIGURE="ON", CONFIGURE_ARGC="0", CONFIGURE_ARG0=None)
        # Given twice: the last wins, as in the original.
        values = read_fragment(cmake, work, generate(gen, work, "twice", ["-i", "first", "--with-cc=cc1"] + TREE +
                                                     ["-i", "second", "--with-cc=cc2"]))
        expect(values, "twice", INCLUDE_DIR="second", WITH_CC="cc2")

        # Hostile strings in every string option: read back byte for byte, nothing run.
        for i, text in enumerate(HOSTILE):
            tree = generate(gen, work, "hostile%d" % i,
                            TREE + ["-i", text, "--with-cc=" + text, "--with-python=" + text, "-c", text, "x", text])
            values = read_fragment(cmake, work, tree)
            expect(values, "value %r" % text, ARGUMENTS=NORMALISED, INCLUDE_DIR=text, WITH_CC=text,
                   WITH_PYTHON=text, CONFIGURE_ARGC="3", CONFIGURE_ARG0=text, CONFIGURE_ARG1="x",
                   CONFIGURE_ARG2=text)
            check(values["PWNED"] is None, "value %r: set PWNED" % text)
        # All of them at once after -c, one variable each (a list would split at the semicolons).
        tree = generate(gen, work, "hostile-all", TREE + ["-c"] + HOSTILE)
        values = read_fragment(cmake, work, tree)
        expect(values, "every hostile value after -c", CONFIGURE_ARGC=str(len(HOSTILE)),
               **{"CONFIGURE_ARG%d" % i: text for i, text in enumerate(HOSTILE)})
        # The fewest '=' that keep the value in: none for a plain value, one
        # for "]]", and so on (and the same line as ever for a plain one).
        with open(os.path.join(full, "targets.cmake")) as f:
            text = f.read()
        check("\nset(PYNAMIC_GEN_WITH_CC [[gcc]]) # --with-cc=CMD\n" in text, "plain value not as [[gcc]]")
        with open(os.path.join(work, "hostile1", "targets.cmake")) as f:
            text = f.read()
        check("\nset(PYNAMIC_GEN_WITH_CC [=[]]]=]) # --with-cc=CMD\n" in text, "']]' not as [=[]]]=]")
    print("PASS: %d hostile values round-trip through targets.cmake" % len(HOSTILE))


if __name__ == "__main__":
    sys.exit(checked(main, passed=None))
