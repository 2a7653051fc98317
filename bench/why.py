#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Where the loading time goes, in pictures: the experiments behind docs/why.md.

    bench/why.py --demo BUILD --large BUILD [--search-dirs-builds BUILD...] [--out docs/why] [--runs 5]
                 [--only EXPERIMENT[,EXPERIMENT...]]

Each BUILD is a configured and built tree (cmake --preset demo -B BUILD -DPYNAMIC_CONFIG="..."): --demo the
demo preset's ("100 500 -e -u 50 500 -n 50"), --large a larger tree of the same shape ("300 500 -e -u 150 500
-n 50"), --search-dirs-builds demo-shaped trees generated with --search-dirs N, N > 1 (the demo tree is N = 1).
Every run is one process without a launcher (one rank), started in a temporary directory. Where runs are
compared they alternate: each round runs every variant once, and each figure is the median over --runs rounds.

  timeline     pynamic-mode-dlopen --trace on the demo tree: the import's search, map and relocation slices of
               the run with the median import, on a timeline -> timeline.csv, timeline.png
  load-each    pynamic-mode-dlopen --load-each --trace on both trees: each library's own relocation, and its
               search + map, against its place in the load order
               -> load-each.csv, relocate-by-position.png, search-map-by-position.png
  split        dlopen, python, linked and python-linked on both trees: the import's loading split (search, map,
               relocate, interpreter, the rest) and the linked modes' start-up split, from the JSON reports
               -> split.csv, split.png
  search       pynamic-mode-dlopen on the demo and --search-dirs trees (ld.so's search_s, failed probes), and
               pynamic-mode-python --search-depth 0, 2, 8, 32 on the demo tree
               -> search-dirs.csv, search-dirs.png, search-depth.csv, search-depth.png
  relocations  pynamic-mode-linked under LD_DEBUG=statistics, with lazy binding and with LD_BIND_NOW=1, on both
               trees, against the counts predicted from the ELF files of every object ld.so loads before main
               and against the report's static sizes -> relocations.csv, relocations.png
  objects      bench/objects_before_import.py on the demo tree -> objects-before-import.csv, .png

--only runs some of them (comma-separated); the others' files are left as they are. Each experiment also
writes NAME.gp (its gnuplot script: `cd OUT && gnuplot NAME.gp` redraws it) and NAME.txt (the figures
docs/why.md quotes, with the date and the commit). Every file is written under a temporary name and renamed.
Needs gnuplot with the pngcairo terminal, and mpicc.mpich for `objects`. Exit status: 0 done, 1 a run or a plot
failed, 2 bad arguments or inputs.
"""
import argparse
import csv
import io
import json
import math
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENTS = ["timeline", "load-each", "split", "search", "relocations", "objects"]
MODES = ["dlopen", "python", "linked", "python-linked"]
SEARCH_DEPTHS = [0, 2, 8, 32]
KIND_PLURAL = {"utility": "utilities", "module": "modules"}
AUDIT_INTERFACE_LOOKUPS = 9  # glibc 2.36 rtld.c load_audit_module: la_version, then 8 la_* names


def fail(message, status=1):
    print(f"why: {message}", file=sys.stderr)
    sys.exit(status)


def on_sigterm(signum, frame):
    # SystemExit unwinds: subprocess.run kills its child, the temporary directories are removed.
    sys.exit(128 + signum)


# --- files ----------------------------------------------------------------------------------------------------

def write_atomic(path, text):
    try:
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    except OSError as e:
        remove_quietly(path + ".tmp")
        fail(f"write {path}: {e.strerror}")


def remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def write_csv(path, columns, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: fmt(row.get(k)) for k in columns})
    write_atomic(path, buf.getvalue())


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:.9g}" if isinstance(v, float) else v


def plot(out, name, script):
    """Writes OUT/NAME.gp and renders it to OUT/NAME.png (through a temporary name)."""
    gp = os.path.join(out, f"{name}.gp")
    head = (f"# bench/why.py: cd to this directory and run gnuplot {name}.gp\n"
            f'if (!exists("png")) png = "{name}.png"\n'
            "set terminal pngcairo noenhanced size 960,540 font \"DejaVu Sans,11\"\nset output png\n"
            'set datafile separator ","\nset datafile columnheaders\nset grid\n')
    write_atomic(gp, head + script)
    tmp = os.path.join(out, f"{name}.png.tmp")
    try:
        proc = subprocess.run(["gnuplot", "-e", f'png="{name}.png.tmp"', f"{name}.gp"], cwd=out,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            fail(f"gnuplot {gp}: exit status {proc.returncode}: {last_line(proc.stderr)}")
        os.replace(tmp, os.path.join(out, f"{name}.png"))
    finally:
        remove_quietly(tmp)


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else "(no message)"


def median(values):
    vals = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(vals) if vals else float("nan")


# --- running the modes ----------------------------------------------------------------------------------------

def run(cmd, what, cwd, env=None, timeout=1800):
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail(f"{what}: still running after {timeout} s: {' '.join(cmd)}")
    if proc.returncode != 0:
        fail(f"{what}: exit status {proc.returncode}: {last_line(proc.stderr or proc.stdout)}")
    return proc


def run_mode(build, mode, tmp, args=(), env=None):
    """One run of BUILD/pynamic-mode-MODE with --json: the report."""
    report = os.path.join(tmp, "report.json")
    if os.path.exists(report):
        os.remove(report)
    exe = os.path.join(build, f"pynamic-mode-{mode}")
    run([exe, "--audit", "--json", report, "--progress", "never", *args], f"{mode} on {build}", tmp, env)
    with open(report) as f:
        r = json.load(f)
    if not r["result"]["passed"]:
        fail(f"{mode} on {build}: the run did not verify its checksum ({report})")
    return r


def tree_label(report):
    g = report["generated"]
    return f'{g["libraries"]} libraries ({g["utilities"]} utilities, {g["modules"]} modules)'


# --- ELF relocation counts (glibc 2.36's rules) ---------------------------------------------------------------

R_X86_64_NONE, R_X86_64_COPY, R_X86_64_JUMP_SLOT, R_X86_64_RELATIVE = 0, 5, 7, 8
PLT_CLASS = {7, 16, 17, 18, 36}  # JUMP_SLOT, DTPMOD64, DTPOFF64, TPOFF64, TLSDESC: elf_machine_type_class
DT_JMPREL, DT_FLAGS, DT_BIND_NOW, DT_RELACOUNT, DT_FLAGS_1 = 23, 30, 24, 0x6FFFFFF9, 0x6FFFFFFB


def elf_sections(data, path):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, _ = struct.unpack_from("<HHH", data, 0x3A)
    return [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]


def elf_relocations(path):
    """One object's dynamic relocations and what ld.so does with them (glibc 2.36: elf/do-rel.h, resolve_map in
    elf/dl-reloc.c): 'dyn' and 'plt' entries, 'relative' (DT_RELACOUNT: applied with no symbol; DT_RELR ones are
    not counted by ld.so either), and, for lazy and for immediate binding, the symbol lookups ld.so makes
    ('lookups_lazy', 'lookups_now') and those its one-entry cache answers (the same symbol as the relocation
    before: 'cached_lazy', 'cached_now'). With an auditor loaded, ld.so resolves each JUMP_SLOT it relocates
    immediately a second time for la_symbind, from that cache: 'audit_cached_lazy', 'audit_cached_now'.
    'self_now': lookups of symbols the object defines itself. 'bind_now': the object asks for immediate
    binding (DF_BIND_NOW, DF_1_NOW, DT_BIND_NOW)."""
    with open(path, "rb") as f:
        data = f.read()
    sections = elf_sections(data, path)
    dyn = {}
    for _, stype, _, _, off, size, *_ in sections:
        if stype == 6:  # SHT_DYNAMIC
            for k in range(0, size, 16):
                tag, val = struct.unpack_from("<qQ", data, off + k)
                dyn.setdefault(tag, val)
    relas = sorted((s for s in sections if s[1] == 4 and s[2] & 2), key=lambda s: s[3])  # SHT_RELA, SHF_ALLOC
    entries = []  # (type, symbol index, is_plt), in the order ld.so walks them: DT_RELA, then DT_JMPREL
    symtab = None
    for _, _, _, addr, off, size, link, *_ in relas:
        is_plt = DT_JMPREL in dyn and addr == dyn[DT_JMPREL]
        symtab = sections[link]
        for k in range(0, size, 24):
            _, info, _ = struct.unpack_from("<QQq", data, off + k)
            entries.append((info & 0xFFFFFFFF, info >> 32, is_plt))
    syms = []
    if symtab:
        off, size = symtab[4], symtab[5]
        syms = [struct.unpack_from("<IBBHQQ", data, off + k) for k in range(0, size, 24)]
    counts = {"dyn": sum(not p for _, _, p in entries), "plt": sum(p for _, _, p in entries),
              "relative": dyn.get(DT_RELACOUNT, 0),
              "bind_now": bool(dyn.get(DT_FLAGS, 0) & 8 or dyn.get(DT_FLAGS_1, 0) & 1 or DT_BIND_NOW in dyn)}
    for tag, lazy in (("lazy", True), ("now", False)):
        lookups = cached = audit = own = 0
        cache = None
        for i, (rtype, sym, is_plt) in enumerate(entries):
            if (not is_plt and i < counts["relative"]) or (is_plt and lazy):
                continue  # applied without a symbol: the leading relative ones, the lazy PLT slots
            if rtype in (R_X86_64_NONE, R_X86_64_RELATIVE):
                continue
            _, st_info, st_other, shndx, _, _ = syms[sym]
            if st_info >> 4 == 0 or st_other & 3 in (1, 2):  # STB_LOCAL; STV_INTERNAL, STV_HIDDEN bind locally
                continue
            audit += rtype == R_X86_64_JUMP_SLOT
            key = (sym, 1 if rtype in PLT_CLASS else 2 if rtype == R_X86_64_COPY else 0)
            if key == cache:
                cached += 1
                continue
            cache = key
            lookups += 1
            own += shndx != 0
        counts[f"lookups_{tag}"], counts[f"cached_{tag}"], counts[f"audit_cached_{tag}"] = lookups, cached, audit
        if not lazy:
            counts["self_now"] = own
    return counts


# --- a. each library's own relocation (--load-each) -----------------------------------------------------------

def trace_libraries(trace):
    """The import's loads in order, from a --load-each trace: each load's library and its own intervals."""
    events = [e for e in trace["traceEvents"] if e.get("ph") == "X" and e.get("pid") == 0
              and e.get("args", {}).get("phase") == "import"]
    loads = sorted((e for e in events if e["cat"] == "load"), key=lambda e: e["ts"])
    probes = [e["ts"] for e in trace["traceEvents"] if e.get("cat") == "probe" and e.get("pid") == 0]
    rows = []
    for pos, ld in enumerate(loads):
        lib = ld["name"].removeprefix("dlopen ")
        t0, t1 = ld["ts"], ld["ts"] + ld["dur"]
        inside = [e for e in events if e is not ld and t0 <= e["ts"] <= t1]

        def own(cat):
            return sum(e["dur"] for e in inside if e["cat"] == cat and e["args"].get("library") == lib) * 1e-6

        reloc = [e for e in inside if e["cat"] == "relocate"]
        rows.append({"position": pos, "library": lib, "search_s": own("search"), "map_s": own("map"),
                     "relocate_s": own("relocate") if all(e["args"].get("library") == lib for e in reloc)
                     else float("nan"),
                     "deplists_s": sum(e["dur"] for e in inside if e["cat"] == "map" and "library" not in e["args"])
                     * 1e-6,
                     "dlopen_s": ld["dur"] * 1e-6, "failed_probes": sum(t0 <= t <= t1 for t in probes)})
    return rows


def library_kinds(build):
    with open(os.path.join(build, "generated", "manifest.json")) as f:
        m = json.load(f)
    kinds = {lib["file"]: lib["kind"] for lib in m["libraries"]}
    for marker in m.get("markers", []):
        kinds[marker["file"]] = "marker"
    return kinds


def exp_load_each(a, out, tmp):
    trees = [("demo", a.demo), ("large", a.large)]
    per = {name: {} for name, _ in trees}
    labels = {}
    for rnd in range(a.runs):
        for name, build in trees:
            trace = os.path.join(tmp, "trace.json")
            r = run_mode(build, "dlopen", tmp, ["--load-each", "--trace", trace])
            labels[name] = tree_label(r)
            with open(trace) as f:
                for row in trace_libraries(json.load(f)):
                    per[name].setdefault((row["position"], row["library"]), []).append(row)
        progress("load-each", rnd, a.runs)
    rows = []
    for name, build in trees:
        kinds = library_kinds(build)
        for (pos, lib), runs in sorted(per[name].items()):
            elf = elf_relocations(os.path.join(build, "lib", lib))
            row = {"tree": name, "position": pos, "library": lib, "kind": kinds.get(lib, "other"),
                   "lookups": elf["lookups_now"], "self_lookups": elf["self_now"]}
            for k in ("search_s", "map_s", "relocate_s", "deplists_s", "dlopen_s", "failed_probes"):
                row[k] = median([r[k] for r in runs])
            row["relocate_per_lookup_s"] = row["relocate_s"] / row["lookups"] if row["lookups"] else float("nan")
            rows.append(row)
    columns = ["tree", "position", "library", "kind", "search_s", "map_s", "relocate_s", "deplists_s", "dlopen_s",
               "failed_probes", "lookups", "self_lookups", "relocate_per_lookup_s"]
    write_csv(os.path.join(out, "load-each.csv"), columns, rows)
    fits = {}
    lines = []
    for name, _ in trees:
        lines += load_each_summary([r for r in rows if r["tree"] == name], name, fits)
    col = {k: columns.index(k) + 1 for k in columns}
    plot(out, "relocate-by-position", load_each_plot(
        rows, labels, fits,
        [(f"(${col['relocate_s']}*1e6)", "relocate", "relocation + init of the library alone (us)"),
         (f"(${col['relocate_per_lookup_s']}*1e9)", "per_lookup", "the same per symbol lookup (ns)")]))
    plot(out, "search-map-by-position", load_each_plot(
        rows, labels, None, [(f"((${col['search_s']}+${col['map_s']})*1e6)", None, "its own search + map (us)")]))
    return lines


def line_fit(pts):
    return statistics.linear_regression([p for p, _ in pts], [v for _, v in pts])


def load_each_summary(rows, name, fits):
    """The figures docs/why.md quotes for one tree, and the lines fitted to each kind (into fits)."""
    lines = []
    for kind in ("utility", "module"):
        mine = [r for r in rows if r["kind"] == kind]
        raw = line_fit([(r["position"], r["relocate_s"]) for r in mine])
        per = line_fit([(r["position"], r["relocate_per_lookup_s"]) for r in mine])
        fits[(name, kind, "relocate")], fits[(name, kind, "per_lookup")] = raw, per
        lookups = statistics.mean(r["lookups"] for r in mine)
        own = statistics.mean(r["self_lookups"] for r in mine)
        first, last = mine[0], mine[-1]
        lines.append(f"{name} {KIND_PLURAL[kind]} (positions {first['position']}-{last['position']}): relocation "
                     f"{first['relocate_s'] * 1e6:.0f} us first, {last['relocate_s'] * 1e6:.0f} us last, median "
                     f"{statistics.median(r['relocate_s'] for r in mine) * 1e6:.0f} us; line "
                     f"{raw.slope * 1e9:.0f} ns per position + {raw.intercept * 1e6:.0f} us")
        lines.append(f"{name} {KIND_PLURAL[kind]}: {lookups:.0f} symbol lookups per library ({own:.0f} of its own "
                     f"symbols); per "
                     f"lookup {per.intercept * 1e9 + per.slope * 1e9 * first['position']:.0f} ns at position "
                     f"{first['position']} to {per.intercept * 1e9 + per.slope * 1e9 * last['position']:.0f} ns at "
                     f"{last['position']} (line: {per.slope * 1e9:.2f} ns more per position)")
        sm = [r["search_s"] + r["map_s"] for r in mine]
        dl = [r["deplists_s"] for r in mine]
        lines.append(f"{name} {KIND_PLURAL[kind]}: own search+map median {statistics.median(sm) * 1e6:.0f} us "
                     f"(min {min(sm) * 1e6:.0f}, max {max(sm) * 1e6:.0f}); dependency lists median "
                     f"{statistics.median(dl) * 1e6:.0f} us, in all {sum(dl) * 1e3:.2f} ms")
    for r in rows:
        if r["library"] in ("libmodule0.so", "libmodulebegin.so"):
            lines.append(f"{name} {r['library']} (position {r['position']}): dependency lists "
                         f"{r['deplists_s'] * 1e3:.2f} ms, {r['failed_probes']:.0f} probes marked failed in the trace")
    lines.append(f"{name}: {len(rows)} loads, sum of dlopen calls {sum(r['dlopen_s'] for r in rows):.4f} s: own "
                 f"relocations {sum(r['relocate_s'] for r in rows):.4f} s, own search+map "
                 f"{sum(r['search_s'] + r['map_s'] for r in rows):.4f} s, dependency lists "
                 f"{sum(r['deplists_s'] for r in rows):.4f} s")
    return lines


def load_each_plot(rows, labels, fits, ys):
    """A panel per tree (columns) and per y (rows): points per kind, the fitted lines when fits."""
    kinds = (("utility", 7, "#1f77b4"), ("module", 5, "#ff7f0e"), ("marker", 9, "#2ca02c"))
    s = f"set terminal pngcairo noenhanced size 960,{300 + 240 * len(ys)}\nset output png\n"
    s += f"set multiplot layout {len(ys)},2\nset key top left\nset yrange [0:*]\n"
    s += 'set xlabel "position in load order"\n'
    first = 0
    starts = {}
    for name in ("demo", "large"):
        starts[name] = (first, sum(r["tree"] == name for r in rows))
        first += starts[name][1]
    for column, fit, ylabel in ys:
        s += f'set ylabel "{ylabel}"\n'
        for name in ("demo", "large"):
            at, count = starts[name]
            shown = kinds[:2] if fit == "per_lookup" else kinds  # a marker's few lookups: off the scale
            s += f'set title "{name}: {labels[name]}"\nplot ' + ", ".join(
                f'"load-each.csv" every ::{at}::{at + count - 1} using 2:(strcol(4) eq "{kind}" ? {column} : NaN) '
                f'with points pt {pt} ps 0.5 lc rgb "{color}" title "{kind}"' for kind, pt, color in shown)
            for kind, _, _ in kinds[:2] if fit else ():
                f = fits[(name, kind, fit)]
                pos = [r["position"] for r in rows if r["tree"] == name and r["kind"] == kind]
                scale = 1e6 if fit == "relocate" else 1e9
                s += (f", [{min(pos)}:{max(pos)}] {f.slope * scale!r} * x + {f.intercept * scale!r} "
                      'with lines lw 1.5 dt 2 lc rgb "black" '
                      + ('title "fitted lines"' if kind == "utility" else "notitle"))
            s += "\n"
    return s + "unset multiplot\n"


# --- b. the split, mode by mode -------------------------------------------------------------------------------

def split_rows(report, tree, mode):
    row = report["ranks"][0]
    load = row["load"]
    phases = ["startup", "import"] if mode.endswith("linked") else ["import"]
    out = []
    for phase in phases:
        p = load[phase]
        r = {"tree": tree, "mode": mode, "phase": phase}
        for k in ("search_s", "map_s", "relocate_s", "init_s", "interpreter_s", "loader_s"):
            r[k] = p.get(k)
        r["objects"] = p.get("objects")
        if phase == "import":
            r["phase_s"] = row["import_s"]
            if p.get("interpreter_s") is None:  # in the Python modes interpreter_s is the rest, by definition
                r["rest_s"] = row["import_s"] - p["loader_s"]
        out.append(r)
    return out


def exp_split(a, out, tmp):
    trees = [("demo", a.demo), ("large", a.large)]
    samples = {}
    labels = {}
    for rnd in range(a.runs):
        for name, build in trees:
            for mode in MODES:
                r = run_mode(build, mode, tmp)
                labels[name] = tree_label(r)
                for row in split_rows(r, name, mode):
                    samples.setdefault((name, mode, row["phase"]), []).append(row)
        progress("split", rnd, a.runs)
    fields = ["search_s", "map_s", "relocate_s", "init_s", "interpreter_s", "rest_s", "loader_s", "phase_s",
              "objects"]
    rows, lines = [], []
    for key, runs in samples.items():
        row = dict(runs[0])
        for k in fields:
            row[k] = median([r.get(k) for r in runs])
        rows.append(row)
        parts = ", ".join(f"{k[:-2]} {row[k] * 1e3:.2f}" for k in fields[:6] if not math.isnan(row[k]))
        total = f"; import_s {row['phase_s'] * 1e3:.2f} ms" if not math.isnan(row["phase_s"]) else ""
        lines.append(f"{key[0]} {key[1]} {key[2]} (ms, medians of {len(runs)}): {parts}; loader "
                     f"{row['loader_s'] * 1e3:.2f}{total}; objects {row['objects']:.0f}")
    columns = ["tree", "mode", "phase"] + fields
    write_csv(os.path.join(out, "split.csv"), columns, rows)
    n = len(rows) // 2
    col = {k: columns.index(k) + 1 for k in columns}
    parts = [("search_s", "search", "#1f77b4"), ("map_s", "map", "#ff7f0e"),
             ("relocate_s", "relocate (+ init in a dlopen)", "#d62728"), ("init_s", "init (start-up)", "#9467bd"),
             ("interpreter_s", "interpreter (Python modes)", "#2ca02c"), ("rest_s", "rest of the import", "#bbbbbb")]
    xtic = 'xtic((strcol(2) eq "python-linked" ? "python-\\nlinked" : strcol(2))."\\n".strcol(3))'
    s = ("set terminal pngcairo noenhanced size 1200,560 font \"DejaVu Sans,10\"\nset output png\n"
         "set style data histograms\nset style histogram rowstacked\nset style fill solid border -1\n"
         'set boxwidth 0.7\nset ylabel "milliseconds (median)"\nset yrange [0:*]\nset multiplot\n'
         "set bmargin at screen 0.17\nset tmargin at screen 0.9\nunset key\n")
    for name, first, left in (("demo", 0, 0.06), ("large", n, 0.44)):
        if first:
            s += 'set key at screen 0.78, screen 0.9 left top reverse Left title "medians of the runs"\n'
        s += f"set lmargin at screen {left}\nset rmargin at screen {left + 0.31}\n"
        s += f'set title "{name}: {labels[name]}"\nplot ' + ", ".join(
            f'"split.csv" every ::{first}::{first + n - 1} using (valid({col[k]}) ? ${col[k]}*1e3 : 0)'
            f'{":" + xtic if i == 0 else ""} title "{title}" lc rgb "{color}"'
            for i, (k, title, color) in enumerate(parts)) + "\n"
    plot(out, "split", s + "unset multiplot\n")
    return lines


# --- c. search: RUNPATH directories and sys.path depth ---------------------------------------------------------

def exp_search(a, out, tmp):
    builds = [a.demo] + a.search_dirs_builds
    depths = SEARCH_DEPTHS
    dirs_samples, depth_samples = {}, {}
    info = {}
    for rnd in range(a.runs):
        for build in builds:
            r = run_mode(build, "dlopen", tmp)
            n = r["config"]["search_dirs"]
            info[n] = (r["generated"]["modules"], r["generated"]["utilities"])
            row, fs = r["ranks"][0], r["ranks"][0]["fs"]["import"]
            dirs_samples.setdefault(n, []).append(
                {"search_s": row["load"]["import"]["search_s"], "map_s": row["load"]["import"]["map_s"],
                 "relocate_s": row["load"]["import"]["relocate_s"], "import_s": row["import_s"],
                 "enoent": fs["enoent"], "opens": fs["opens"]})
        for d in depths:
            r = run_mode(a.demo, "python", tmp, ["--search-depth", str(d)])
            row, fs = r["ranks"][0], r["ranks"][0]["fs"]["import"]
            li = row["load"]["import"]
            depth_samples.setdefault(d, []).append(
                {"search_s": li["search_s"], "map_s": li["map_s"], "relocate_s": li["relocate_s"],
                 "loader_s": li["loader_s"], "interpreter_s": li["interpreter_s"], "import_s": row["import_s"],
                 "enoent": fs["enoent"], "stats": fs["stats"]})
        progress("search", rnd, a.runs)
    if len(dirs_samples) != len(builds):
        fail("search: two builds have the same --search-dirs; give trees generated with different N", 2)
    lines = []
    c1 = median(s["enoent"] for s in dirs_samples[1]) if 1 in dirs_samples else float("nan")
    rows = []
    for n in sorted(dirs_samples):
        row = {"search_dirs": n}
        for k in dirs_samples[n][0]:
            row[k] = median(s[k] for s in dirs_samples[n])
        m, u = info[n]
        row["predicted_enoent"] = n * c1 + (n - 1) * (m + u)  # docs/metrics.md: N (C - 1) + (N - 1)(M + U)
        rows.append(row)
        lines.append(f"dlopen, --search-dirs {n}: search {row['search_s'] * 1e3:.2f} ms, map {row['map_s'] * 1e3:.2f} "
                     f"ms, relocate {row['relocate_s'] * 1e3:.2f} ms, import {row['import_s'] * 1e3:.2f} ms; failed "
                     f"probes {row['enoent']:.0f} (predicted {row['predicted_enoent']:.0f})")
    write_csv(os.path.join(out, "search-dirs.csv"), ["search_dirs", "search_s", "map_s", "relocate_s", "import_s",
                                                     "enoent", "predicted_enoent", "opens"], rows)
    plot(out, "search-dirs",
         'set title "pynamic-mode-dlopen on the demo tree: RUNPATH directories (generator --search-dirs)"\n'
         'set xlabel "directories in each library\'s RUNPATH"\nset ylabel "milliseconds (median)"\n'
         'set y2label "failed probes (fs.import.enoent)"\nset ytics nomirror\nset y2tics\n'
         "set yrange [0:*]\nset y2range [0:*]\nset xrange [0:*]\nset key top left\n"
         'plot "search-dirs.csv" using 1:($2*1e3) with linespoints pt 7 lw 2 title "search_s (ld.so)", '
         '"" using 1:($3*1e3) with linespoints pt 5 title "map_s", '
         '"" using 1:6 axes x1y2 with linespoints pt 9 dt 2 title "failed probes (right axis)"\n')
    rows = []
    for d in depths:
        row = {"search_depth": d}
        for k in depth_samples[d][0]:
            row[k] = median(s[k] for s in depth_samples[d])
        rows.append(row)
        lines.append(f"python, --search-depth {d}: ld.so search {row['search_s'] * 1e3:.3f} ms, loader "
                     f"{row['loader_s'] * 1e3:.2f} ms, interpreter {row['interpreter_s'] * 1e3:.2f} ms, import "
                     f"{row['import_s'] * 1e3:.2f} ms; failed probes {row['enoent']:.0f}, stats {row['stats']:.0f}")
    write_csv(os.path.join(out, "search-depth.csv"), ["search_depth", "search_s", "map_s", "relocate_s", "loader_s",
                                                      "interpreter_s", "import_s", "enoent", "stats"], rows)
    plot(out, "search-depth",
         'set title "pynamic-mode-python on the demo tree: irrelevant sys.path entries (--search-depth)"\n'
         'set xlabel "sys.path directories before the modules\'"\nset ylabel "milliseconds (median)"\n'
         "set yrange [0:*]\nset key center right\n"
         'plot "search-depth.csv" using 1:($2*1e3) with linespoints pt 7 lw 2 title "search_s (ld.so)", '
         '"" using 1:($5*1e3) with linespoints pt 5 title "loader_s (all of ld.so)", '
         '"" using 1:($6*1e3) with linespoints pt 9 lw 2 title "interpreter_s (CPython)", '
         '"" using 1:($7*1e3) with linespoints pt 13 dt 2 title "import_s"\n')
    return lines


# --- d. relocation counts: LD_DEBUG=statistics against the ELF files -------------------------------------------

STAT_RE = {k: re.compile(rf"^\s*\d+:\s+number of {words}: (\d+)$", re.M)
           for k, words in (("relocations", "relocations"), ("cached", "relocations from cache"),
                            ("relative", "relative relocations"))}
# No "final number of relocations": the modes end with _exit, before ld.so's clean-up would print it.


def startup_objects(exe):
    """The files ld.so loads before main: the executable and its DT_NEEDED closure with ld.so (from
    LD_TRACE_LOADED_OBJECTS), and the auditor its DT_DEPAUDIT names, if any (beside it)."""
    proc = subprocess.run([exe], env=dict(os.environ, LD_TRACE_LOADED_OBJECTS="1"), capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"LD_TRACE_LOADED_OBJECTS=1 {exe}: exit status {proc.returncode}: {last_line(proc.stderr)}")
    paths = [exe]
    for line in proc.stdout.splitlines():
        words = line.split()
        if "=>" in words:
            paths.append(words[words.index("=>") + 1])
        elif words and words[0].startswith("/"):
            paths.append(words[0])
    auditor = os.path.join(os.path.dirname(exe), "libpynamic-audit.so")
    return paths, auditor if os.path.exists(auditor) else None


def predict_startup(exe, lib_dir, bind_now, per_object=None):
    """ld.so's start-up counts predicted from the ELF files: every object's relocations, as elf_relocations()
    says, relocated lazily unless LD_BIND_NOW or the object asks otherwise (ld.so itself always immediately,
    rtld.c); 9 lookups of the auditor's interface names (rtld.c, load_audit_module) when there is one. The
    cache hits are split into true ones ('cached_true') and the auditor's second resolutions ('cached_audit').
    per_object (a list) receives one line per object."""
    paths, auditor = startup_objects(exe)
    pred = {"relocations": 0, "cached": 0, "cached_true": 0, "cached_audit": 0, "relative": 0, "generated": 0,
            "executable": 0, "system": 0, "auditor": AUDIT_INTERFACE_LOOKUPS if auditor else 0}
    for path in paths + ([auditor] if auditor else []):
        c = elf_relocations(path)
        now = bind_now or c["bind_now"] or os.path.basename(path).startswith("ld-linux")
        tag = "now" if now else "lazy"
        audit = c[f"audit_cached_{tag}"] if auditor and path != auditor else 0
        pred["relocations"] += c[f"lookups_{tag}"]
        pred["cached_true"] += c[f"cached_{tag}"]
        pred["cached_audit"] += audit
        pred["relative"] += c["relative"]
        where = ("executable" if path == exe else "generated"
                 if lib_dir and os.path.dirname(os.path.realpath(path)) == lib_dir else "system")
        pred[where] += c[f"lookups_{tag}"]
        if per_object is not None and where != "generated":
            per_object.append(f"  {os.path.basename(path)}{' (asks for immediate binding)' if c['bind_now'] else ''}: "
                              f"{c[f'lookups_{tag}']} lookups, {c[f'cached_{tag}']} from cache, {audit} second "
                              f"resolutions for the auditor, {c['relative']} relative ({c['dyn']} dyn, {c['plt']} "
                              f"plt relocations)")
    if per_object is not None:
        per_object.append(f"  the generated libraries: {pred['generated']} lookups (the rest of the cache and "
                          f"relative counts: the totals less the lines above)")
    pred["cached"] = pred["cached_true"] + pred["cached_audit"]
    pred["relocations"] += pred["auditor"]
    return pred


def ld_statistics(cmd, tmp, bind_now):
    """ld.so's start-up statistics for one run of cmd (LD_DEBUG=statistics, to a file of its own)."""
    prefix = os.path.join(tmp, "ld-statistics")
    for f in os.listdir(tmp):
        if f.startswith("ld-statistics."):
            os.remove(os.path.join(tmp, f))
    env = dict(os.environ, LD_DEBUG="statistics", LD_DEBUG_OUTPUT=prefix)
    if bind_now:
        env["LD_BIND_NOW"] = "1"
    proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate(timeout=1800)
    if proc.returncode != 0:
        fail(f"LD_DEBUG=statistics {' '.join(cmd)}: exit status {proc.returncode}: {last_line(err)}")
    path = f"{prefix}.{proc.pid}"
    if not os.path.exists(path):
        fail(f"LD_DEBUG=statistics {cmd[0]}: ld.so wrote no {path}")
    with open(path) as f:
        text = f.read()
    got = {}
    for k, rx in STAT_RE.items():
        m = rx.search(text)
        if not m:
            fail(f"{path}: no line \"number of {k}\" from ld.so")
        got[k] = int(m.group(1))
    return got


