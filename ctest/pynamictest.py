# SPDX-License-Identifier: BSD-3-Clause
"""What the ctest scripts share: the failure line, the checks, running a command with a timeout, and a scratch
build tree of the project configured with the build's own tools.

CTest starts every script as `python3 ctest/<dir>/<script>.py ...`, from directories of its own; a script
finds this module by putting ctest/ first on sys.path, relative to its own file:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

A check that does not hold is one line on stderr, "CHECK FAILED: <what was expected, what was found>", and
exit status 1. Tests match that prefix (ctest/bigexe/tests.cmake), so it is written here only.

Every JSON report a test reads goes through load_report(), which validates it against docs/report.schema.json
(generated from the field table, src/runtime/pyn_fields.c) and fails the test with one CHECK FAILED line naming
the file and the JSON path. The field lists tests need (the summarised metrics, the CSV columns, the per-rank
leaves) are read from that schema too, never copied.

Standard library, and python3-jsonschema (Draft 2020-12) for load_report: run with the interpreter CMake found.
"""
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys

# The script's name, for the lines of scripts that are not checks (fixtures, wrappers): "make_fault: ...".
PROG = os.path.splitext(os.path.basename(sys.argv[0]))[0]


class CheckFailed(Exception):
    """A check did not hold; the message says what was expected and what was found."""


def check(cond, what):
    """Raises CheckFailed(what) unless cond holds."""
    if not cond:
        raise CheckFailed(what)


def close(a, b, tol, what):
    """a and b are numbers within tol of each other."""
    check(a is not None and b is not None and abs(a - b) <= tol, f"{what}: {a} vs {b}")


def positive(x, what):
    """x is a finite number above 0."""
    check(isinstance(x, (int, float)) and math.isfinite(x) and x > 0, f"{what} = {x!r}, expected > 0")


def _check_failed_hook(kind, value, tb, _default=sys.excepthook):
    """A CheckFailed no one caught is still the failure line and exit status 1, never a traceback."""
    if issubclass(kind, CheckFailed):
        say_failed(value)
        sys.exit(1)
    _default(kind, value, tb)


sys.excepthook = _check_failed_hook


def say_failed(what):
    """Prints the failure line (and nothing else)."""
    print(f"CHECK FAILED: {what}", file=sys.stderr, flush=True)


def fail(what):
    """A check did not hold, in a script that stops at the first: the failure line, then exit status 1."""
    say_failed(what)
    sys.exit(1)


def die(msg, status=1):
    """The script cannot do its work (a fixture it cannot build, a fault it cannot set up, a usage error):
    "<script>: <msg>" on stderr, then exit with status."""
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)
    sys.exit(status)


def checked(body, *args, errors=(), passed="all checks passed"):
    """Runs body(*args) and returns the script's exit status: 0 (printing `passed`, unless None) when it returns;
    1, with the failure line, when a check fails, a command times out or body raises one of `errors` (the
    exception's text is the line: name what failed in it)."""
    try:
        body(*args)
    except (CheckFailed, subprocess.TimeoutExpired) + tuple(errors) as e:
        say_failed(e)
        return 1
    if passed is not None:
        print(passed, flush=True)
    return 0


def finish(failures, passed="all checks passed"):
    """The exit status of a script that collects failures instead of stopping at the first: a failure line each
    and 1, or `passed` and 0."""
    for what in failures:
        say_failed(what)
    if failures:
        return 1
    print(passed, flush=True)
    return 0


