# SPDX-License-Identifier: BSD-3-Clause
"""Staging (docs/staging.md): the stage objects against the strategy the command asked for, the pilot map a
cache run wrote, and the test's own staging directory, prepared before the run and checked after it."""
import math
import os
import re
import shutil

from pynamictest import check, close

from .options import parse_size, program_option


def generated_files(manifest):
    return [l["file"] for l in manifest["libraries"]]  # libraries, then the markers


def generated_bytes(report, lib_dir, files):
    """The generated files' total size: from the report's static sizes (rank 0 read them after the run), so that
    checking a run on an emulated shared file system adds no operation of its own to the served counts."""
    st = report.get("static") or {}
    if st.get("ok"):
        return sum(st["libraries"][k]["file_bytes"] for k in ("utilities", "modules", "markers"))
    return sum(os.path.getsize(os.path.join(lib_dir, f)) for f in files)


def check_pilot_map(path, manifest):
    """A map a cache run wrote: header, the manifest's seed and file count, every file once by absolute path."""
    with open(path) as f:
        lines = f.read().split("\n")
    check(lines[-1] == "", f"pilot map {path} does not end with a newline")
    files = generated_files(manifest)
    check(lines[0] == "pynamic-path-cache 1", f"pilot map {path}: header {lines[0]!r}")
    check(lines[1] == f"seed {manifest['config']['seed']} files {len(files)}",
          f"pilot map {path}: line 2 {lines[1]!r}, expected seed {manifest['config']['seed']} files {len(files)}")
    entries = dict(l.split("\t") for l in lines[2:-1])
    check(len(entries) == len(lines) - 3 and sorted(entries) == sorted(files),
          f"pilot map {path} lists {sorted(entries)}, expected each of {sorted(files)} once")
    for name, where in entries.items():
        check(os.path.isabs(where) and os.path.basename(where) == name and os.path.isfile(where),
              f"pilot map {path}: {name} at {where!r}, not an absolute path to an existing {name}")