def exp_relocations(a, out, tmp):
    """ld.so's counts against the prediction. A program with no auditor and no generated library (/bin/true)
    measures ld.so's lookups outside any relocation (vDSO symbols, its switch to libc's malloc, a lazy binding
    in libc's early initialisation): the baseline added to the prediction."""
    rows, lines = [], []
    true = shutil.which("true") or "/bin/true"
    baseline = {}
    for bind_now in (False, True):
        got = ld_statistics([true], tmp, bind_now)
        pred = predict_startup(os.path.realpath(true), None, bind_now)
        baseline[bind_now] = got["relocations"] - pred["relocations"]
        lines.append(f"{true}, {'now' if bind_now else 'lazy'}: ld.so {got['relocations']} lookups, {got['cached']} "
                     f"from cache, {got['relative']} relative; from the ELF files {pred['relocations']}, "
                     f"{pred['cached']}, {pred['relative']}: {baseline[bind_now]} lookups outside relocation")
    for name, build in (("demo", a.demo), ("large", a.large)):
        exe = os.path.join(build, "pynamic-mode-linked")
        report = os.path.join(tmp, "report.json")
        lib_dir = os.path.realpath(os.path.join(build, "lib"))
        for bind_now in (False, True):
            got = ld_statistics([exe, "--audit", "--json", report, "--progress", "never"], tmp, bind_now)
            with open(report) as f:
                st = json.load(f)["static"]
            objects = []
            pred = predict_startup(exe, lib_dir, bind_now, objects)
            pred["baseline"] = baseline[bind_now]
            pred["relocations"] += pred["baseline"]
            gen, ex = st["libraries"]["all"], st["executable"]
            row = {"tree": name, "binding": "now" if bind_now else "lazy", **got,
                   **{f"predicted_{k}": v for k, v in pred.items()},
                   "static_generated_plt": gen["plt_relocations"], "static_generated_dyn": gen["dynamic_relocations"],
                   "static_executable_plt": ex["plt_relocations"], "static_executable_dyn": ex["dynamic_relocations"]}
            rows.append(row)
            lines.append(
                f"{name} linked, {row['binding']}: ld.so {got['relocations']} lookups, {got['cached']} from cache, "
                f"{got['relative']} relative; predicted {pred['relocations']} (generated {pred['generated']}, "
                f"executable {pred['executable']}, system {pred['system']}, auditor names {pred['auditor']}, "
                f"outside relocation {pred['baseline']}), {pred['cached']} from cache ({pred['cached_true']} true, "
                f"{pred['cached_audit']} second resolutions for the auditor), {pred['relative']} relative; "
                f"report static: generated plt-relocs {gen['plt_relocations']} dyn-relocs "
                f"{gen['dynamic_relocations']}, executable plt-relocs {ex['plt_relocations']} dyn-relocs "
                f"{ex['dynamic_relocations']}")
            if name == "demo":
                lines += objects
    columns = list(rows[0].keys())
    write_csv(os.path.join(out, "relocations.csv"), columns, rows)
    col = {k: columns.index(k) + 1 for k in columns}
    bars = [("relocations", "ld.so: lookups", "#1f77b4"), ("predicted_relocations", "predicted", "#aec7e8"),
            ("cached", "ld.so: from cache", "#ff7f0e"), ("predicted_cached", "predicted", "#ffbb78"),
            ("relative", "ld.so: relative", "#2ca02c"), ("predicted_relative", "predicted", "#98df8a")]
    xtic = ':xtic(strcol(1)." tree, ".strcol(2))'
    static = "+".join(f"${col[k]}" for k in ("static_generated_plt", "static_generated_dyn", "static_executable_plt",
                                             "static_executable_dyn"))
    s = ('set terminal pngcairo noenhanced size 1100,540 font "DejaVu Sans,11"\nset output png\n'
         'set title "pynamic-mode-linked, before main: ld.so\'s counts (LD_DEBUG=statistics) against the ELF files"\n'
         "set style data histograms\nset style histogram clustered gap 1\nset style fill solid border -1\n"
         'set logscale y\nset yrange [100:1e6]\nset ylabel "count"\nset key outside right top Left reverse\n'
         "plot " + ", ".join(f'"relocations.csv" using {col[k]}{xtic if i == 0 else ""} title "{title}" '
                             f'lc rgb "{color}"' for i, (k, title, color) in enumerate(bars))
         + f', "" using ({static}) title "report static: plt + dyn relocs" '
         'lc rgb "#7f7f7f"\n')
    plot(out, "relocations", s)
    return lines