def run(cmd, timeout=60, echo=False, **kw):
    """Runs cmd with its output captured as text and returns the CompletedProcess; subprocess.TimeoutExpired
    after timeout seconds. echo: print "<script>: running: <cmd>" first."""
    cmd = [str(c) for c in cmd]
    if echo:
        print(f"{PROG}: running: {shlex.join(cmd)}", flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def output_tail(proc, limit=4000):
    """The end of a finished command's stdout and stderr, for a failure message."""
    text = (proc.stdout or "") + (proc.stderr or "")
    return ("..." + text[-limit:]) if len(text) > limit else text


def run_ok(cmd, what, timeout=60, **kw):
    """run(), which must exit 0: else CheckFailed naming what it was for, the command, its status and the end of
    its output. Returns the CompletedProcess."""
    proc = run(cmd, timeout, **kw)
    where = f" (in {kw['cwd']})" if kw.get("cwd") else ""
    check(proc.returncode == 0, f"{what}: {shlex.join(proc.args)}{where} exited {proc.returncode}:\n{output_tail(proc)}")
    return proc


def long_dir(base):
    """Makes base/long and 12 directories of 40 'd's below it (492 bytes, whatever base is), as
    pynamic_long_dir (ctest/PynamicModeTest.cmake) does: too deep for a path in it to fit a 512-byte error
    line. Returns its path."""
    path = os.path.join(base, "long", *(["d" * 40] * 12))
    os.makedirs(path, exist_ok=True)
    return path


def check_cause_kept(stderr, start, cause, what):
    """stderr is the one-line error of a path too long for its buffer (one in long_dir): exactly one line,
    starting with `start` (the program and the start of the path, as given), ending with `cause` (the system's
    reason, say), with the path's middle replaced by "..." between the two."""
    lines = stderr.splitlines()
    check(len(lines) == 1, f"{what}: stderr has {len(lines)} lines, expected one: {stderr!r}")
    line = lines[0] if lines else ""
    check(line.startswith(start), f"{what}: the line does not start with {start!r}: {line!r}")
    check(line.endswith(cause), f"{what}: the line does not end with the cause {cause!r}: {line!r}")
    middle = line[len(start):len(line) - len(cause)]
    check(re.search(r"[d/]\.\.\.[d/]", middle), f"{what}: the path is not shortened with '...' in its middle: {line!r}")


def snapshot(root):
    """{path relative to root: (bytes, mtime_ns, inode)} of every file under root: what a rerun that must
    rewrite nothing must leave exactly as it was."""
    result = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            with open(path, "rb") as f:
                result[os.path.relpath(path, root)] = (f.read(), st.st_mtime_ns, st.st_ino)
    return result


def reenter_in_mount_namespace(script, argv, map_root=False, status=1):
    """Runs `python3 script --in-namespace argv...` in a private mount namespace of its own (util-linux unshare),
    so nothing outside sees the mounts it makes and they vanish with it, then exits with its status. map_root:
    not being root, run it as root of a user namespace of its own (an unprivileged user may still own a mount
    namespace there). Dies with `status` when unshare is missing or cannot run."""
    unshare = shutil.which("unshare")
    if not unshare:
        die("unshare (util-linux) not found: cannot make a private mount namespace", status)
    cmd = [unshare, "--mount", "--propagation", "private", "--", sys.executable, os.path.abspath(script),
           "--in-namespace"] + list(argv)
    if map_root and os.geteuid() != 0:
        cmd[1:1] = ["--user", "--map-root-user"]
    try:
        proc = subprocess.run(cmd)
    except OSError as e:
        die(f"cannot run {unshare}: {e}", status)
    sys.exit(proc.returncode)


# --- the JSON report and its schema ---------------------------------------------------------------------------

REPORT_SCHEMA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "report.schema.json")
_schema = None
_validator = None


def report_schema():
    """docs/report.schema.json, parsed (the committed copy; report.schema.committed checks it is the build's)."""
    global _schema
    if _schema is None:
        with open(REPORT_SCHEMA) as f:
            _schema = json.load(f)
    return _schema


def json_path(parts):
    """["ranks", 0, "import_s"] as "$.ranks[0].import_s"."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def schema_errors(report):
    """Where report breaks the schema: a list of "$.path: message", by path."""
    global _validator
    if _validator is None:
        try:
            from jsonschema import Draft202012Validator
        except ImportError:
            die("cannot validate reports: python3-jsonschema is not installed for "
                f"{sys.executable} (apt-get install python3-jsonschema; bench/install-deps.sh --tests)")
        _validator = Draft202012Validator(report_schema())
    errors = sorted(_validator.iter_errors(report), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{json_path(list(e.absolute_path))}: {e.message}" for e in errors]


def load_report(path):
    """The JSON report at path, validated against docs/report.schema.json. A report that breaks it raises
    CheckFailed naming the file, the JSON path and what is wrong (one CHECK FAILED line and exit status 1 if
    the script does not catch it: see _check_failed_hook)."""
    with open(path) as f:
        report = json.load(f)
    errors = schema_errors(report)
    if errors:
        more = f" (and {len(errors) - 1} more: {'; '.join(errors[1:4])})" if len(errors) > 1 else ""
        raise CheckFailed(f"report {path} does not match {REPORT_SCHEMA}: at {errors[0]}{more}")
    return report


def _leaves(schema, path=()):
    props = schema.get("properties")
    if props is None:
        yield path, schema
        return
    for key, sub in props.items():
        yield from _leaves(sub, path + (key,))


def rank_fields():
    """[(path, schema)] of every leaf of a rank's object, in table order: ("rusage", "import", "minflt"), ..."""
    return list(_leaves(report_schema()["properties"]["ranks"]["items"]))


