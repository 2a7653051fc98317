# SPDX-License-Identifier: BSD-3-Clause
"""run_mode.py's command line, and the program's own options read back from the command it runs."""
import argparse


def parse_args(description, argv=None):
    """The options (argv, default the command line's); description: run_mode.py's own (its --help)."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", required=True, help="the manifest the run must match")
    p.add_argument("--workdir", required=True, help="directory for reports and per-rank exit codes")
    p.add_argument("--mode", required=True, help="mode name the report must carry")
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--launcher", help="MPI launcher (omit to run one process without one)")
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="", help="launcher flags before the program (one string)")
    p.add_argument("--last-rank-args", default=None,
                   help="extra arguments for the last rank only (MPMD launch): to make one rank fail")
    p.add_argument("--launch-time", choices=["none", "before", "after", "option", "future"], default="none",
                   help="pass `date +%%s.%%N` as the first positional argument, after the options, or as --launch-time; "
                        "future: an hour ahead, as --launch-time (clock skew: every rank's startup must be null)")
    p.add_argument("--no-report", action="store_true", help="do not ask for --json/--csv")
    p.add_argument("--report-stem", default="report", metavar="NAME",
                   help="the reports' file names in the work directory: NAME.json and NAME.csv (default report)")
    p.add_argument("--expect-exit", type=int, default=0, help="exit status every rank must return")
    p.add_argument("--expect-stderr", action="append", default=[], help="regex stderr must match (repeatable)")
    p.add_argument("--expect-stdout", action="append", default=[], help="regex stdout must match (repeatable)")
    p.add_argument("--one-line-error", action="store_true", help="stderr must be exactly one line")
    p.add_argument("--binding", help="binding the report's options must show (dlopen: now or lazy)")
    p.add_argument("--forbid-stderr", action="append", default=[], help="regex stderr must not match (repeatable)")
    p.add_argument("--forbid-stdout", action="append", default=[], help="regex stdout must not match (repeatable)")
    p.add_argument("--expect-absent", action="append", default=[], metavar="FILE",
                   help="FILE (removed first) must not exist after the run: an output the program must not have "
                        "written (repeatable)")
    p.add_argument("--expect-option", action="append", default=[], metavar="KEY=VALUE",
                   help="the report's options must have KEY set to VALUE (repeatable)")
    # The job block (docs/report.md, "The job"): checked against rank 0's environment on every passing report.
    p.add_argument("--expect-scheduler", choices=["none", "slurm", "flux", "pbs", "lsf"],
                   help="the report's job.scheduler (none: null)")
    p.add_argument("--expect-launcher", choices=["hydra", "srun", "flux", "jsrun", "pmix", "pmi", "none"],
                   help="the report's job.launcher")
    p.add_argument("--expect-job", action="append", default=[], metavar="KEY=VALUE",
                   help="the report's job.KEY must be VALUE (repeatable)")
    p.add_argument("--last-rank-env", action="append", default=[], metavar="VAR=VALUE",
                   help="MPMD: the last rank runs with VAR=VALUE in its environment (repeatable)")
    p.add_argument("--expect-other-rank", type=int, metavar="R",
                   help="the report's job is not uniform: rank R is the lowest whose environment differed from rank "
                        "0's (default: every rank's agreed)")
    p.add_argument("--interpreter", help="run the program (a script) with this interpreter, e.g. python3")
    # Page faults, page cache, placement (docs/metrics.md): checked on every passing report; these tighten it.
    p.add_argument("--expect-cache", choices=["cold", "warm", "warm-full"],
                   help="the report's cache: cold (no page of the libraries resident at import start), warm, or "
                        "warm-full (warm, every page resident)")
    p.add_argument("--warm-files", metavar="DIR", help="read every file in DIR just before the run (page it in)")
    p.add_argument("--expect-bound", action="store_true",
                   help="--bind core: every rank bound by pynamic, to core (local rank mod cores)")
    p.add_argument("--built-in", action="store_true",
                   help="the generated code is linked into the executable (static and big-executable modes): no "
                        "generated shared object may be loaded (libraries_loaded 0 on every rank) and the report's "
                        "static sizes must describe the executable")
    p.add_argument("--min-text-bytes", type=int, default=0,
                   help="the report's static.executable.text_bytes must be at least this (with --built-in)")
    p.add_argument("--stage-dir", metavar="DIR",
                   help="pass --stage-dir DIR to the program (created first, unless --stage-dir-missing) and check "
                        "that no pynamic-stage.* is left in it afterwards, whether the run passed or failed")
    p.add_argument("--expect-min-chunks", type=int, default=0, metavar="N",
                   help="--stage bcast: every generated file must take at least N broadcasts of --stage-chunk bytes")
    p.add_argument("--stage-dir-missing", action="store_true",
                   help="with --stage-dir: DIR must not exist (removed first), and must still not exist afterwards")
    p.add_argument("--search-tmpdir", metavar="DIR",
                   help="run the program with TMPDIR=DIR (emptied first) and check that nothing is left in "
                        "DIR/pynamic-UID afterwards, whether the run passed or failed (the Python modes' per-run "
                        "search directories), and that a passing report's search_root names that directory")
    p.add_argument("--fractal-image", metavar="FILE",
                   help="pass --fractal-image FILE to the program (an old FILE is removed first); on a passing run "
                        "FILE must be the fractal's BMP, every byte as recomputed here")
    p.add_argument("--trace", metavar="FILE",
                   help="pass --trace FILE to the program (an old FILE is removed first); on a passing run FILE "
                        "must be the timeline of the --trace-ranks ranks, agreeing with the report (modecheck/trace.py)")
    p.add_argument("--expect-fractal-failure", metavar="REGEX",
                   help="the run fails (with --expect-exit 1) because the MPI capability test failed, and only it: "
                        "stdout says 'module test passed!' then 'mpi test FAILED!', the report's summary.fractal "
                        "says passed false with an error matching REGEX, and no rank has an error of its own")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- program and its arguments")
    args = p.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        p.error("no program given after --")
    return args


def program_option(command, name, default=None):
    """The value of a program option (--name VALUE or --name=VALUE) in the command, the last one given."""
    value = default
    for i, arg in enumerate(command):
        if arg == name and i + 1 < len(command):
            value = command[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1:]
    return value


def parse_size(text):
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(text[:-1] if scale > 1 else text) * scale
