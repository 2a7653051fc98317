/* SPDX-License-Identifier: BSD-3-Clause */
/* The report's per-rank fields (pyn_fields.h). Plain values are read at an
 * offset into struct pyn_rank_record; what is derived (the totals, a
 * status, a rate) or measured only sometimes has a small getter or a
 * "measured" predicate here, so no writer decides it again. */
#include "pyn_fields.h"

#include "pyn_stage_kind.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define AT(member) offsetof(struct pyn_rank_record, member)

/* --- when a value was measured ------------------------------------------------------------------------------ */

static int failed(const struct pyn_rank_record *r)
{
    return r->failed != 0;
}

static int fractal_ran(const struct pyn_rank_record *r)
{
    return r->fractal.ran != 0;
}

static int cache_counted(const struct pyn_rank_record *r)
{
    return r->cache.counted != 0;
}

static int fs_counted(const struct pyn_rank_record *r)
{
    return r->fs_ok != 0;
}

static int bindings_counted(const struct pyn_rank_record *r)
{
    return r->fs_ok != 0 && r->bindings_ok != 0;
}

static int cache_measured(const struct pyn_rank_record *r)
{
    return r->cache.measured != 0;
}

static int placement_measured(const struct pyn_rank_record *r)
{
    return r->placement.measured != 0;
}

/* --- derived values ----------------------------------------------------------------------------------------- */

/* The original's headline: startup + import + visit (mpi_init is apart). */
static double total_of(const struct pyn_rank_record *r)
{
    return r->phase_s[PYN_PHASE_STARTUP] + r->phase_s[PYN_PHASE_IMPORT] + r->phase_s[PYN_PHASE_VISIT];
}

static void get_total(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    (void)slot;
    v->d = total_of(r);
}

static void get_total_with_stage(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    (void)slot;
    v->d = total_of(r) + r->stage.total_s;
}

static void get_fractal_s(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    (void)slot;
    v->d = r->fractal.ran ? r->fractal.compute_s : NAN;
}

static void get_status(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    (void)slot;
    v->s = r->failed ? "failed" : r->stopped ? "stopped" : "ran";
}

static void get_cache_mode(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    (void)slot;
    v->s = r->cache.cold ? "cold" : "warm";
}

/* Modules made callable per second of this rank's import phase: the import
 * figure normalised by the tree's size, so runs of different trees compare.
 * Not finite (null) when the import was not measured or took no time. */
static void get_modules_per_s(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    (void)slot;
    double t = r->phase_s[PYN_PHASE_IMPORT];
    v->d = isfinite(t) && t > 0 ? r->modules_imported / t : NAN;
}

/* Why a load split is null, in words (pyn_loadtime_why): one getter per slot and reason field. */
#define LOAD_WHY_GETTER(name, load_slot, member)                                                                       \
    static void name(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)                             \
    {                                                                                                                  \
        (void)slot;                                                                                                    \
        v->s = pyn_loadtime_why(r->load.phase[load_slot].member);                                                      \
    }
LOAD_WHY_GETTER(get_startup_why, PYN_LOAD_STARTUP, why)
LOAD_WHY_GETTER(get_startup_init_why, PYN_LOAD_STARTUP, init_why)
LOAD_WHY_GETTER(get_import_why, PYN_LOAD_IMPORT, why)
LOAD_WHY_GETTER(get_import_init_why, PYN_LOAD_IMPORT, init_why)
LOAD_WHY_GETTER(get_interpreter_why, PYN_LOAD_IMPORT, interpreter_why)

/* --- text and spans ----------------------------------------------------------------------------------------- */

static int staged(const struct pyn_results *res)
{
    return res->info && res->info->stage_kind != PYN_STAGE_NONE;
}

static int fractal_shown(const struct pyn_results *res)
{
    return res->fractal.ran;
}

static double span_import(const struct pyn_results *res)
{
    return res->span_s[PYN_PHASE_IMPORT];
}

static double span_visit(const struct pyn_results *res)
{
    return res->span_s[PYN_PHASE_VISIT];
}

static double span_fractal(const struct pyn_results *res)
{
    return res->fractal.ran ? res->fractal.span_s : NAN;
}

/* --- the table ---------------------------------------------------------------------------------------------- */