def csv_columns():
    """The CSV's columns in order: [{"column", "path" (in a rank's object), "format" ("01", "quoted") if any}]."""
    return report_schema()["properties"]["ranks"]["items"]["x-csv-columns"]


def summarised(kind="spread", unit=None):
    """Paths in "summary" (and in a rank's object) of the fields summarised as kind ("spread", "spread_measured"),
    of that unit when given: [("import_s",), ..., ("rusage", "import", "minflt"), ...]."""
    want = f"#/$defs/{kind}"
    return [path for path, s in _leaves(report_schema()["properties"]["summary"])
            if s.get("$ref") == want and (unit is None or s.get("x-unit") == unit)]


def fs_slots_and_counters():
    """The loader's per-phase slots and counters of a rank's "fs" object: (("startup", ...), ("opens", ...))."""
    slots = report_schema()["properties"]["ranks"]["items"]["properties"]["fs"]["properties"]
    first = next(iter(slots.values()))
    return tuple(slots), tuple(first["properties"])


def dig(obj, path):
    """obj[path[0]][path[1]]...; None when a step is null."""
    for key in path:
        if obj is None:
            return None
        obj = obj[key]
    return obj


# --- a scratch build tree -----------------------------------------------------------------------------------

def add_tree_options(parser):
    """The command-line options of a test that configures the project in a scratch directory: --source,
    --build, --cmake, --generator and the build's own tools (--make-program, --c-compiler, --python), so the
    scratch tree finds what the build found."""
    for opt in ("--source", "--build", "--cmake", "--generator"):
        parser.add_argument(opt, required=True)
    parser.add_argument("--make-program")
    parser.add_argument("--c-compiler")
    parser.add_argument("--python")


class ScratchTree:
    """The project configured in a build directory of a test's own.

    The command line is the generator and tools given, BUILD_TESTING=OFF unless testing, CMAKE_BUILD_TYPE
    (unless None) and the -D definitions given, in that order; configure() adds more, which come last and
    so win."""

    def __init__(self, source, build, cmake, generator, make_program=None, c_compiler=None, python=None,
                 build_type="Release", testing=False, defines=()):
        self.source, self.build, self.cmake = source, build, cmake
        self.base = [cmake, "-S", source, "-B", build, "-G", generator]
        if not testing:
            self.base.append("-DBUILD_TESTING=OFF")
        if build_type:
            self.base.append(f"-DCMAKE_BUILD_TYPE={build_type}")
        for var, value in (("CMAKE_MAKE_PROGRAM", make_program), ("CMAKE_C_COMPILER", c_compiler),
                           ("Python3_EXECUTABLE", python)):
            if value:
                self.base.append(f"-D{var}={value}")
        self.base += [f"-D{d}" for d in defines]

    @classmethod
    def from_args(cls, args, **kw):
        """From the options of add_tree_options()."""
        return cls(args.source, args.build, args.cmake, args.generator, args.make_program, args.c_compiler,
                   args.python, **kw)

    def remove(self):
        shutil.rmtree(self.build, ignore_errors=True)

    def configure(self, *defines, timeout=300):
        """cmake with the tree's definitions and then these ("VAR=VALUE"); returns the CompletedProcess."""
        return run(self.base + [f"-D{d}" for d in defines], timeout, echo=True)

    def configure_ok(self, *defines, what="configure", timeout=300):
        """configure(), which must succeed: else CheckFailed naming what it was for, with cmake's output."""
        return run_ok(self.base + [f"-D{d}" for d in defines], what, timeout, echo=True)

    def build_ok(self, *targets, what="build", timeout=600):
        """cmake --build of these targets (all by default), which must succeed; returns the CompletedProcess."""
        cmd = [self.cmake, "--build", self.build] + (["--target", *targets] if targets else [])
        return run_ok(cmd, what, timeout, echo=True)
