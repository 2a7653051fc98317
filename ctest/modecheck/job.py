# SPDX-License-Identifier: BSD-3-Clause
"""The report's job block (docs/report.md, "The job"): its scheduler fields against the environment rank 0 was
launched with (recorded by the launch wrapper, modecheck/launch.py), its hosts against the ranks' own rows, and
what a test expects of the scheduler and the launcher. Also: no text the report took from elsewhere (the MPI
library's version, the job's name) holds a control character."""
import os

from pynamictest import check

# The test's own reading of the schedulers' variables, in the order the report takes them (Flux first: its
# jobs run inside other schedulers' allocations). field: the variables, first set wins.
SCHEDULERS = [
    ("flux", {"id": ["FLUX_JOB_ID"]}),
    ("slurm", {"id": ["SLURM_JOB_ID", "SLURM_JOBID"], "step": ["SLURM_STEP_ID", "SLURM_STEPID"],
               "name": ["SLURM_JOB_NAME"], "cluster": ["SLURM_CLUSTER_NAME"]}),
    ("pbs", {"id": ["PBS_JOBID"], "name": ["PBS_JOBNAME"]}),
    ("lsf", {"id": ["LSB_JOBID"], "name": ["LSB_JOBNAME"]}),
]


def normalised(text):
    """What the report makes of a variable's value (pyn_normalise_text): every run of white space and control
    characters (up to 0x20, and 0x7f) one space, none at either end, a byte that is not UTF-8 '?'."""
    words, word = [], ""
    for c in text:
        if ord(c) <= 0x20 or c == "\x7f":
            if word:
                words.append(word)
            word = ""
        else:
            word += "?" if 0xdc80 <= ord(c) <= 0xdcff else c  # surrogateescape: a byte that was not UTF-8
    if word:
        words.append(word)
    return " ".join(words)


def expected_job(env):
    """(scheduler, {field: value}) as the report must say it for this environment."""
    def first(names):
        for name in names:
            if env.get(name):
                return env[name]
        return None

    for name, fields in SCHEDULERS:
        if first(fields["id"]):
            return name, {k: first(fields.get(k, [])) for k in ("id", "step", "name", "cluster")}
    return None, {"id": None, "step": None, "name": None, "cluster": None}


def read_env(exit_dir, rank):
    """The environment the launcher gave rank `rank`, as its wrapper recorded it (env -0)."""
    path = os.path.join(exit_dir, f"env.{rank}")
    check(os.path.exists(path), f"{path}: rank {rank}'s environment was not recorded")
    with open(path, "rb") as f:
        items = f.read().decode("utf-8", "surrogateescape").split("\0")
    return dict(item.split("=", 1) for item in items if "=" in item)


def controls(text):
    return [c for c in text if ord(c) < 0x20 or c == "\x7f"]


def check_text_is_clean(report):
    """Every string of environment, build and job is one line without control characters (MPICH's version
    string has a tab after "Version:")."""
    def walk(value, where):
        if isinstance(value, str):
            check(not controls(value), f"{where} = {value!r} holds control characters")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    for key in ("environment", "build", "job"):
        walk(report[key], key)


def check_hosts(report):
    """job.hosts: every host of the ranks' rows once, in the order of its lowest rank, with its ranks."""
    hosts = {}
    for r in report["ranks"]:
        hosts.setdefault(r["host"], []).append(r["rank"])
    want = []
    for host, ranks in sorted(hosts.items(), key=lambda item: min(item[1])):
        ranks.sort()
        runs, start = [], ranks[0]
        for prev, cur in zip(ranks, ranks[1:] + [None]):
            if cur != prev + 1 if cur is not None else True:
                runs.append(f"{start}" if start == prev else f"{start}-{prev}")
                start = cur
        want.append({"host": host, "ranks": len(ranks), "rank_list": ",".join(runs)})
    job = report["job"]
    check(job["hosts"] == want, f"job.hosts = {job['hosts']}, the ranks' rows say {want}")
    check(len(job["hosts"]) == report["nhosts"], f"job.hosts lists {len(job['hosts'])} hosts, nhosts {report['nhosts']}")


def check_job(report, args, exit_dir):
    check_text_is_clean(report)
    check_hosts(report)
    job = report["job"]
    if args.expect_other_rank is None:
        check(job["uniform"] is True and job["first_other_rank"] is None,
              f"job.uniform {job['uniform']}, first_other_rank {job['first_other_rank']}: every rank had one job")
    else:
        check(job["uniform"] is False and job["first_other_rank"] == args.expect_other_rank,
              f"job.uniform {job['uniform']}, first_other_rank {job['first_other_rank']}: rank "
              f"{args.expect_other_rank} was launched with another job's variables")
    env = read_env(exit_dir, 0)
    scheduler, fields = expected_job(env)
    check(job["scheduler"] == scheduler, f"job.scheduler = {job['scheduler']!r}, rank 0's environment says "
                                         f"{scheduler!r}")
    for key, value in fields.items():
        want = normalised(value) if value is not None else None
        check(job[key] == want, f"job.{key} = {job[key]!r}, rank 0's environment had {value!r}")
    if args.expect_scheduler:
        want = None if args.expect_scheduler == "none" else args.expect_scheduler
        check(job["scheduler"] == want, f"job.scheduler = {job['scheduler']!r}, expected {want!r}")
    if args.expect_launcher:
        check(job["launcher"] == args.expect_launcher,
              f"job.launcher = {job['launcher']!r}, expected {args.expect_launcher!r}")
    for item in args.expect_job:
        key, _, value = item.partition("=")
        check(job.get(key) == value, f"job.{key} = {job.get(key)!r}, expected {value!r}")