# --- e. objects loaded before the import -----------------------------------------------------------------------

OBJ_RE = re.compile(r"^(without MPI_Init|after MPI_Init)\s+(\d+) objects before the loop\s+loop ([0-9.]+) s$", re.M)


def exp_objects(a, out, tmp):
    proc = run([sys.executable, os.path.join(HERE, "objects_before_import.py"), a.demo, "--runs", str(max(a.runs, 3))],
               "bench/objects_before_import.py", tmp)
    found = OBJ_RE.findall(proc.stdout)
    if len(found) != 2:
        fail(f"bench/objects_before_import.py printed no result lines: {last_line(proc.stdout)}")
    rows = [{"condition": c, "objects": int(n), "loop_s": float(t)} for c, n, t in found]
    write_csv(os.path.join(out, "objects-before-import.csv"), ["condition", "objects", "loop_s"], rows)
    plot(out, "objects-before-import",
         'set title "libmodulebegin and every module dlopen\'ed (RTLD_NOW | RTLD_LOCAL), demo tree"\n'
         'set style data histograms\nset style fill solid border -1\nset boxwidth 0.6\n'
         f'set yrange [0:{max(r["loop_s"] for r in rows) * 1.15!r}]\n'
         'set ylabel "loop seconds (median)"\nset key off\n'
         'plot "objects-before-import.csv" using 3:xtic(sprintf("%s (%d objects before)", strcol(1), $2)) '
         'lc rgb "#1f77b4", "" using 0:($3):(sprintf("%.4f s", $3)) with labels offset 0,1 notitle\n')
    return [proc.stdout.strip()]


