# SPDX-License-Identifier: BSD-3-Clause
"""The loader's file-system counts per rank and phase (docs/metrics.md): where each mode's loader opens the
generated files, and what staging changes about it."""
from pynamictest import check, fs_slots_and_counters, report_schema


# Where each mode's loader maps the generated libraries (docs/metrics.md).
LOADS_BEFORE_MAIN = {"linked", "python-linked"}
LOADS_IN_IMPORT = {"dlopen", "python"}
# A rank's fs.<slot>.<counter>, and the summary's fs.phases.<slot>.<counter> (bindings too), from the schema.
FS_SLOTS, FS_COUNTERS = fs_slots_and_counters()
SUMMARY_COUNTERS = tuple(report_schema()["properties"]["fs"]["properties"]["phases"]["properties"][FS_SLOTS[0]]
                         ["properties"])
SHARED_COUNTERS = ("opens", "enoent", "stats", "bytes")  # the shared tree; `local` counts node-local copies


def files_loaded(totals, mode):
    """Generated files each rank's loader opens: the libraries and the two
    markers (libmodulebegin, which needs every module, is loaded first in
    every mode that loads shared objects)."""
    return totals["libraries"] + totals.get("markers", 0)


def unmeasured_reason(mode, audited):
    """The words a report gives for loader figures it could not have: without --audit the auditor turned itself
    off; with it, only a stock python3 (the driver) has none. None: they must have been measured."""
    if not audited:
        return "without --audit"
    return "auditor" if mode == "python-driver" else None


def check_fs(report, totals, mode, audited):
    """audited: the program ran with --audit."""
    fs = report["fs"]
    strategy = report["stage"]["strategy"]
    reason = unmeasured_reason(mode, audited)
    if reason:
        check(fs["ranks_counted"] == 0 and reason in (fs["error"] or ""),
              f"fs: {fs['ranks_counted']} ranks counted ({fs['error']!r}), expected none and why ({reason!r})")
        check(all(r["fs"] is None and r["bindings"] is None for r in report["ranks"]),
              "fs: rank rows have counts with no auditor on")
        return
    check(fs["ranks_counted"] == report["nranks"] and fs["error"] is None,
          f"fs: {fs['ranks_counted']} of {report['nranks']} ranks counted ({fs['error']})")
    slot = "startup" if mode in LOADS_BEFORE_MAIN else "import" if mode in LOADS_IN_IMPORT else None
    for i, r in enumerate(report["ranks"]):
        for k in FS_SLOTS:
            for c in FS_COUNTERS:
                check(r["fs"][k][c] >= 0, f"ranks[{i}].fs.{k}.{c} negative")
        if strategy != "bcast":
            for k in FS_SLOTS:
                check(r["fs"][k]["local"] == 0, f"ranks[{i}].fs.{k}.local = {r['fs'][k]['local']} with --stage "
                                                f"{strategy}: nothing was staged node-locally")
        if slot and strategy == "bcast":
            # Every generated file was loaded from the node-local copy: the
            # shared tree saw nothing from this rank after staging.
            for k in (slot, "visit"):
                got = r["fs"][k]
                check(all(got[c] == 0 for c in SHARED_COUNTERS),
                      f"ranks[{i}].fs.{k}: {got}: --stage bcast, yet the loader used the shared tree")
            got = r["fs"][slot]
            check(got["local"] >= totals["libraries"],
                  f"ranks[{i}].fs.{slot}.local = {got['local']}: fewer node-local opens than libraries "
                  f"({totals['libraries']})")
        elif slot:
            got = r["fs"][slot]
            check(got["opens"] >= totals["libraries"] and got["stats"] >= got["opens"] and got["bytes"] > 0,
                  f"ranks[{i}].fs.{slot}: {got}, expected at least one open, fstat and bytes per library "
                  f"({totals['libraries']})")
            if strategy in ("cache", "pilot"):
                # The map answers every search: one open per file, no failed probe.
                want = files_loaded(totals, mode)
                check(got["enoent"] == 0 and got["opens"] == want,
                      f"ranks[{i}].fs.{slot}: {got}: with --stage {strategy} expected enoent 0 and one open per "
                      f"file loaded ({want})")
    for k in FS_SLOTS:
        for c in SUMMARY_COUNTERS:
            values = [r["bindings"][k] if c == "bindings" else r["fs"][k][c] for r in report["ranks"]
                      if c != "bindings" or r["bindings"] is not None]
            st = fs["phases"][k][c]
            if not values:
                # Binding counts are opt-in (libpynamic-audit-bindings.so): none, so null.
                check(c == "bindings" and all(v is None for v in st.values()),
                      f"fs.phases.{k}.{c} {st} with no rank counting it")
                continue
            check(st["sum"] == sum(values) and st["min"] == min(values) and st["max"] == max(values),
                  f"fs.phases.{k}.{c} {st} disagrees with the ranks {values}")
