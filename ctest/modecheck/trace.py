# SPDX-License-Identifier: BSD-3-Clause
"""--trace FILE (docs/why.md): valid Chrome trace-event JSON with a track for each traced rank, every generated
library mapped on each, each slice inside its phase, and the slices' sums equal to the report's split."""
import json

from pynamictest import check

PARTS = ("search", "map", "relocate", "init")
LOADING_PHASES = ("startup", "import")


def traced_ranks(report):
    """The ranks --trace-ranks names, "slowest" as the report's slowest import."""
    ranks = set()
    for item in report["options"]["trace_ranks"].split(","):
        ranks.add(report["summary"]["import_s"]["max_rank"] if item == "slowest" else int(item))
    return ranks


def check_trace(path, report, manifest):
    with open(path) as f:
        trace = json.load(f)
    check(isinstance(trace.get("traceEvents"), list) and trace.get("displayTimeUnit") == "ms",
          f"{path}: not a trace-event object with traceEvents and displayTimeUnit")
    events = trace["traceEvents"]
    for e in events:
        check(e.get("ph") in ("X", "i", "M") and isinstance(e.get("pid"), int) and isinstance(e.get("name"), str),
              f"{path}: a malformed event {e}")
        if e["ph"] != "M":
            check(isinstance(e.get("ts"), (int, float)) and e["ts"] >= 0, f"{path}: an event without a time {e}")
        if e["ph"] == "X":
            check(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0, f"{path}: a slice without a duration {e}")
    want = traced_ranks(report)
    got = {e["pid"] for e in events}
    check(got == want, f"{path}: tracks for ranks {sorted(got)}, --trace-ranks {report['options']['trace_ranks']} "
                       f"names {sorted(want)}")
    files = {lib["file"] for lib in manifest["libraries"]}
    for rank in sorted(want & got):
        track = [e for e in events if e["pid"] == rank]
        row = report["ranks"][rank]
        phases = {e["name"]: e for e in track if e.get("cat") == "phase"}
        check(set(LOADING_PHASES) <= set(phases), f"{path}: rank {rank} has phases {sorted(phases)}")
        mapped = {e["args"]["library"] for e in track if e.get("cat") == "map" and "library" in e.get("args", {})}
        check(mapped == files, f"{path}: rank {rank} mapped {len(mapped)} generated libraries, the manifest has "
                               f"{len(files)}: missing {sorted(files - mapped)[:5]}")
        for e in track:
            if e.get("cat") in PARTS + ("load", "probe"):
                phase = phases.get(e["args"].get("phase"))
                end = e["ts"] + e.get("dur", 0)
                # 1 us of slack: the phases' edges are read by the runtime a few instructions apart from the marks.
                check(phase is not None and phase["ts"] - 1 <= e["ts"] and end <= phase["ts"] + phase["dur"] + 1,
                      f"{path}: rank {rank}: {e['name']} [{e['ts']:.3f}, {end:.3f}] us is not inside its phase "
                      f"{phase and (phase['name'], phase['ts'], phase['ts'] + phase['dur'])}")
        for slot in LOADING_PHASES:
            split = row["load"][slot]
            for part in PARTS:
                total = sum(e["dur"] for e in track if e.get("cat") == part and e["args"]["phase"] == slot) * 1e-6
                want_s = split[f"{part}_s"]
                if want_s is None:
                    check(total == 0 or (part == "init" and slot == "import"),
                          f"{path}: rank {rank}: {slot} {part} slices sum to {total} s, the report has none")
                    continue
                check(abs(total - want_s) <= 1e-9 * max(1, len(track)),
                      f"{path}: rank {rank}: {slot} {part} slices sum to {total:.9f} s, the report says {want_s:.9f}")
