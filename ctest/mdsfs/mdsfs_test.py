#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Tests of pynamic-mdsfs, the emulated shared file system (docs/mdsfs.md).

    mdsfs_test.py SCENARIO --mdsfs EXE --script bench/mdsfs.sh --workdir DIR [...]

Every scenario runs in a private mount namespace of its own (util-linux
unshare), mounts on a fresh temporary directory, and unmounts in a finally
block; the daemon is also started with --lifetime, so even a test killed by
its timeout leaves no daemon behind for longer than that. Mode runs go
through ctest/run_mode.py, which checks the original's lines, the JSON and
CSV reports and every rank's checksum against the manifest.

Scenarios:
  counts   served operations at 1 and 4 ranks (pynamic-mode-dlopen --lib-dir on
           the mount), counts reset between runs; per-rank cost at 4 ranks vs 1;
           opens per rank vs the manifest's libraries; one client per rank; the
           --stats file at unmount
  latency  4 ranks at --mds-latency-us 0 and at a large latency: the import takes
           at least the queue's serial service time, and longer than without it
  direct   --data-cache direct (direct_io): ld.so still maps the libraries; the
           read latency and bandwidth knobs delay each read as configured
  linked   the whole build tree mounted: pynamic-mode-linked run from the mount
  stage    --stage none and --stage bcast at 1 and 4 ranks on the mount: the
           operations the server serves stay flat with bcast (4 ranks within
           1.1x of 1 rank, whole and net of rank 0's static summary, one
           client) and grow with the baseline (at least 3x net)
  errors   bad arguments, a busy mount point, stopping a mount that is not ours,
           SIGTERM and --lifetime: one clear line, the documented exit status
  script   bench/mdsfs.sh's own faults: a mount point with a space in its path
           (start, stats, reset, stop), TMPDIR set to a missing directory (one
           line, no mount point left), stop --wait 5 on a hung (SIGSTOP'ed)
           daemon (gives up within the wait, one line saying how to force it)

Exit status 0 when every check held, 1 with one line per failed check.
Standard library only.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import CheckFailed, check, load_report, long_dir, reenter_in_mount_namespace, run  # noqa: E402

LIFETIME_S = 300  # the daemon's own watchdog: longer than any scenario's CTest timeout
STATS_NAME = ".mdsfs-stats"
# Operation counts the per-rank comparison covers: each rank's loader asks for
# these itself. getattr is left out: rank 0's static-size summary after the
# run (pynamic-sizes' work) stats each library a data-dependent number of times.
PER_RANK_OPS = ("lookup", "lookup_enoent", "open")
# A name not in the kernel's dentry cache that several ranks look up at the
# same moment is looked up once for all of them (d_alloc_parallel): lookups
# at 4 ranks may fall short of 4x by that much. Opens are never merged.
LOOKUP_TOLERANCE = 0.10


def log(msg):
    print(f"mdsfs_test: {msg}", flush=True)


def mount_type(path, resolve=True):
    """The file system type mounted exactly on path, or None. resolve=False: path is already real, and is never
    touched (a hung daemon's mount does not answer a stat)."""
    if resolve:
        path = os.path.realpath(path)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            mp = fields[4].encode().decode("unicode_escape")
            if mp == path:
                return fields[fields.index("-") + 1]
    return None


class Mount:
    """A pynamic-mdsfs mount started and stopped with bench/mdsfs.sh."""

    def __init__(self, args, source, options=(), stats_file=None):
        self.args = args
        self.source = source
        self.dir = tempfile.mkdtemp(prefix="pyn-mdsfs-mnt.")
        self.log = os.path.join(args.workdir, f"daemon.{os.path.basename(self.dir)}.log")
        self.options = list(options) + ["--lifetime", str(LIFETIME_S)]
        if stats_file:
            self.options += ["--stats", stats_file]
        self.pid = None

    def __enter__(self):
        proc = run([self.args.script, "start", self.source, self.dir, "--wait", "20", "--log", self.log] + self.options,
                   env=self.args.env, echo=True)
        if proc.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise CheckFailed(f"mdsfs.sh start failed ({proc.returncode}): {proc.stderr.strip()}")
        self.pid = self.stats()["pid"]
        return self

    def __exit__(self, *exc):
        try:
            if mount_type(self.dir) == "fuse.pynamic-mdsfs":
                proc = run([self.args.script, "stop", self.dir, "--wait", "20"], env=self.args.env, echo=True)
                if proc.returncode != 0:
                    # Never leave it mounted: lazily detach, then end the daemon.
                    subprocess.run(["fusermount3", "-u", "-z", self.dir], capture_output=True)
                    if exc[0] is None:
                        raise CheckFailed(f"mdsfs.sh stop failed ({proc.returncode}): {proc.stderr.strip()}")
        finally:
            if self.pid and pid_alive(self.pid):
                os.kill(self.pid, signal.SIGKILL)
            try:
                os.rmdir(self.dir)
            except OSError:
                pass
        return False

    def stats(self):
        with open(os.path.join(self.dir, STATS_NAME)) as f:
            return json.load(f)

    def reset(self):
        proc = run([self.args.script, "reset", self.dir], env=self.args.env, echo=True)
        check(proc.returncode == 0, f"mdsfs.sh reset failed ({proc.returncode}): {proc.stderr.strip()}")
        s = self.stats()
        check(s["metadata_ops"] == 0, f"after a reset the server counts {s['metadata_ops']} operations")


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours is gone for this purpose.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return False


def run_mode(args, name, program, lib_dir, ranks, manifest=None, extra=(), checks=()):
    """One checked run of a mode through run_mode.py; returns its JSON report."""
    workdir = os.path.join(args.workdir, name)
    cmd = [sys.executable, args.run_mode, "--manifest", manifest or args.manifest, "--workdir", workdir,
           "--mode", args.mode_name if program == args.dlopen else "linked"] + list(checks)
    if ranks > 1:
        cmd += ["--launcher", args.launcher, f"--numproc-flag={args.numproc_flag}", f"--preflags={args.preflags}",
                "--ranks", str(ranks)]
    cmd += ["--", program] + (["--lib-dir", lib_dir] if lib_dir else []) + list(extra)
    proc = run(cmd, timeout=120, echo=True)
    if proc.returncode != 0:
        raise CheckFailed(f"{name}: the run failed its checks ({proc.returncode}): "
                          f"{(proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:]}")
    report = load_report(os.path.join(workdir, "report.json"))
    check(report["result"]["passed"] and report["result"]["checksum_verified_ranks"] == ranks,
          f"{name}: report does not say all {ranks} ranks passed with verified checksums")
    return report


def static_summary_cost(args, mount):
    """What rank 0's static-size summary after a run costs the server: the same
    section-header reads done by pynamic-sizes over the mounted libraries."""
    mount.reset()
    proc = run([args.sizes, "--manifest", args.manifest, "--lib-dir", mount.dir], timeout=60, echo=True)
    check(proc.returncode == 0, f"pynamic-sizes on the mount failed: {proc.stderr.strip()}")
    return mount.stats()["operations"]


def scenario_counts(args):
    manifest = json.load(open(args.manifest))
    nlibs = manifest["totals"]["libraries"]
    final_stats = os.path.join(args.workdir, "final-stats.json")
    if os.path.exists(final_stats):
        os.remove(final_stats)
    runs = {}
    with Mount(args, args.lib_dir, ["--mds-latency-us", "200"], stats_file=final_stats) as m:
        statics = static_summary_cost(args, m)
        for ranks in (1, args.ranks):
            m.reset()
            run_mode(args, f"run-{ranks}", args.dlopen, m.dir, ranks)
            runs[ranks] = m.stats()
            log(f"{ranks} rank(s): served {runs[ranks]['metadata_ops']} metadata operations "
                f"{runs[ranks]['operations']}, queue wait {runs[ranks]['queue']['wait_s']:.4f} s")
        last = runs[args.ranks]
    n = args.ranks
    per_rank = {r: {op: (runs[r]["operations"][op] - statics[op]) / r for op in PER_RANK_OPS} for r in runs}
    log(f"static summary costs {statics}; per rank at 1: {per_rank[1]}, at {n}: {per_rank[n]}")
    check(per_rank[1]["open"] >= nlibs,
          f"1 rank opened {per_rank[1]['open']:g} files on the mount, fewer than the manifest's {nlibs} libraries")
    check(runs[1]["operations"]["open"] >= nlibs, "opens at 1 rank below the number of libraries")
    check(per_rank[n]["open"] == per_rank[1]["open"],
          f"opens per rank at {n} ranks ({per_rank[n]['open']:g}) differ from 1 rank ({per_rank[1]['open']:g})")
    for op in ("lookup", "lookup_enoent"):
        a, b = per_rank[1][op], per_rank[n][op]
        check(a > 0, f"1 rank served no {op}: the loader's path walk did not reach the server")
        check((1 - LOOKUP_TOLERANCE) * a <= b <= a,
              f"{op} per rank at {n} ranks is {b:g}, expected {a:g} (at most {LOOKUP_TOLERANCE:.0%} fewer)")
    # Every rank asked the server itself; none asked for less than about one rank's import.
    for r in runs:
        check(runs[r]["clients"]["count"] == r, f"{r} rank(s): {runs[r]['clients']['count']} distinct processes "
                                                f"asked the server, expected {r}")
    one_rank = runs[1]["metadata_ops"] - sum(statics.values())
    check(runs[n]["clients"]["min_ops"] >= (1 - LOOKUP_TOLERANCE) * one_rank,
          f"at {n} ranks one process asked only {runs[n]['clients']['min_ops']} operations, a 1-rank import "
          f"asks {one_rank}")
    check(runs[n]["queue"]["max_waiting"] >= 1,
          f"at {n} ranks at most {runs[n]['queue']['max_waiting']} request waited at once: no queueing")
    check(runs[n]["queue"]["wait_s"] > 0, "no queue wait at all with 4 ranks")
    # The --stats file written at unmount holds the counts of the last period.
    check(os.path.exists(final_stats), f"--stats {final_stats} was not written at unmount")
    final = json.load(open(final_stats))
    for op in PER_RANK_OPS:
        check(final["operations"][op] == last["operations"][op],
              f"--stats file says {op} {final['operations'][op]}, the mount said {last['operations'][op]}")
    check(final["settings"]["mds_latency_us"] == 200, "--stats file: settings.mds_latency_us")


def import_run(args, mount, name):
    mount.reset()
    report = run_mode(args, name, args.dlopen, mount.dir, args.ranks)
    return report["spans"]["import_s"], mount.stats()


def scenario_latency(args):
    latency_us = args.latency_us
    with Mount(args, args.lib_dir, ["--mds-latency-us", "0"]) as m:
        statics = static_summary_cost(args, m)
        span0, _ = import_run(args, m, "latency-0")
    with Mount(args, args.lib_dir, ["--mds-latency-us", str(latency_us)]) as m:
        spanl, stats = import_run(args, m, f"latency-{latency_us}")
    # Everything but the static summary after the run was served in the import phase.
    import_ops = stats["metadata_ops"] - sum(statics.values())
    serial_s = import_ops * latency_us / 1e6
    log(f"{args.ranks} ranks: import {span0:.4f} s at latency 0, {spanl:.4f} s at {latency_us} us; "
        f"{import_ops} operations served in the import, {serial_s:.4f} s of service one at a time; "
        f"busy {stats['queue']['busy_s']:.4f} s, waited {stats['queue']['wait_s']:.4f} s")
    check(import_ops > 0, "no metadata operation in the import")
    # One server: the operations cannot overlap, so the import lasts at least their sum
    # (10% slack for the clocks; a parallel server would take about 1/ranks of it).
    check(spanl >= 0.9 * serial_s,
          f"import took {spanl:.4f} s but {import_ops} operations at {latency_us} us need {serial_s:.4f} s one "
          f"at a time: the queue is not serial")
    check(stats["queue"]["busy_s"] >= 0.99 * (stats["metadata_ops"] * latency_us / 1e6),
          "the server was busy for less than its operations' service times")
    check(spanl > span0, f"import at {latency_us} us ({spanl:.4f} s) is not longer than at 0 ({span0:.4f} s)")


def scenario_direct(args):
    read_us, mbps = 300, 100
    with Mount(args, args.lib_dir, ["--data-cache", "direct", "--mds-latency-us", "0", "--read-latency-us",
                                    str(read_us), "--read-mbps", str(mbps)]) as m:
        m.reset()
        run_mode(args, "direct-io", args.dlopen, m.dir, 1)
        s = m.stats()
        check(s["settings"]["data_cache"] == "direct", "settings.data_cache is not direct")
        d = s["data"]
        check(d["read_calls"] > 0 and d["bytes_read"] > 0, "no data read through the mount")
        # Each read is delayed by the latency plus its size at the bandwidth, exactly as configured.
        want = d["read_calls"] * read_us / 1e6 + d["bytes_read"] / (mbps * 1e6)
        check(abs(d["read_delay_s"] - want) <= 1e-6 * d["read_calls"] + 1e-9,
              f"reads were delayed {d['read_delay_s']:.6f} s in all, the knobs say {want:.6f} s")
        check(s["metadata_ops"] > 0 and s["queue"]["busy_s"] < d["read_delay_s"],
              "data-read delays were counted as metadata service")
        log(f"direct_io: {s['data']['read_calls']} reads, {s['data']['bytes_read']} bytes, {s['operations']}")


def scenario_linked(args):
    """The linked executable finds its libraries through RUNPATH $ORIGIN/lib:
    mount the whole build tree and run the executable from the mount."""
    exe = os.path.join(args.build_dir, os.path.basename(args.linked))
    with Mount(args, args.build_dir, ["--mds-latency-us", "0"]) as m:
        m.reset()
        mounted_exe = os.path.join(m.dir, os.path.relpath(exe, args.build_dir))
        mounted_manifest = os.path.join(m.dir, os.path.relpath(args.manifest, args.build_dir))
        report = run_mode(args, "linked", mounted_exe, None, 1, manifest=mounted_manifest)
        check(report["generated"]["library_dir"].startswith(m.dir + "/"),
              f"the linked run used {report['generated']['library_dir']}, not the mount")
        s = m.stats()
        nlibs = json.load(open(args.manifest))["totals"]["libraries"]
        check(s["operations"]["open"] >= nlibs + 1, f"only {s['operations']['open']} opens for the executable and "
                                                    f"{nlibs} libraries")
        log(f"linked from the mount: {s['operations']}")


# Served operations of a staged run may exceed one rank's by this factor at 4 ranks (the acceptance bound).
STAGE_FLAT_FACTOR = 1.1
# The baseline at 4 ranks must serve at least this many times one rank's operations.
BASELINE_GROWTH = 3.0


def scenario_stage(args):
    """The shared file system's view of staging: with bcast rank 0 alone reads
    the tree, so what the server serves does not grow with the ranks; without
    staging every rank walks the tree itself. Both are compared whole and net
    of rank 0's static-size summary after the run (pynamic-sizes' reads of the
    14 files' section headers, measured alone first): that summary is served
    once whatever the rank count, and on the ci tree it costs more than one
    rank's import, so the whole baseline grows less than N-fold."""
    n = args.ranks
    served = {}
    with Mount(args, args.lib_dir, ["--mds-latency-us", "0"]) as m:
        statics = sum(static_summary_cost(args, m).values())
        for strategy in ("none", "bcast"):
            for ranks in (1, n):
                m.reset()
                name = f"stage-{strategy}-{ranks}"
                stage_dir = os.path.join(args.workdir, name, "stage-dir")
                report = run_mode(args, name, args.dlopen, m.dir, ranks, extra=["--stage", strategy],
                                  checks=["--stage-dir", stage_dir])
                check(report["stage"]["strategy"] == strategy, f"{name}: stage.strategy {report['stage']['strategy']}")
                s = m.stats()
                served[strategy, ranks] = s
                log(f"--stage {strategy} at {ranks} rank(s): served {s['metadata_ops']} metadata operations "
                    f"({s['metadata_ops'] - statics} net of the static summary's {statics}) {s['operations']}, "
                    f"{s['clients']['count']} client(s)")
    whole = {k: v["metadata_ops"] for k, v in served.items()}
    net = {k: v - statics for k, v in whole.items()}
    for what, ops in (("whole", whole), ("net", net)):
        b1, bn = ops["bcast", 1], ops["bcast", n]
        check(b1 > 0, f"--stage bcast at 1 rank ({what}): the server served nothing: rank 0 did not read the mount")
        check(bn <= STAGE_FLAT_FACTOR * b1,
              f"--stage bcast ({what}): {bn} operations served at {n} ranks, {b1} at 1: more than "
              f"{STAGE_FLAT_FACTOR}x")
    z1, zn = net["none", 1], net["none", n]
    check(z1 > 0 and zn >= BASELINE_GROWTH * z1,
          f"--stage none (net of the static summary): {zn} operations served at {n} ranks, {z1} at 1: less than "
          f"{BASELINE_GROWTH}x")
    check(whole["none", n] > whole["none", 1] and whole["bcast", n] < whole["none", n],
          f"whole counts: none {whole['none', 1]} -> {whole['none', n]}, bcast {whole['bcast', 1]} -> "
          f"{whole['bcast', n]}")
    # Under bcast only rank 0 asked the server anything (its staging reads and its static summary).
    for ranks in (1, n):
        c = served["bcast", ranks]["clients"]["count"]
        check(c == 1, f"--stage bcast at {ranks} rank(s): {c} processes asked the server, expected rank 0 only")
    check(served["none", n]["clients"]["count"] == n,
          f"--stage none at {n} ranks: {served['none', n]['clients']['count']} processes asked the server")
    log(f"served operations net of the static summary: none {z1} -> {zn} ({zn / z1:.2f}x), bcast "
        f"{net['bcast', 1]} -> {net['bcast', n]}; whole: none {whole['none', 1]} -> {whole['none', n]}, bcast "
        f"{whole['bcast', 1]} -> {whole['bcast', n]}")


def expect_fail(cmd, status, pattern, what, env=None, timeout=60):
    proc = run(cmd, env=env, echo=True, timeout=timeout)
    lines = proc.stderr.strip().splitlines()
    check(proc.returncode == status, f"{what}: exit status {proc.returncode}, expected {status} ({proc.stderr!r})")
    check(len(lines) == 1, f"{what}: stderr has {len(lines)} lines, expected one: {proc.stderr!r}")
    check(pattern in lines[0], f"{what}: {lines[0]!r} does not say {pattern!r}")
    log(f"{what}: {lines[0]}")


def wait_gone(pid_or_proc, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pid_or_proc.poll() is not None:
            return True
        time.sleep(0.05)
    return False


def wait_mounted(path, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if mount_type(path) == "fuse.pynamic-mdsfs" and os.path.exists(os.path.join(path, STATS_NAME)):
            return True
        time.sleep(0.05)
    return False


def scenario_errors(args):
    d, src = args.mdsfs, args.lib_dir
    tmp = tempfile.mkdtemp(prefix="pyn-mdsfs-err.")
    try:
        mnt = os.path.join(tmp, "mnt")
        os.mkdir(mnt)
        expect_fail([d, "/nonexistent/tree", mnt], 1, "source /nonexistent/tree: No such file or directory",
                    "missing source")
        # A source 492 bytes deep: the line is written whole (not into a fixed buffer), the cause at its end.
        deep = os.path.join(long_dir(tmp), "absent")
        expect_fail([d, deep, mnt], 1, f"source {deep}: No such file or directory", "missing deep source")
        expect_fail([d, src, os.path.join(tmp, "absent")], 1, "No such file or directory", "missing mount point")
        expect_fail([d, "--mds-latency-us", "abc", src, mnt], 2,
                    "--mds-latency-us: 'abc' is not a whole number of microseconds in 0..10000000", "latency not a number")
        expect_fail([d, "--mds-latency-us", "-5", src, mnt], 2, "--mds-latency-us: '-5' is not a whole number",
                    "negative latency")
        expect_fail([d, "--mds-latency-us=99999999999", src, mnt], 2,
                    "is not a whole number of microseconds in 0..10000000",
                    "latency too large")
        expect_fail([d, "--entry-timeout", "soon", src, mnt], 2, "--entry-timeout: 'soon' is not a number of seconds",
                    "bad timeout")
        expect_fail([d, "--data-cache", "maybe", src, mnt], 2, "--data-cache: 'maybe' is not one of drop, keep, direct",
                    "bad data cache")
        expect_fail([d, "--bogus", src, mnt], 2, "unknown option '--bogus'", "unknown option")
        expect_fail([d, src], 2, "expected SOURCE and MOUNTPOINT, got 1 argument", "one positional")
        expect_fail([d, src, src], 1, "is inside the source", "mount point is the source")
        expect_fail([d, "--stats", "/nonexistent/dir/s.json", src, mnt], 1, "--stats /nonexistent/dir/s.json",
                    "unwritable --stats")
        proc = run([d, "--help"], echo=True)
        check(proc.returncode == 0 and proc.stdout.startswith("usage: pynamic-mdsfs"), "--help")

        # A mount point that is already a mount point, and a mount that is not ours.
        busy = os.path.join(tmp, "busy")
        os.mkdir(busy)
        proc = run(["mount", "-t", "tmpfs", "-o", "size=64k", "pyn-mdsfs-test", busy], echo=True)
        check(proc.returncode == 0, f"cannot mount a tmpfs for the test: {proc.stderr.strip()}")
        try:
            expect_fail([d, src, busy], 1, f"mount point {busy}: busy: a tmpfs file system is already mounted there",
                        "busy mount point")
            expect_fail([args.script, "stop", busy], 1, "is a tmpfs mount, not a pynamic-mdsfs one: leaving it alone",
                        "stop a tmpfs", env=args.env)
            expect_fail([args.script, "start", src, busy], 1, "busy: a tmpfs file system is already mounted there",
                        "start on a busy mount point", env=args.env)
            check(mount_type(busy) == "tmpfs", "the tmpfs is no longer mounted after the refused stop")
        finally:
            subprocess.run(["umount", busy], capture_output=True)
        expect_fail([args.script, "stop", mnt], 1, "is not a mount point", "stop a plain directory", env=args.env)
        expect_fail([args.script, "start", src, mnt, "--mds-latency-us", "x"], 1,
                    "pynamic-mdsfs exited with status 2 without mounting: pynamic-mdsfs: --mds-latency-us: 'x'",
                    "start with a bad option", env=args.env)
        check(mount_type(mnt) is None, "something is mounted after a failed start")

        # stop while a process still uses the mount: refused, still mounted; then stopped.
        with Mount(args, src) as m:
            holder = subprocess.Popen(["sleep", "60"], cwd=m.dir)
            try:
                expect_fail([args.script, "stop", m.dir], 1, "Device or resource busy", "stop a mount in use",
                            env=args.env)
                check(mount_type(m.dir) == "fuse.pynamic-mdsfs" and pid_alive(m.pid),
                      "the refused stop left no mount or no daemon")
            finally:
                holder.kill()
                holder.wait()
        # A daemon killed outright leaves a stale mount: stop detaches it and says so.
        with Mount(args, src) as m:
            os.kill(m.pid, signal.SIGKILL)
            end = time.monotonic() + 10
            while pid_alive(m.pid) and time.monotonic() < end:
                time.sleep(0.05)
            expect_fail([args.script, "stop", m.dir], 1, "the daemon was gone", "stop a stale mount", env=args.env)
            check(mount_type(m.dir) is None, "the stale mount is still there after stop")

        # SIGTERM: a clean unmount, exit 0, the --stats file written.
        stats = os.path.join(tmp, "sigterm-stats.json")
        daemon = subprocess.Popen([d, "--stats", stats, "--lifetime", str(LIFETIME_S), src, mnt],
                                  stderr=subprocess.PIPE, text=True)
        try:
            check(wait_mounted(mnt, 20), "the daemon did not mount within 20 s")
            os.listdir(mnt)
            daemon.send_signal(signal.SIGTERM)
            check(wait_gone(daemon, 20), "the daemon did not exit within 20 s of SIGTERM")
            err = daemon.stderr.read()
            check(daemon.returncode == 0, f"SIGTERM: exit status {daemon.returncode}, expected 0: {err!r}")
            check(mount_type(mnt) is None, "SIGTERM: still mounted after the daemon exited")
            s = json.load(open(stats))
            check(s["operations"]["readdir"] >= 1, "SIGTERM: the --stats file does not count the readdir")
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
            subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)

        # --lifetime: unmounts by itself.
        daemon = subprocess.Popen([d, "--lifetime", "1", src, mnt], stderr=subprocess.PIPE, text=True)
        try:
            check(wait_mounted(mnt, 20), "the daemon did not mount within 20 s")
            check(wait_gone(daemon, 20), "--lifetime 1: the daemon still runs after 20 s")
            err = daemon.stderr.read()
            check(daemon.returncode == 0 and "lifetime of 1 s reached" in err,
                  f"--lifetime: exit status {daemon.returncode}, stderr {err!r}")
            check(mount_type(mnt) is None, "--lifetime: still mounted")
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
            subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def script_start(args, src, mnt, env=None):
    """mdsfs.sh start; the daemon's pid from its line."""
    proc = run([args.script, "start", src, mnt, "--wait", "20", "--log", os.path.join(args.workdir, "script.log"),
                "--lifetime", str(LIFETIME_S)], env=env or args.env, echo=True)
    check(proc.returncode == 0, f"mdsfs.sh start {mnt!r}: exit status {proc.returncode}: {proc.stderr.strip()}")
    m = re.search(r"\(pid (\d+), log ", proc.stdout)
    check(m, f"mdsfs.sh start: no pid in its line {proc.stdout!r}")
    return int(m.group(1))


def force_down(pid, mnt):
    """Never leave a daemon or a mount behind, whatever state they are in."""
    if pid and pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)


def scenario_script(args):
    src = args.lib_dir
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="pyn-mdsfs-script."))
    pid = None
    try:
        # A mount point with a space in its path: mountinfo writes it as \040.
        spaced = os.path.join(tmp, "with space", "mnt")
        pid = script_start(args, src, spaced)
        check(mount_type(spaced) == "fuse.pynamic-mdsfs", f"{spaced!r} is not mounted after start")
        proc = run([args.script, "stats", spaced], env=args.env, echo=True)
        check(proc.returncode == 0 and json.loads(proc.stdout)["pid"] == pid,
              f"mdsfs.sh stats {spaced!r}: exit status {proc.returncode}: {proc.stderr.strip()}")
        proc = run([args.script, "reset", spaced], env=args.env, echo=True)
        check(proc.returncode == 0, f"mdsfs.sh reset {spaced!r}: exit status {proc.returncode}: {proc.stderr.strip()}")
        proc = run([args.script, "stop", spaced, "--wait", "20"], env=args.env, echo=True)
        check(proc.returncode == 0, f"mdsfs.sh stop {spaced!r}: exit status {proc.returncode}: {proc.stderr.strip()}")
        check(mount_type(spaced) is None and not pid_alive(pid), f"{spaced!r}: still mounted or served after stop")
        log("mount point with a space: start, stats, reset and stop passed")

        # TMPDIR names a missing directory: one line, and no mount point left behind.
        missing = os.path.join(tmp, "no-such-tmpdir")
        fresh = os.path.join(tmp, "fresh", "mnt")
        expect_fail([args.script, "start", src, fresh], 1, f"TMPDIR={missing} is not a directory", "missing TMPDIR",
                    env=dict(args.env, TMPDIR=missing))
        check(not os.path.exists(fresh), f"a failed start left the mount point {fresh} it made")

        # A hung daemon: stop --wait 5 gives up within the wait and says how to force it.
        hung = os.path.join(tmp, "hung")
        pid = script_start(args, src, hung)
        os.kill(pid, signal.SIGSTOP)
        t0 = time.monotonic()
        expect_fail([args.script, "stop", hung, "--wait", "5"], 1, "the daemon did not answer within 5 s", "hung daemon",
                    timeout=30)
        took = time.monotonic() - t0
        check(took < 5 + 5, f"stop --wait 5 on a hung daemon took {took:.1f} s")
        proc = run([args.script, "stop", hung, "--wait", "5"], env=args.env, timeout=30)
        check(f"fusermount3 -u -z '{hung}' && kill -KILL {pid}" in proc.stderr,
              f"the line does not say how to force it: {proc.stderr.strip()!r}")
        check(mount_type(hung, resolve=False) == "fuse.pynamic-mdsfs", "the hung daemon's mount was unmounted")
        log(f"hung daemon: stop gave up after {took:.1f} s")
    except subprocess.TimeoutExpired as e:
        raise CheckFailed(f"mdsfs.sh did not end: {shlex.join(e.cmd)} still ran after {e.timeout} s")
    finally:
        force_down(pid, os.path.join(tmp, "hung"))
        force_down(None, os.path.join(tmp, "with space", "mnt"))
        shutil.rmtree(tmp, ignore_errors=True)


