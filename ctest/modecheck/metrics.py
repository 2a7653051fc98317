# SPDX-License-Identifier: BSD-3-Clause
"""Page faults, page cache and placement (docs/metrics.md): checked on every passing report; --expect-cache
and --expect-bound tighten it."""
import re

from pynamictest import check, close, dig, summarised


# The rusage fields, as the schema lists them: ("import", "minflt"), ..., ("maxrss_kib",).
RUSAGE_PATHS = [path[1:] for path in summarised("spread_measured") if path[0] == "rusage"]


def count(x, what):
    check(isinstance(x, int) and not isinstance(x, bool) and x >= 0, f"{what} = {x!r}, expected a count >= 0")
    return x


def check_metrics(report, args):
    topo = {t["host"]: t for t in report["topology"]}
    check(set(topo) == {r["host"] for r in report["ranks"]}, f"topology hosts {sorted(topo)} vs the ranks' hosts")
    for t in report["topology"]:
        for key in ("packages", "numa_nodes", "cores", "pus"):
            check(isinstance(t[key], int) and t[key] >= 1, f"topology of {t['host']}: {key} = {t[key]!r}")
        check(t["packages"] <= t["cores"] <= t["pus"] and t["numa_nodes"] <= t["pus"], f"topology counts {t}")
    modes = set()
    for i, r in enumerate(report["ranks"]):
        where = f"ranks[{i}]"
        for path in RUSAGE_PATHS:
            count(dig(r["rusage"], path), f"{where}.rusage.{'.'.join(path)}")
        check(r["rusage"]["maxrss_kib"] > 0, f"{where}.rusage.maxrss_kib = 0")
        c = r["cache"]
        check(c["mode"] in ("cold", "warm"), f"{where}.cache.mode = {c['mode']!r}")
        modes.add(c["mode"])
        # Only a host's first rank counts the page cache, and only with --cold or --cache-count.
        counting = report["options"]["cold"] or report["options"]["cache_count"]
        first_on_host = r["host"] not in [q["host"] for q in report["ranks"][:i]]
        check(c["counted"] == (counting and first_on_host),
              f"{where}.cache.counted = {c['counted']}, expected {counting and first_on_host}")
        if c["counted"]:
            count(c["resident_pages"], f"{where}.cache.resident_pages")
            check(c["total_pages"] > 0 and c["resident_pages"] <= c["total_pages"] - c["unverified_pages"],
                  f"{where}.cache: {c['resident_pages']} resident of {c['total_pages']} ({c['unverified_pages']} "
                  f"unverified)")
        else:
            check(c["resident_pages"] is None, f"{where}.cache: pages given though not counted")
        p, t = r["placement"], topo[r["host"]]
        check(isinstance(p["core"], int) and 0 <= p["core"] < t["cores"], f"{where}.placement.core = {p['core']!r}, "
              f"{t['cores']} cores on {r['host']}")
        check(isinstance(p["numa"], int) and 0 <= p["numa"] < t["numa_nodes"],
              f"{where}.placement.numa = {p['numa']!r}, {t['numa_nodes']} NUMA nodes on {r['host']}")
        check(isinstance(p["pu"], int) and p["pu"] >= 0 and isinstance(p["pu_end"], int), f"{where}.placement.pu")
        check(re.fullmatch(r"0x[0-9a-f]+(,0x[0-9a-f]+)*", p["cpuset"]), f"{where}.placement.cpuset = {p['cpuset']!r}")
        check(isinstance(p["bound"], bool), f"{where}.placement.bound")
        if args.expect_bound:
            check(p["bound"] and p["bound_by_pynamic"], f"{where}: not bound by --bind core: {p}")
    check(len(modes) == 1 and report["cache"] == modes.pop(), f"cache {report['cache']!r} vs the ranks' cache.mode")
    check(report["options"]["cold"] == (report["cache"] == "cold"), "options.cold vs cache")
    if args.expect_cache:
        check(report["cache"] == args.expect_cache.split("-")[0], f"cache = {report['cache']!r}, expected {args.expect_cache}")
        check(any(r["cache"]["counted"] for r in report["ranks"]), "cache: no rank counted the page cache")
        for i, r in enumerate(report["ranks"]):
            c = r["cache"]
            if not c["counted"]:
                continue
            if args.expect_cache == "cold":
                check(c["resident_pages"] == 0, f"ranks[{i}]: cold, yet {c['resident_pages']} pages resident at import start")
            if args.expect_cache == "warm-full":
                check(c["resident_pages"] == c["total_pages"],
                      f"ranks[{i}]: warm, yet {c['resident_pages']} of {c['total_pages']} pages resident at import start")
    if args.expect_bound:
        check(report["options"]["bind"] == "core", "options.bind")
        by_host = {}
        for r in report["ranks"]:
            by_host.setdefault(r["host"], []).append(r)
        for host, rows in by_host.items():
            cores = topo[host]["cores"]
            # MPI_COMM_TYPE_SHARED orders a host's ranks by world rank: local rank k gets core k mod cores.
            for k, r in enumerate(rows):
                check(r["placement"]["core"] == k % cores,
                      f"rank {r['rank']} (local {k} on {host}) on core {r['placement']['core']}, expected {k % cores}")
            if len(rows) >= 2 and cores >= 2:
                check(rows[0]["placement"]["core"] != rows[1]["placement"]["core"],
                      f"ranks {rows[0]['rank']} and {rows[1]['rank']} share a core on {host}")
    for path in RUSAGE_PATHS:
        key = ".".join(path)
        values = [dig(r["rusage"], path) for r in report["ranks"]]
        s = dig(report["summary"]["rusage"], path)
        check(s["ranks"] == len(values), f"summary.rusage.{key}.ranks")
        check(s["min"] == min(values) and s["max"] == max(values), f"summary.rusage.{key} min/max disagree with the ranks")
        check(s["min"] <= s["median"] <= s["max"], f"summary.rusage.{key} order")
        close(s["mean"], sum(values) / len(values), 1e-6, f"summary.rusage.{key}.mean")
        check(dig(report["ranks"][s["max_rank"]]["rusage"], path) == s["max"], f"summary.rusage.{key}.max_rank")