#define SECONDS(key, member, label, doc)                                                                               \
    {                                                                                                                  \
        key, key, label, "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(member), NULL, PYN_NULL_NAN, NULL, PYN_SUMMARY_SPREAD, \
            PYN_TEXT_SECONDS, NULL, NULL, 0, doc                                                                       \
    }
#define COUNT(key, csv, member, store, doc)                                                                            \
    {                                                                                                                  \
        key, csv, NULL, "count", PYN_FIELD_INT, store, AT(member), NULL, PYN_NULL_NEVER, NULL, PYN_SUMMARY_NONE,       \
            PYN_TEXT_NONE, NULL, NULL, 0, doc                                                                          \
    }
/* Page faults and peak RSS: -1 is not measured. */
#define RUSAGE(key, csv, member, unit, doc)                                                                            \
    {                                                                                                                  \
        key, csv, csv, unit, PYN_FIELD_INT, PYN_STORE_I64, AT(member), NULL, PYN_NULL_NEGATIVE, NULL,                  \
            PYN_SUMMARY_MEASURED, PYN_TEXT_COUNTS, NULL, NULL, 0, doc                                                  \
    }
/* The loader's counts per fs slot (docs/metrics.md). */
#define FS(key, csv, label, member, unit, doc)                                                                         \
    {                                                                                                                  \
        key, csv, label, unit, PYN_FIELD_INT, PYN_STORE_U64, AT(fs[0].member), NULL, PYN_NULL_NEVER, NULL,             \
            PYN_SUMMARY_SUM, PYN_TEXT_LOADER, NULL, NULL, PYN_FIELD_PER_SLOT, doc                                      \
    }
/* The same, counted only by the opt-in binding counter. */
#define FS_OPT_IN(key, csv, label, member, unit, doc)                                                                  \
    {                                                                                                                  \
        key, csv, label, unit, PYN_FIELD_INT, PYN_STORE_U64, AT(fs[0].member), NULL, PYN_NULL_NEVER, bindings_counted, \
            PYN_SUMMARY_SUM, PYN_TEXT_LOADER, NULL, NULL, PYN_FIELD_PER_SLOT, doc                                      \
    }
/* Where a phase's loading time went (pyn_loadtime.h): NaN is not measured. */
#define LOAD(key, csv, member, doc)                                                                                    \
    {                                                                                                                  \
        key, csv, NULL, "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(member), NULL, PYN_NULL_NAN, NULL,                      \
            PYN_SUMMARY_MEASURED, PYN_TEXT_NONE, NULL, NULL, 0, doc                                                    \
    }
/* Its reasons, in words: JSON only. */
#define LOAD_WHY(key, get, doc)                                                                                        \
    {                                                                                                                  \
        key, NULL, NULL, NULL, PYN_FIELD_STRING, PYN_STORE_CHARS, 0, get, PYN_NULL_NEVER, NULL, PYN_SUMMARY_NONE,      \
            PYN_TEXT_NONE, NULL, NULL, 0, doc                                                                          \
    }
/* Page-cache counts: only a host's first rank counts them. */
#define CACHED(key, csv, member, store, unit, doc)                                                                     \
    {                                                                                                                  \
        key, csv, NULL, unit, PYN_FIELD_INT, store, AT(member), NULL, PYN_NULL_NEVER, cache_counted, PYN_SUMMARY_NONE, \
            PYN_TEXT_NONE, NULL, NULL, 0, doc                                                                          \
    }
#define INDEX(key, csv, member, doc)                                                                                   \
    {                                                                                                                  \
        key, csv, NULL, NULL, PYN_FIELD_INT, PYN_STORE_I32, AT(member), NULL, PYN_NULL_NEGATIVE, NULL,                 \
            PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, doc                                                        \
    }
#define FLAG(key, csv, member, flags, doc)                                                                             \
    {                                                                                                                  \
        key, csv, NULL, NULL, PYN_FIELD_BOOL, PYN_STORE_I32, AT(member), NULL, PYN_NULL_NEVER, NULL, PYN_SUMMARY_NONE, \
            PYN_TEXT_NONE, NULL, NULL, flags, doc                                                                      \
    }
#define STAGE_SECONDS(key, csv, member, doc)                                                                           \
    {                                                                                                                  \
        key, csv, NULL, "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(member), NULL, PYN_NULL_NAN, NULL, PYN_SUMMARY_NONE,    \
            PYN_TEXT_NONE, NULL, NULL, 0, doc                                                                          \
    }

const struct pyn_field pyn_fields[] = {
    {"rank", "rank", NULL, NULL, PYN_FIELD_INT, PYN_STORE_I32, AT(rank), NULL, PYN_NULL_NEVER, NULL, PYN_SUMMARY_NONE,
     PYN_TEXT_NONE, NULL, NULL, 0, "MPI rank in MPI_COMM_WORLD"},
    {"host", "host", NULL, NULL, PYN_FIELD_STRING, PYN_STORE_CHARS, AT(host), NULL, PYN_NULL_NEVER, NULL,
     PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, "the rank's host (gethostname)"},
    {"pid", "pid", NULL, NULL, PYN_FIELD_INT, PYN_STORE_I32, AT(pid), NULL, PYN_NULL_NEVER, NULL, PYN_SUMMARY_NONE,
     PYN_TEXT_NONE, NULL, NULL, 0, "the rank's process id"},
    SECONDS("mpi_init_s", phase_s[PYN_PHASE_MPI_INIT], "mpi_init", "MPI_Init on this rank"),
    SECONDS("startup_s", phase_s[PYN_PHASE_STARTUP], "startup",
            "launch (or process creation) to main: startup_launch_s when a launch time was given, else startup_exec_s"),
    {"import_s", "import_s", "import", "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(phase_s[PYN_PHASE_IMPORT]), NULL,
     PYN_NULL_NAN, NULL, PYN_SUMMARY_SPREAD, PYN_TEXT_SECONDS, NULL, span_import, 0,
     "the import phase on this rank's clock: every module made callable"},
    {"visit_s", "visit_s", "visit", "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(phase_s[PYN_PHASE_VISIT]), NULL,
     PYN_NULL_NAN, NULL, PYN_SUMMARY_SPREAD, PYN_TEXT_SECONDS, NULL, span_visit, 0,
     "the visit phase on this rank's clock: every module's entry called"},
    {"total_s", "total_s", "total", "s", PYN_FIELD_REAL, PYN_STORE_F64, 0, get_total, PYN_NULL_NAN, NULL,
     PYN_SUMMARY_SPREAD, PYN_TEXT_SECONDS, NULL, NULL, 0, "startup_s + import_s + visit_s, the original's headline"},
    {"stage_s", "stage_s", "stage", "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(stage.total_s), NULL, PYN_NULL_NAN, NULL,
     PYN_SUMMARY_SPREAD, PYN_TEXT_SECONDS, staged, NULL, 0, "the time --stage added to this rank's run (0 without)"},
    {"total_with_stage_s", "total_with_stage_s", "total+stg", "s", PYN_FIELD_REAL, PYN_STORE_F64, 0,
     get_total_with_stage, PYN_NULL_NAN, NULL, PYN_SUMMARY_SPREAD, PYN_TEXT_SECONDS, staged, NULL, 0,
     "total_s + stage_s"},
    {"fractal_s", "fractal_s", "fractal", "s", PYN_FIELD_REAL, PYN_STORE_F64, 0, get_fractal_s, PYN_NULL_NAN, NULL,
     PYN_SUMMARY_SPREAD, PYN_TEXT_SECONDS, fractal_shown, span_fractal, 0,
     "computing this rank's rows of the MPI capability test; null when the test did not run"},
    {"startup_exec_s", "startup_exec_s", NULL, "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(startup_exec_s), NULL,
     PYN_NULL_NAN, NULL, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, "process creation to main (10 ms resolution)"},
    {"startup_launch_s", "startup_launch_s", NULL, "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(startup_launch_s), NULL,
     PYN_NULL_NAN, NULL, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0,
     "the launch time to main; null without a launch time, or when it is after main began (clock_skew_s)"},
    {"checksum", "checksum", NULL, NULL, PYN_FIELD_HEX, PYN_STORE_U64, AT(checksum), NULL, PYN_NULL_NEVER, NULL,
     PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, "fold of the checksums the modules' visits returned"},
    FLAG("checksum_ok", "checksum_ok", checksum_ok, 0, "the checksum is the manifest's"),
    COUNT("libraries_loaded", "libraries_loaded", libraries_loaded, PYN_STORE_I32,
          "generated libraries mapped in the process after import (dl_iterate_phdr)"),
    COUNT("modules_imported", "modules_imported", modules_imported, PYN_STORE_I32, "modules made callable"),
    COUNT("modules_visited", "modules_visited", modules_visited, PYN_STORE_I32, "modules whose entry was called"),
    FS("fs.%s.opens", "%s_opens", "opens", opens, "count", "candidate paths the loader opened and mapped"),
    FS("fs.%s.enoent", "%s_enoent", "enoent", enoent, "count", "candidate paths the loader tried that did not open"),
    FS("fs.%s.stats", "%s_stats", "stats", stats, "count", "fstat calls on opened files"),
    FS("fs.%s.bytes", "%s_bytes", "bytes", bytes, "bytes", "header read plus file bytes mapped"),
    FS("fs.%s.local", "%s_local", "local", local, "count", "probes and opens of node-local staged copies"),
    FS_OPT_IN("bindings.%s", "%s_bindings", "bindings", bindings, "count",
              "symbols bound for the generated libraries; null unless the opt-in binding counter was loaded"),
    {"load.objects_before_import", "objects_before_import", NULL, "count", PYN_FIELD_INT, PYN_STORE_I32,
     AT(load.objects_before_import), NULL, PYN_NULL_NEVER, NULL, PYN_SUMMARY_SPREAD, PYN_TEXT_NONE, NULL, NULL, 0,
     "objects mapped in the process when the import began (MPI's included): each later DT_NEEDED name is compared "
     "with every one of them"},
    LOAD("load.startup.search_s", "startup_search_s", load.phase[PYN_LOAD_STARTUP].search_s,
         "start-up: finding the objects (name checks, failed candidates); null when not timed"),
    LOAD("load.startup.map_s", "startup_map_s", load.phase[PYN_LOAD_STARTUP].map_s,
         "start-up: opening and mapping the objects"),
    LOAD("load.startup.relocate_s", "startup_relocate_s", load.phase[PYN_LOAD_STARTUP].relocate_s,
         "start-up: the last object mapped to LA_ACT_CONSISTENT (relocation, version checks)"),
    LOAD("load.startup.init_s", "startup_init_s", load.phase[PYN_LOAD_STARTUP].init_s,
         "start-up: LA_ACT_CONSISTENT to la_preinit (the initialisers)"),
    LOAD("load.startup.loader_s", "startup_loader_s", load.phase[PYN_LOAD_STARTUP].loader_s,
         "start-up: search + map + relocate + init"),
    COUNT("load.startup.objects", "startup_objects", load.phase[PYN_LOAD_STARTUP].objects, PYN_STORE_I32,
          "start-up: objects ld.so searched for and mapped before main"),
    LOAD_WHY("load.startup.why", get_startup_why, "whether the start-up's load was timed, or why not"),
    LOAD_WHY("load.startup.init_why", get_startup_init_why, "whether init_s was measured, or why not"),
    LOAD("load.import.search_s", "import_search_s", load.phase[PYN_LOAD_IMPORT].search_s,
         "import: finding the objects (name checks, failed candidates, dlopens of loaded objects)"),
    LOAD("load.import.map_s", "import_map_s", load.phase[PYN_LOAD_IMPORT].map_s,
         "import: opening and mapping the objects, to LA_ACT_CONSISTENT"),
    LOAD("load.import.relocate_s", "import_relocate_s", load.phase[PYN_LOAD_IMPORT].relocate_s,
         "import: LA_ACT_CONSISTENT to dlopen's return (relocation and initialisers)"),
    LOAD("load.import.init_s", "import_init_s", load.phase[PYN_LOAD_IMPORT].init_s,
         "import: the initialisers alone; null where dlopen gives no boundary (load.import.init_why)"),
    LOAD("load.import.loader_s", "import_loader_s", load.phase[PYN_LOAD_IMPORT].loader_s,
         "import: search + map + relocate (+ init): the time inside dlopen calls"),
    LOAD("load.import.interpreter_s", "import_interpreter_s", load.phase[PYN_LOAD_IMPORT].interpreter_s,
         "import: the phase less loader_s (finders, stats, module objects); Python modes only"),
    COUNT("load.import.objects", "import_objects", load.phase[PYN_LOAD_IMPORT].objects, PYN_STORE_I32,
          "import: objects ld.so searched for and mapped"),
    COUNT("load.import.loads", "import_loads", load.phase[PYN_LOAD_IMPORT].loads, PYN_STORE_I32,
          "import: dlopen calls timed"),
    LOAD_WHY("load.import.why", get_import_why, "whether the import's loads were timed, or why not"),
    LOAD_WHY("load.import.init_why", get_import_init_why, "whether init_s was measured, or why not"),
    LOAD_WHY("load.import.interpreter_why", get_interpreter_why, "whether interpreter_s was measured, or why not"),
    {"status", NULL, NULL, NULL, PYN_FIELD_STRING, PYN_STORE_CHARS, 0, get_status, PYN_NULL_NEVER, NULL,
     PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0,
     "ran, failed (an error of its own), or stopped (because another rank failed)"},
    {"error", "error", NULL, NULL, PYN_FIELD_STRING, PYN_STORE_CHARS, AT(error), NULL, PYN_NULL_NEVER, failed,
     PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, "the rank's own error line; null unless it failed"},
    RUSAGE("rusage.import.minflt", "import_minflt", rusage.minflt[PYN_RUSAGE_IMPORT], "count",
           "minor page faults during import"),
    RUSAGE("rusage.import.majflt", "import_majflt", rusage.majflt[PYN_RUSAGE_IMPORT], "count",
           "major page faults (waits for I/O) during import"),
    RUSAGE("rusage.visit.minflt", "visit_minflt", rusage.minflt[PYN_RUSAGE_VISIT], "count",
           "minor page faults during visit"),
    RUSAGE("rusage.visit.majflt", "visit_majflt", rusage.majflt[PYN_RUSAGE_VISIT], "count",
           "major page faults during visit"),
    RUSAGE("rusage.maxrss_kib", "maxrss_kib", rusage.maxrss_kib, "KiB", "the process's peak resident set at the end"),
    {"cache.mode", "cache", NULL, NULL, PYN_FIELD_STRING, PYN_STORE_CHARS, 0, get_cache_mode, PYN_NULL_NEVER, NULL,
     PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, "cold (this rank evicted with --cold) or warm"},
    FLAG("cache.counted", NULL, cache.counted, 0,
         "this rank counted the page cache (its host's first rank, with --cold or --cache-count)"),
    CACHED("cache.resident_pages", "resident_pages", cache.resident_pages, PYN_STORE_I64, "pages",
           "pages of the generated libraries in the page cache at import start"),
    CACHED("cache.total_pages", "total_pages", cache.total_pages, PYN_STORE_I64, "pages", "their size in pages"),
    CACHED("cache.unverified_pages", NULL, cache.unverified_pages, PYN_STORE_I64, "pages",
           "pages of files whose residency mincore cannot show this user"),
    CACHED("cache.files", NULL, cache.files, PYN_STORE_I32, "count", "library files counted"),
    CACHED("cache.unreadable_files", NULL, cache.unreadable_files, PYN_STORE_I32, "count",
           "files that could not be opened or mapped"),
    CACHED("cache.page_size", NULL, cache.page_size, PYN_STORE_I64, "bytes", "the page size"),
    FLAG("cache.drop_caches", NULL, cache.dropped, 0, "this rank wrote drop_caches"),
    INDEX("placement.pu", "pu", placement.pu, "OS index of the PU the rank ran on at import start"),
    INDEX("placement.core", "core", placement.core, "hwloc logical index of that PU's core"),
    INDEX("placement.numa", "numa", placement.numa, "hwloc logical index of its NUMA node"),
    INDEX("placement.pu_end", NULL, placement.pu_end, "the PU after the visit"),
    {"placement.cpuset", "cpuset", NULL, NULL, PYN_FIELD_STRING, PYN_STORE_CHARS, AT(placement.cpuset), NULL,
     PYN_NULL_NEVER, NULL, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, PYN_FIELD_CSV_QUOTED,
     "the process's binding as an hwloc bitmap (0x...)"},
    FLAG("placement.bound", "bound", placement.bound, 0, "the binding is narrower than the host's allowed CPUs"),
    FLAG("placement.bound_by_pynamic", NULL, placement.bound_by_us, 0, "--bind core bound it"),
    FLAG("stage.leader", "stage_leader", stage.leader, PYN_FIELD_CSV_01,
         "--stage bcast: this rank wrote its host's copies"),
    STAGE_SECONDS("stage.read_s", "stage_read_s", stage.read_s,
                  "reading (bcast), searching (cache) or the map (pilot)"),
    STAGE_SECONDS("stage.bcast_s", "stage_bcast_s", stage.bcast_s, "broadcasting the files or the map"),
    STAGE_SECONDS("stage.write_s", "stage_write_s", stage.write_s, "writing the node-local copies (leaders)"),
    STAGE_SECONDS("stage.total_s", NULL, stage.total_s, "barrier to agreement: what staging added (stage_s)"),
    COUNT("stage.files", "stage_files", stage.files, PYN_STORE_I64, "generated files staged or mapped"),
    {"stage.bytes", "stage_bytes", NULL, "bytes", PYN_FIELD_INT, PYN_STORE_I64, AT(stage.bytes), NULL, PYN_NULL_NEVER,
     NULL, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0, "bcast: bytes rank 0 read, or a leader wrote"},
    COUNT("stage.shared_opens", "stage_shared_opens", stage.shared_opens, PYN_STORE_I64,
          "files staging opened on the shared tree"),
    COUNT("stage.shared_enoent", "stage_shared_enoent", stage.shared_enoent, PYN_STORE_I64,
          "candidate paths staging tried on the shared tree that did not exist"),
    {"fractal_first_row", "fractal_first_row", NULL, NULL, PYN_FIELD_INT, PYN_STORE_I32, AT(fractal.first_row), NULL,
     PYN_NULL_NEVER, fractal_ran, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0,
     "the first row this rank computed in the MPI capability test; null when it did not run"},
    {"fractal_rows", "fractal_rows", NULL, "count", PYN_FIELD_INT, PYN_STORE_I32, AT(fractal.rows), NULL,
     PYN_NULL_NEVER, fractal_ran, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0,
     "how many rows it computed: [first, first + rows)"},
    {"modules_per_s", "modules_per_s", "modules/s", "1/s", PYN_FIELD_REAL, PYN_STORE_F64, 0, get_modules_per_s,
     PYN_NULL_NAN, NULL, PYN_SUMMARY_SPREAD, PYN_TEXT_RATES, NULL, NULL, 0,
     "modules_imported / import_s: the import rate; null when the import was not measured"},
    {"clock_skew_s", "clock_skew_s", NULL, "s", PYN_FIELD_REAL, PYN_STORE_F64, AT(clock_skew_s), NULL, PYN_NULL_NAN,
     NULL, PYN_SUMMARY_NONE, PYN_TEXT_NONE, NULL, NULL, 0,
     "how far the launch time is after this rank's main began (the clocks disagree): startup_s and "
     "startup_launch_s are then null; null when it is not after, or without a launch time"},
};
const size_t pyn_field_count = sizeof pyn_fields / sizeof pyn_fields[0];

_Static_assert(sizeof pyn_fields / sizeof pyn_fields[0] <= PYN_FIELDS_MAX,
               "pyn_fields has outgrown struct pyn_results.stats: raise PYN_FIELDS_MAX");

const struct pyn_field_object pyn_field_objects[] = {
    {"fs", fs_counted,
     "the loader's file-system operations on the generated files, per phase; null without the auditor"},
    {"bindings", bindings_counted,
     "symbols bound for the generated libraries, per phase; null unless the opt-in binding counter "
     "(libpynamic-audit-bindings.so, with LD_AUDIT) was loaded"},
    {"rusage", NULL, "page faults per phase (getrusage) and the peak RSS; null where not measured"},
    {"load", NULL, "where the loading time went, per phase (docs/metrics.md); null values where not measured"},
    {"cache", cache_measured, "the page cache at import start; null when the import never began"},
    {"placement", placement_measured, "where the rank ran (hwloc); null when the import never began"},
    {"stage", NULL, "what --stage cost this rank (docs/staging.md)"},
};
const size_t pyn_field_object_count = sizeof pyn_field_objects / sizeof pyn_field_objects[0];

/* --- the run's columns ------------------------------------------------------------------------------------- */

static const char *run_mode(const struct pyn_results *res)
{
    return res->info ? res->info->mode : NULL;
}

static const char *run_config(const struct pyn_results *res)
{
    return res->info && res->info->manifest ? res->info->manifest->config.arguments : NULL;
}

static const char *run_job_id(const struct pyn_results *res)
{
    return res->info && res->info->job ? pyn_job_value(res->info->job->env.id) : NULL;
}

const struct pyn_run_column pyn_run_columns[] = {
    {"mode", "mode", run_mode, "the mode"},
    {"config", "config.arguments", run_config, "the generator's arguments (original syntax)"},
    {"job_id", "job.id", run_job_id, "the scheduler's job id; empty without a scheduler"},
};
const size_t pyn_run_column_count = sizeof pyn_run_columns / sizeof pyn_run_columns[0];

const struct pyn_field *pyn_field_find(const char *key)
{
    for (size_t i = 0; i < pyn_field_count; ++i)
        if (strcmp(pyn_fields[i].key, key) == 0)
            return &pyn_fields[i];
    return NULL;
}

const struct pyn_field_object *pyn_field_object_of(const struct pyn_field *f)
{
    const char *dot = strchr(f->key, '.');
    if (!dot)
        return NULL;
    size_t n = (size_t)(dot - f->key);
    for (size_t i = 0; i < pyn_field_object_count; ++i)
        if (strlen(pyn_field_objects[i].key) == n && strncmp(pyn_field_objects[i].key, f->key, n) == 0)
            return &pyn_field_objects[i];
    return NULL;
}

static void read_stored(const struct pyn_field *f, const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    size_t at = f->offset + ((f->flags & PYN_FIELD_PER_SLOT) ? (size_t)slot * sizeof(struct pyn_fs_counts) : 0);
    const void *p = (const char *)r + at;
    switch (f->store) {
    case PYN_STORE_I32: {
        int32_t x;
        memcpy(&x, p, sizeof x);
        v->i = x;
        break;
    }
    case PYN_STORE_I64:
        memcpy(&v->i, p, sizeof v->i);
        break;
    case PYN_STORE_U64:
        memcpy(&v->u, p, sizeof v->u);
        v->i = (int64_t)v->u;
        break;
    case PYN_STORE_F64:
        memcpy(&v->d, p, sizeof v->d);
        break;
    case PYN_STORE_CHARS:
        v->s = p;
        break;
    }
}

void pyn_field_get(const struct pyn_field *f, const struct pyn_rank_record *r, int slot, struct pyn_field_value *v)
{
    memset(v, 0, sizeof *v);
    const struct pyn_field_object *o = pyn_field_object_of(f);
    if ((o && o->present && !o->present(r)) || (f->measured && !f->measured(r))) {
        v->null = 1;
        return;
    }
    if (f->get)
        f->get(r, slot, v);
    else
        read_stored(f, r, slot, v);
    if (f->null_when == PYN_NULL_NAN)
        v->null = !isfinite(v->d);
    else if (f->null_when == PYN_NULL_NEGATIVE)
        v->null = v->i < 0;
}

double pyn_field_number(const struct pyn_field *f, const struct pyn_rank_record *r, int slot)
{
    struct pyn_field_value v;
    pyn_field_get(f, r, slot, &v);
    if (v.null)
        return NAN;
    switch (f->type) {
    case PYN_FIELD_REAL:
        return v.d;
    case PYN_FIELD_INT:
    case PYN_FIELD_BOOL:
        return (double)v.i;
    case PYN_FIELD_HEX:
        return (double)v.u;
    case PYN_FIELD_STRING:
        break;
    }
    return NAN;
}

const char *pyn_field_name(const struct pyn_field *f, const char *pattern, int slot, char *buf, size_t len)
{
    if (f->flags & PYN_FIELD_PER_SLOT)
        snprintf(buf, len, pattern, pyn_fs_slot_name(slot));
    else
        snprintf(buf, len, "%s", pattern);
    return buf;
}

void pyn_field_each_csv_column(void (*fn)(const struct pyn_field *f, int slot, void *ctx), void *ctx)
{
    for (size_t i = 0; i < pyn_field_count;) {
        int per_slot = (pyn_fields[i].flags & PYN_FIELD_PER_SLOT) != 0;
        size_t end = i + 1;
        while (per_slot && end < pyn_field_count && (pyn_fields[end].flags & PYN_FIELD_PER_SLOT))
            ++end;
        for (int k = 0; k < (per_slot ? PYN_FS_SLOTS : 1); ++k)
            for (size_t j = i; j < end; ++j)
                if (pyn_fields[j].csv)
                    fn(&pyn_fields[j], k, ctx);
        i = end;
    }
}