SCENARIOS = {"script": scenario_script, "counts": scenario_counts, "latency": scenario_latency, "direct": scenario_direct,
             "linked": scenario_linked, "errors": scenario_errors, "stage": scenario_stage}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--mdsfs", required=True, help="the pynamic-mdsfs executable")
    p.add_argument("--script", required=True, help="bench/mdsfs.sh")
    p.add_argument("--run-mode", required=True, help="ctest/run_mode.py")
    p.add_argument("--manifest", required=True)
    p.add_argument("--lib-dir", required=True, help="the generated libraries (the mount's source)")
    p.add_argument("--build-dir", required=True, help="the build tree (the linked scenario mounts it)")
    p.add_argument("--dlopen", required=True, help="pynamic-mode-dlopen")
    p.add_argument("--linked", required=True, help="pynamic-mode-linked")
    p.add_argument("--sizes", required=True, help="pynamic-sizes")
    p.add_argument("--workdir", required=True)
    p.add_argument("--launcher", required=True)
    p.add_argument("--numproc-flag", default="-n")
    p.add_argument("--preflags", default="")
    p.add_argument("--ranks", type=int, default=4)
    p.add_argument("--latency-us", type=int, default=1000, help="the latency scenario's service time")
    p.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.mode_name = "dlopen"
    args.env = dict(os.environ, PYNAMIC_MDSFS=os.path.abspath(args.mdsfs))
    return args


def main():
    argv = sys.argv[1:]
    args = parse_args(argv)
    if not args.in_namespace:
        reenter_in_mount_namespace(__file__, argv)
    if os.geteuid() != 0:
        print("mdsfs_test: needs root (mount namespace, tmpfs, FUSE mounts)", file=sys.stderr)
        return 1
    if not os.path.exists("/dev/fuse"):
        print("mdsfs_test: /dev/fuse is missing: no FUSE in this kernel or container", file=sys.stderr)
        return 1
    os.makedirs(args.workdir, exist_ok=True)
    try:
        SCENARIOS[args.scenario](args)
    except CheckFailed as e:
        print(f"mdsfs_test: {args.scenario}: FAILED: {e}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as e:
        print(f"mdsfs_test: {args.scenario}: FAILED: timed out: {e}", file=sys.stderr)
        return 1
    log(f"{args.scenario}: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