def check_stage(report, manifest, args):
    """The stage objects agree with the strategy asked for on the command line, with each other and with the
    tree on disk (docs/staging.md#what-the-report-shows)."""
    want = program_option(args.command, "--stage", "none")
    st = report["stage"]
    ranks = report["ranks"]
    files = generated_files(manifest)
    totals = manifest["totals"]
    check(len(files) == totals["libraries"] + totals.get("markers", 0), "manifest file list vs totals")
    check(st["strategy"] == want and report["options"]["stage"] == want,
          f"stage.strategy = {st['strategy']!r} (options.stage {report['options']['stage']!r}), the command asked for "
          f"{want!r}")
    chunk = parse_size(program_option(args.command, "--stage-chunk", "64M"))
    check(st["chunk_bytes"] == chunk, f"stage.chunk_bytes = {st['chunk_bytes']}, the command asked for {chunk}")
    pilot_map = program_option(args.command, "--pilot-map")
    check(st["pilot_map"] == pilot_map, f"stage.pilot_map = {st['pilot_map']!r}, the command gave {pilot_map!r}")
    check(st["shared_opens"] == sum(r["stage"]["shared_opens"] for r in ranks)
          and st["shared_enoent"] == sum(r["stage"]["shared_enoent"] for r in ranks),
          f"stage.shared_opens/shared_enoent {st['shared_opens']}/{st['shared_enoent']} are not the ranks' sums")
    check(st["leaders"] == sum(1 for r in ranks if r["stage"]["leader"]), "stage.leaders is not the ranks' count")
    first_on_host = {}
    for r in ranks:
        first_on_host.setdefault(r["host"], r["rank"])
    lib_dir = report["generated"]["library_dir"]
    sizes = generated_bytes(report, lib_dir, files)
    for i, r in enumerate(ranks):
        where, rs = f"ranks[{i}].stage", r["stage"]
        for key in ("read_s", "bcast_s", "write_s", "total_s"):
            x = rs[key]
            check(isinstance(x, (int, float)) and math.isfinite(x) and x >= 0, f"{where}.{key} = {x!r}")
        check(rs["read_s"] + rs["bcast_s"] + rs["write_s"] <= rs["total_s"] + 1e-6,
              f"{where}: read+bcast+write {rs['read_s'] + rs['bcast_s'] + rs['write_s']} exceed total_s {rs['total_s']}")
        check(r["stage_s"] == rs["total_s"], f"ranks[{i}].stage_s {r['stage_s']} != stage.total_s {rs['total_s']}")
        if r["total_s"] is None:  # no startup (clock skew): no total either
            check(r["total_with_stage_s"] is None, f"ranks[{i}].total_with_stage_s without a total_s")
        else:
            close(r["total_with_stage_s"], r["total_s"] + r["stage_s"], 1e-8, f"ranks[{i}].total_with_stage_s")
        leader = want == "bcast" and first_on_host[r["host"]] == r["rank"]
        check(rs["leader"] is leader, f"{where}.leader = {rs['leader']}, expected {leader}")
        if want == "none":
            check(rs == {"leader": False, "read_s": 0, "bcast_s": 0, "write_s": 0, "total_s": 0, "files": 0,
                         "bytes": 0, "shared_opens": 0, "shared_enoent": 0}, f"{where} = {rs} without --stage")
            continue
        check(rs["total_s"] > 0, f"{where}.total_s = 0: staging took no time")
        check(rs["files"] == len(files), f"{where}.files = {rs['files']}, the manifest has {len(files)} files")
        # Only rank 0 touches the shared tree while staging.
        if want == "bcast":
            shared = (len(files), 0) if i == 0 else (0, 0)
        elif want == "cache":
            # The first K-1 RUNPATH directories are empty (docs/generator.md, --search-dirs): one miss each.
            misses = (manifest["config"].get("search_dirs", 1) - 1) * len(files)
            shared = (len(files), misses) if i == 0 else (0, 0)
        else:
            shared = (1, 0) if i == 0 else (0, 0)  # the map file
        check((rs["shared_opens"], rs["shared_enoent"]) == shared,
              f"{where}: shared_opens/shared_enoent {rs['shared_opens']}/{rs['shared_enoent']}, expected "
              f"{shared[0]}/{shared[1]} with --stage {want}")
        byte_count = sizes if leader else 0
        check(rs["bytes"] == byte_count, f"{where}.bytes = {rs['bytes']}, expected {byte_count}"
              + (" (the generated files' sizes)" if leader else ""))
        if not leader:
            check(rs["write_s"] == 0, f"{where}.write_s = {rs['write_s']}: only a leader writes")
    if args.expect_min_chunks:
        check(want == "bcast", "--expect-min-chunks without --stage bcast")
        for f in files:
            size = os.path.getsize(os.path.join(lib_dir, f))
            check(-(-size // chunk) >= args.expect_min_chunks,
                  f"{f} ({size} bytes) takes {-(-size // chunk)} chunks of {chunk} bytes, fewer than "
                  f"{args.expect_min_chunks}: the test would not exercise chunking")
    if want == "bcast":
        check(st["leaders"] == report["nhosts"] == len(first_on_host),
              f"stage.leaders = {st['leaders']}, {report['nhosts']} hosts")
        base = os.path.abspath(args.stage_dir) if args.stage_dir else program_option(args.command, "--stage-dir",
                                                                                      "/dev/shm")
        # Rank 0's host and pid, then 16 hex digits: a pid reused after a SIGKILL cannot collide.
        expect = os.path.join(os.path.abspath(base), f"pynamic-stage.{ranks[0]['host']}.{ranks[0]['pid']}")
        name = os.path.normpath(st["dir"] or "")
        check(st["dir"] and os.path.isabs(st["dir"]) and name.startswith(os.path.normpath(expect) + ".")
              and re.fullmatch(r"[0-9a-f]{16}", name[len(os.path.normpath(expect)) + 1:]),
              f"stage.dir = {st['dir']!r}, expected {expect!r}.XXXXXXXXXXXXXXXX (16 hex digits)")
        check(not os.path.exists(st["dir"]), f"stage.dir {st['dir']} still exists after the run")
    else:
        check(st["leaders"] == 0 and st["dir"] is None, f"stage: leaders {st['leaders']}, dir {st['dir']!r} "
                                                        f"with --stage {want}")
    if want == "cache" and pilot_map:
        check_pilot_map(pilot_map, manifest)


def stage_leftovers(args):
    if not args.stage_dir or not os.path.isdir(args.stage_dir):
        return []
    return sorted(n for n in os.listdir(args.stage_dir) if n.startswith("pynamic-stage."))


def prepare_stage_dir(args):
    # A map a cache run is to record must be this run's, never one left by an earlier run.
    pilot_map = program_option(args.command, "--pilot-map")
    if program_option(args.command, "--stage") == "cache" and pilot_map and os.path.isfile(pilot_map):
        os.remove(pilot_map)
    if not args.stage_dir:
        return
    if args.stage_dir_missing:
        shutil.rmtree(args.stage_dir, ignore_errors=True)
        return
    os.makedirs(args.stage_dir, exist_ok=True)
    # Left by an earlier run killed from outside: not this run's to answer for.
    for name in stage_leftovers(args):
        shutil.rmtree(os.path.join(args.stage_dir, name), ignore_errors=True)


def check_stage_dir_after(args):
    if not args.stage_dir:
        return
    if args.stage_dir_missing:
        check(not os.path.exists(args.stage_dir), f"--stage-dir {args.stage_dir} did not exist, and now it does")
    left = stage_leftovers(args)
    check(not left, f"staging left {left} in {args.stage_dir}")