# --- the trace on a timeline ----------------------------------------------------------------------------------

LANES = {"load": 1, "search": 2, "map": 3, "relocate": 4, "init": 4, "probe": 2}
LANE_COLORS = {1: (0x9467BD, 0xC5B0D5), 2: (0x1F77B4, 0xAEC7E8), 3: (0xFF7F0E, 0xFFBB78), 4: (0xD62728, 0xFF9896)}


def exp_timeline(a, out, tmp):
    """pynamic-mode-dlopen --trace on the demo tree, --runs times: the import's slices of the run with the
    median import, on four lanes."""
    trace = os.path.join(tmp, "trace.json")
    runs = []
    for _ in range(a.runs):
        run_mode(a.demo, "dlopen", tmp, ["--trace", trace])
        with open(trace) as f:
            events = [e for e in json.load(f)["traceEvents"] if e.get("pid") == 0 and e.get("ph") in ("X", "i")]
        imp = next(e for e in events if e.get("cat") == "phase" and e["name"] == "import")
        runs.append((imp["dur"], events, imp))
    runs.sort(key=lambda r: r[0])
    _, events, imp = runs[len(runs) // 2]
    t0 = imp["ts"]
    rows = []
    for e in sorted(events, key=lambda e: e["ts"]):
        if e.get("cat") not in LANES or e.get("args", {}).get("phase") != "import":
            continue
        start, lane = (e["ts"] - t0) * 1e-3, LANES[e["cat"]]
        shade = sum(r["lane"] == lane for r in rows) % 2  # neighbours alternate, so that each slice shows
        rows.append({"lane": lane, "category": e["cat"], "name": e["name"], "start_ms": start,
                     "end_ms": start + e.get("dur", 0.0) * 1e-3, "rgb": LANE_COLORS[lane][shade]})
    write_csv(os.path.join(out, "timeline.csv"), ["lane", "category", "name", "start_ms", "end_ms", "rgb"], rows)
    lines = [f"the run with the median import of {len(runs)}: import {imp['dur'] * 1e-3:.2f} ms (all runs "
             f"{runs[0][0] * 1e-3:.2f}-{runs[-1][0] * 1e-3:.2f} ms); "
             f"{sum(r['category'] == 'load' for r in rows)} dlopen calls"]
    labels = ""
    for cat in ("load", "search", "map", "relocate"):
        mine = [r for r in rows if r["category"] == cat]
        big = max(mine, key=lambda r: r["end_ms"] - r["start_ms"])
        lines.append(f"{cat}: {len(mine)} slices, {sum(r['end_ms'] - r['start_ms'] for r in mine):.2f} ms; the "
                     f"longest {big['name']!r} {big['end_ms'] - big['start_ms']:.2f} ms from {big['start_ms']:.2f} ms")
        if cat in ("map", "relocate"):
            labels += (f'set label "{big["name"]}: {big["end_ms"] - big["start_ms"]:.1f} ms" at '
                       f'{big["start_ms"]!r}, {big["lane"] + 0.42} left front\n')
    lines.append(f"failed probes: {sum(r['category'] == 'probe' for r in rows)}")
    first_end = next(r["end_ms"] for r in rows if r["category"] == "load")

    def total(rs):
        return f"{len(rs)} slices, {sum(r['end_ms'] - r['start_ms'] for r in rs):.2f} ms"

    for when, inside in (("in the first dlopen", True), ("in the later ones", False)):
        mine = [r for r in rows if (r["start_ms"] < first_end) == inside]
        lines.append(f"{when}: search {total([r for r in mine if r['category'] == 'search'])}; map of an object "
                     f"{total([r for r in mine if r['name'].startswith('map lib')])}; dependency lists "
                     f"{total([r for r in mine if r['name'] == 'map: dependency lists'])}; relocate "
                     f"{total([r for r in mine if r['category'] == 'relocate'])}")
    plot(out, "timeline",
         f'set title "pynamic-mode-dlopen --trace, demo tree: the import ({imp["dur"] * 1e-3:.1f} ms, '
         f'the median run of {len(runs)})"\n'
         'set xlabel "milliseconds since the import began"\nset yrange [0.4:4.7]\nunset key\n'
         'set ytics ("dlopen calls" 1, "search (x: failed probe)" 2, "map" 3, "relocate + init" 4)\n'
         f'set style fill solid 1.0 noborder\n{labels}'
         'plot "timeline.csv" using ($4+$5)/2:1:4:5:($1-0.3):($1+0.3):6 with boxxyerror lc rgb variable, '
         '"" using (strcol(2) eq "probe" ? $4 : NaN):1 with points pt 2 ps 0.8 lc rgb "black"\n')
    return lines


# --- main ------------------------------------------------------------------------------------------------------

def progress(name, rnd, runs):
    print(f"why: {name}: round {rnd + 1}/{runs} done", file=sys.stderr, flush=True)


def check_inputs(a):
    if not shutil.which("gnuplot"):
        fail("gnuplot not found (apt-get install gnuplot-nox)", 2)
    if subprocess.run(["gnuplot", "-e", "set terminal pngcairo"], capture_output=True).returncode != 0:
        fail("gnuplot has no pngcairo terminal (apt-get install gnuplot-nox)", 2)
    if "search" in a.only and not a.search_dirs_builds:
        fail("search: give --search-dirs-builds (demo-shaped trees generated with --search-dirs N > 1)", 2)
    if "objects" in a.only and not shutil.which("mpicc.mpich"):
        fail("objects: mpicc.mpich not found (bench/install-deps.sh installs MPICH)", 2)
    needs = {"dlopen": ["timeline", "load-each", "split", "search"], "python": ["split", "search"], "linked": ["split",
             "relocations"], "python-linked": ["split"]}
    builds = [("--demo", a.demo), ("--large", a.large)] + [("--search-dirs-builds", b) for b in a.search_dirs_builds]
    for flag, b in builds:
        if not os.path.isdir(b):
            fail(f"{flag} {b}: no such directory (configure and build it: cmake --preset demo -B {b} ...)", 2)
        if not os.path.isfile(os.path.join(b, "generated", "manifest.json")):
            fail(f"{flag} {b}: no generated/manifest.json: not a built pynamic tree", 2)
        for mode, used in needs.items():
            if flag == "--search-dirs-builds" and mode != "dlopen":
                continue
            exe = os.path.join(b, f"pynamic-mode-{mode}")
            if any(e in a.only for e in used) and not os.access(exe, os.X_OK):
                fail(f"{flag} {b}: no executable {exe} (cmake --build {b})", 2)
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        fail(f"--out {a.out}: exists and is not a directory", 2)
    os.makedirs(a.out, exist_ok=True)
    if not os.access(a.out, os.W_OK | os.X_OK):
        fail(f"--out {a.out}: not writable", 2)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--demo", required=True, help="the demo preset's build directory")
    p.add_argument("--large", required=True, help="a larger build directory of the same shape")
    p.add_argument("--search-dirs-builds", nargs="*", default=[], metavar="BUILD",
                   help="demo-shaped build directories generated with --search-dirs N > 1")
    p.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "docs", "why"))
    p.add_argument("--runs", type=int, default=5, help="rounds; each figure is their median (default 5)")
    p.add_argument("--only", default=",".join(EXPERIMENTS), help="comma-separated: " + ", ".join(EXPERIMENTS))
    a = p.parse_args()
    a.only = [e for e in a.only.split(",") if e]
    bad = [e for e in a.only if e not in EXPERIMENTS]
    if bad or not a.only:
        p.error(f"--only {','.join(bad) or '(empty)'}: not an experiment ({', '.join(EXPERIMENTS)})")
    if not 1 <= a.runs <= 1000:
        p.error(f"--runs {a.runs}: 1 to 1000")
    a.demo, a.large = os.path.abspath(a.demo), os.path.abspath(a.large)
    a.search_dirs_builds = [os.path.abspath(b) for b in a.search_dirs_builds]
    a.out = os.path.abspath(a.out)
    check_inputs(a)
    signal.signal(signal.SIGTERM, on_sigterm)
    stamp = f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.uname().nodename}, {a.runs} rounds"
    funcs = {"timeline": exp_timeline, "load-each": exp_load_each, "split": exp_split, "search": exp_search,
             "relocations": exp_relocations, "objects": exp_objects}
    with tempfile.TemporaryDirectory(prefix="pynamic-why.") as tmp:
        commit = run_mode(a.demo, "dlopen", tmp)["build"]["source_commit"]  # also a warm-up run
        for name in EXPERIMENTS:
            if name in a.only:
                lines = funcs[name](a, a.out, tmp)
                text = f"# bench/why.py {name}: {stamp}, source commit {commit}\n" + "\n".join(lines) + "\n"
                write_atomic(os.path.join(a.out, f"{name}.txt"), text)
                print(text, end="", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except (OSError, ValueError, KeyError, struct.error) as e:  # a file unreadable, a report or ELF file unexpected
        fail(f"{type(e).__name__}: {e}")
