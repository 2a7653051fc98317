#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A config_pynamic.py command line pasted into PYNAMIC_CONFIG, configured
(not built) on the tiny tree: what the outer build does with each of the
original's build options.

    test_configure_options.py --source DIR --build DIR --cmake CMAKE --ninja NINJA
                              --c-compiler CC --python PY

1. Every option (-b -t -j 2 -i DIR --with-cc=CC --with-python=PY
   --with-mpi4py --with-pympi -c ARGS...), CC and PY the build's own: one
   STATUS line each for --with-cc, --with-python (the same file),
   --with-mpi4py, --with-pympi and -c (its arguments printed literally, a
   '${...}' and a ']==]' included); no warning; the summary says the big
   executables are built and names DIR; the default build (ninja -n) links
   both big executables; their tests are defined; DIR comes before Python's
   include directory in every module's and marker's compile command
   (compile_commands.json), in no utility's.
2. Reconfigured without -b, with a relative -i and a --with-cc and
   --with-python that are not the build's: one CMake warning each (one
   message, which CMake wraps) naming -DCMAKE_C_COMPILER=... /
   -DPython3_EXECUTABLE=...; the
   default build links neither big executable (nor assembles their padding)
   but still pynamic-mode-python-static, and builds each big one on request;
   their tests are not defined (python-static's are); the install rules do
   not name them; the summary says so; the relative -i is taken from the
   source tree.
3. An -i DIR that does not exist, or whose name holds '$<': configure
   fails with one CMake error, one line.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import CheckFailed, ScratchTree, check, finish, run  # noqa: E402

TREE = "12 40 -e -u 4 40 -n 20"


def same_name_on_path(path):
    """The bare name of path when a PATH lookup finds the same file (so the
    test exercises the lookup), else path itself."""
    name = os.path.basename(path)
    found = shutil.which(name)
    if found and os.path.realpath(found) == os.path.realpath(path):
        return name
    return path


class Tree(ScratchTree):
    """The tiny tree with its tests defined (ctest -N) and its compile commands exported, configured, never
    built."""

    def __init__(self, a):
        super().__init__(a.source, a.build, a.cmake, "Ninja", a.ninja, a.c_compiler, a.python, testing=True,
                         defines=["PYNAMIC_TEST_SLURM=OFF", "PYNAMIC_BIGEXE_TEXT_MB=2",
                                  "CMAKE_EXPORT_COMPILE_COMMANDS=ON"])
        self.ninja = a.ninja

    def configure_with(self, config, expect_ok=True):
        """Configures with PYNAMIC_CONFIG=config, which must succeed if expect_ok."""
        t0 = time.monotonic()
        proc = self.configure(f"PYNAMIC_CONFIG={config}")
        print(f"--- PYNAMIC_CONFIG={config!r}: cmake exited {proc.returncode} after {time.monotonic() - t0:.1f} s")
        if expect_ok:
            check(proc.returncode == 0, f"configure failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def dry_run(self, target=None):
        proc = run([self.ninja, "-C", self.build, "-n"] + ([target] if target else []), timeout=300)
        check(proc.returncode == 0, f"ninja -n {target or ''} failed: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def tests(self):
        proc = run(["ctest", "-N"], timeout=300, cwd=self.build)
        check(proc.returncode == 0, f"ctest -N failed: {proc.stderr}")
        return set(re.findall(r"Test +#\d+: (\S+)", proc.stdout))

    def compile_args(self, source_name):
        with open(os.path.join(self.build, "compile_commands.json")) as f:
            for entry in json.load(f):
                if os.path.basename(entry["file"]) == source_name:
                    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        raise CheckFailed(f"{source_name} not in compile_commands.json")


def status_lines(out, prefix):
    return [l for l in out.splitlines() if l.startswith("-- " + prefix)]


def messages(out, kind):
    """(file, text) of every 'CMake <kind> at FILE:LINE (message):' block; the
    text is everything indented under the header, up to its call stack (one
    message, which CMake wraps at 80 columns)."""
    found = []
    for m in re.finditer(rf"^CMake {kind} at ([^:\n]+):\d+ \(message\):\n(.*?)\n(?:Call Stack|\n|\Z)", out,
                         re.M | re.S):
        found.append((m.group(1), m.group(2)))
    return found


def linked(dry_run, exe):
    return re.search(rf"Linking C executable {re.escape(exe)}$", dry_run, re.M) is not None


def include_order(tree, source_name, include, python_include):
    """Index of the include directory's -I and of Python's include directory
    in the compile command (None when absent)."""
    args = tree.compile_args(source_name)
    joined = []
    i = 0
    while i < len(args):  # "-isystem DIR" / "-I DIR" as one
        if args[i] in ("-I", "-isystem") and i + 1 < len(args):
            joined.append(args[i] + args[i + 1])
            i += 2
        else:
            joined.append(args[i])
            i += 1
    inc = next((k for k, x in enumerate(joined) if x == "-I" + include), None)
    py = next((k for k, x in enumerate(joined) if re.fullmatch(r"-(I|isystem)" + re.escape(python_include), x)), None)
    return inc, py


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for opt in ("--source", "--build", "--cmake", "--ninja", "--c-compiler", "--python"):
        p.add_argument(opt, required=True)
    a = p.parse_args()
    a.build = os.path.abspath(a.build)
    tree = Tree(a)
    tree.remove()
    os.makedirs(a.build)
    python_include = run([a.python, "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"]).stdout.strip()
    check(python_include, "cannot ask the Python for its include directory")
    failures = []

    def step(name, fn):
        try:
            fn()
            print(f"    {name}: ok")
        except CheckFailed as e:
            failures.append(f"{name}: {e}")

    # --- 1. every option, all of them the build's own -------------------------
    include = os.path.join(a.build, "python include")  # a space: quoted in PYNAMIC_CONFIG
    os.makedirs(include)
    cc, py = same_name_on_path(a.c_compiler), same_name_on_path(a.python)
    configure_args = ["--prefix=/opt/pympi", "CFLAGS=-O2 -g", "a;b", "${HOME}]==]"]
    pasted = (f"{TREE} -b -t -j 2 -i {shlex.quote(include)} --with-cc={cc} --with-python={py} --with-mpi4py "
              f"--with-pympi -c " + " ".join(shlex.quote(x) for x in configure_args))
    proc = tree.configure_with(pasted)
    out, err = proc.stdout, proc.stderr

    def one_status(prefix, contains=()):
        lines = status_lines(out, prefix)
        check(len(lines) == 1, f"expected one line starting '-- {prefix}', got {lines}")
        for c in contains:
            check(c in lines[0], f"{lines[0]!r} does not say {c!r}")

    def every_option_messages():
        one_status(f"pynamic: --with-cc={cc}: ", ["the same file as CMAKE_C_COMPILER"])
        one_status(f"pynamic: --with-python={py}: ", ["the same file as Python3_EXECUTABLE"])
        one_status("pynamic: --with-mpi4py: ", ["pynamic_driver.py", "no mpi4py"])
        one_status("pynamic: --with-pympi: ", ["no pyMPI", "neither pyMPI nor mpi4py"])
        one_status("pynamic: -c --prefix=/opt/pympi 'CFLAGS=-O2 -g' a;b ${HOME}]==]: ",
                   ["no equivalent", "PYNAMIC_GENERATED_C_FLAGS"])
        check(not messages(err, "Warning") and "CMake Warning" not in out + err,
              f"unexpected warnings: {err}")
        one_status("  big executables     : pynamic-mode-bigexe, pynamic-mode-python-bigexe built by default (-b)")
        one_status(f"  module include dir  : {include} (-i)")

    def every_option_build():
        dry = tree.dry_run()
        for exe in ("pynamic-mode-bigexe", "pynamic-mode-python-bigexe", "pynamic-mode-python-static"):
            check(linked(dry, exe), f"the default build does not link {exe}")
        tests = tree.tests()
        for t in ("mode.bigexe.serial", "mode.python-bigexe.parallel", "bigexe.executables",
                  "mode.python-static.serial"):
            check(t in tests, f"test {t} not defined with -b")
        for src in ("libmodule0.c", "libmodule7.c", "libmodulebegin.c"):
            inc, pyi = include_order(tree, src, include, python_include)
            check(inc is not None and pyi is not None and inc < pyi,
                  f"{src}: -I{include} at {inc}, Python's {python_include} at {pyi}: expected it first")
        inc, _ = include_order(tree, "libutility0.c", include, python_include)
        check(inc is None, "libutility0.c (plain C, no Python) got the -i directory")
        with open(os.path.join(a.build, "cmake_install.cmake")) as f:
            check("pynamic-mode-bigexe" in f.read(), "with -b the install rules do not install pynamic-mode-bigexe")

    step("every option: one line each", every_option_messages)
    step("every option: the default build", every_option_build)

    # --- 2. no -b; a relative -i; a compiler and a Python that are not the build's
    missing_python = "no-such-python-pynamic"
    proc = tree.configure_with(f"{TREE} -i src --with-cc=/bin/true --with-python={missing_python}")
    out, err = proc.stdout, proc.stderr

    def mismatch_messages():
        warnings = [(f, t) for f, t in messages(err, "Warning") if f.endswith("PynamicOriginalOptions.cmake")]
        check(len(warnings) == 2, f"expected two warnings, got {len(warnings)}:\n{err}")
        for (_, text), (option, variable) in zip(warnings, [("--with-cc=/bin/true", "-DCMAKE_C_COMPILER=/bin/true"),
                                                            (f"--with-python={missing_python}",
                                                             f"-DPython3_EXECUTABLE={missing_python}")]):
            # One message; CMake wraps it on the terminal, so its words are compared.
            text = " ".join(text.split())
            check(option in text and variable in text, f"warning {text!r} does not name {option} and {variable}")
        check("(not found)" in warnings[1][1], f"{warnings[1][1]!r} does not say the Python was not found")
        for prefix in ("pynamic: --with-", "pynamic: -c"):
            check(not status_lines(out, prefix), f"status lines {status_lines(out, prefix)} for options not given")
        one_status("  big executables     : not built by default (no -b in PYNAMIC_CONFIG)",
                   ["tests are not defined", "--target pynamic-mode-bigexe pynamic-mode-python-bigexe"])
        one_status("  module include dir  : " + os.path.join(os.path.realpath(a.source), "src") + " (-i)")

    def without_b_build():
        dry = tree.dry_run()
        for exe in ("pynamic-mode-bigexe", "pynamic-mode-python-bigexe"):
            check(not linked(dry, exe), f"without -b the default build still links {exe}")
            check(linked(tree.dry_run(exe), exe), f"cmake --build --target {exe} does not build it")
        check("padding" not in dry, "without -b the default build still makes the big executables' padding")
        check(linked(dry, "pynamic-mode-python-static"), "pynamic-mode-python-static left out of the default build")
        tests = tree.tests()
        check(not [t for t in tests if re.match(r"(mode\.(python-)?bigexe\.|bigexe\.no-file-lookups\.(python-)?bigexe$"
                                                r"|fixture\.bigexe\.|stage\.usage\.(python-)?bigexe-)", t)],
              f"tests of the big executables defined without -b: {sorted(t for t in tests if 'bigexe' in t)}")
        for t in ("mode.python-static.serial", "bigexe.executables", "mode.dlopen.serial"):
            check(t in tests, f"test {t} not defined without -b")
        with open(os.path.join(a.build, "cmake_install.cmake")) as f:
            check("pynamic-mode-bigexe" not in f.read(), "without -b the install rules still name pynamic-mode-bigexe")
        src = os.path.join(os.path.realpath(a.source), "src")
        inc, pyi = include_order(tree, "libmodule0.c", src, python_include)
        check(inc is not None and pyi is not None and inc < pyi, f"relative -i src: -I{src} at {inc}, Python at {pyi}")

    step("without -b: one line each", mismatch_messages)
    step("without -b: the default build", without_b_build)

    # --- 3. an -i DIR that does not exist ---------------------------------------
    def missing_include():
        proc = tree.configure_with(f"{TREE} -i /nonexistent/pynamic-include", expect_ok=False)
        check(proc.returncode != 0, "configure accepted an -i DIR that does not exist")
        errors = messages(proc.stderr, "Error")
        check(len(errors) == 1 and proc.stderr.count("CMake Error") == 1,
              f"expected one CMake error, got:\n{proc.stderr}")
        text = " ".join(errors[0][1].split())
        check(text == "PYNAMIC_CONFIG: -i DIR: '/nonexistent/pynamic-include' is not a directory",
              f"error text {text!r}")

    step("-i DIR missing: one configure error", missing_include)

    # A directory whose name CMake would evaluate as a generator expression.
    def genex_include():
        odd = os.path.join(a.build, "inc$<1:x>")
        os.makedirs(odd, exist_ok=True)
        proc = tree.configure_with(f"{TREE} -i {shlex.quote(odd)}", expect_ok=False)
        errors = messages(proc.stderr, "Error")
        check(proc.returncode != 0 and len(errors) == 1, f"expected one CMake error, got:\n{proc.stderr}")
        text = " ".join(errors[0][1].split())
        check(text.startswith(f"PYNAMIC_CONFIG: -i DIR: '{odd}' contains ';' or '$<'"), f"error text {text!r}")

    step("-i DIR with '$<': one configure error", genex_include)

    if not failures:
        tree.remove()
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
