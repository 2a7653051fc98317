/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_results.h: the one results model every writer (text, JSON, CSV) reads.
 * A record per rank, gathered to rank 0, and their summary across ranks. */
#ifndef PYN_RESULTS_H
#define PYN_RESULTS_H

#include "pyn_cache.h"
#include "pyn_elf.h"
#include "pyn_fractal.h"
#include "pyn_fs.h"
#include "pyn_job.h"
#include "pyn_loadtime.h"
#include "pyn_manifest.h"
#include "pyn_options.h"
#include "pyn_phase.h"
#include "pyn_placement.h"
#include "pyn_rusage.h"
#include "pyn_stage_record.h"

#include <stdint.h>

#define PYN_HOST_MAX 64
#define PYN_ERROR_MAX 512

/* Room for the summaries of the report's fields (pyn_fields.h), one per
 * row; pyn_fields.c checks at compile time that its table fits. */
#define PYN_FIELDS_MAX 96

/* Plain old data with fixed sizes: gathered over MPI as bytes (ranks of one
 * job run the same binary, so the layout agrees). */
struct pyn_rank_record {
    int32_t rank;
    int32_t pid;
    int32_t failed;      /* this rank hit an error; error[] says which */
    int32_t checksum_ok; /* every module's visit returned the manifest's checksum */
    int32_t libraries_loaded;
    int32_t modules_imported;
    int32_t modules_visited;
    int32_t stopped;                       /* no error of its own: it stopped because another rank failed */
    uint64_t checksum;                     /* fold of the module checksums, as the manifest's total */
    int32_t fs_ok;                         /* fs[] holds counts (the auditor was loaded); else all zero */
    int32_t bindings_ok;                   /* fs[].bindings holds counts (the opt-in binding counter was loaded too) */
    struct pyn_fs_counts fs[PYN_FS_SLOTS]; /* by phase, then "other" (docs/metrics.md) */
    double phase_s[PYN_PHASE_COUNT];       /* startup_s holds the reported startup (see startup_source) */
    double startup_exec_s;                 /* process creation to main, no clock agreement needed */
    double startup_launch_s;               /* launch time to main; NaN without a launch time */
    double clock_skew_s;                   /* the launch time is this much after main began; else NaN */
    char host[PYN_HOST_MAX];
    char error[PYN_ERROR_MAX];
    /* Page faults, page cache, placement (docs/metrics.md). */
    struct pyn_rusage_record rusage;
    struct pyn_cache_record cache;
    struct pyn_placement_record placement;
    struct pyn_stage_record stage;     /* --stage's cost on this rank (docs/staging.md) */
    struct pyn_fractal_record fractal; /* the MPI capability test on this rank (pyn_fractal.h) */
    struct pyn_load_record load;       /* where the loading time went (pyn_loadtime.h) */
};

/* One field summarised across the ranks that measured it (pyn_stats_compute:
 * a value not measured is left out). */
struct pyn_stat {
    int n;        /* ranks that measured it */
    int max_rank; /* the highest value's rank (lowest rank number on ties) */
    double min, median, mean, max;
};

/* What a report says about the run besides the per-rank records. */
struct pyn_run_info {
    const char *mode;
    const struct pyn_option *const *option_tables; /* the effective configuration */
    const struct pyn_manifest *manifest;
    const char *manifest_path;
    const char *library_dir;
    int argc;
    char **argv;
    char date[64];              /* when the run started (the JSON report's "date") */
    char run_on[32];            /* the same as the original's run line prints it: %x %X, C locale */
    double start_epoch_s;       /* the same, as seconds since the epoch */
    double launch_time;         /* NaN when not given */
    const char *startup_source; /* "launch_time" or "exec" */
    double startup_exec_resolution_s;
    char mpi_library[512];
    char libc_version[64];
    const char *compiler;
    const struct pyn_job *job; /* the scheduler, launcher and hosts (pyn_job.h); NULL: not gathered */
    int stage_kind;            /* enum pyn_stage_kind */
    const char *stage_dir;     /* --stage bcast: the node-local copy's directory; else NULL */
    const char *pilot_map;     /* --pilot-map, or NULL */
    unsigned long long stage_chunk_bytes;
};

/* The static sizes of what the run loaded (docs/report.md, "Static sizes"):
 * computed on rank 0 after every timed phase, never inside one. */
struct pyn_static_summary {
    int ok;                    /* 0: error says why nothing (or not everything) was read */
    char error[PYN_ERROR_MAX]; /* one line naming the file and the reason */
    struct pyn_elf_tree tree;  /* the manifest's libraries in the run's library directory */
    char executable[4096];     /* the running executable (realpath of /proc/self/exe) */
    struct pyn_elf_sizes exe;
};

/* One file-system counter summarised across the ranks that have counts. */
struct pyn_fs_stat {
    uint64_t sum, min, max;
    double mean;
    int max_rank;
    int n; /* ranks that counted it (bindings: fewer than nfs_ok when not opted in) */
};

/* The per-slot fields of pyn_fields (struct pyn_fs_counts: opens, enoent,
 * stats, bytes, local, bindings), in table order. */
#define PYN_FS_NCOUNTERS 6

/* --stage across ranks: the slowest rank of each part, what the leaders
 * wrote, the shared-tree operations staging made in all. */
struct pyn_stage_summary {
    double read_max_s, bcast_max_s, write_max_s;
    int64_t files, bytes_max; /* files staged or mapped; the most bytes one rank read or wrote */
    int64_t shared_opens, shared_enoent;
    int leaders;
};

struct pyn_results {
    const struct pyn_run_info *info;
    const struct pyn_static_summary *statics; /* NULL: not computed */
    int nranks;
    int nhosts;
    int nfailed;       /* ranks whose record says failed */
    int nstopped;      /* ranks that stopped only because others failed */
    int nchecksum_ok;  /* ranks whose visit was verified */
    int module_passed; /* no rank failed and every checksum verified: the original's "module test" */
    int passed;        /* module_passed, the MPI capability test passed, every output written */
    char report_error[PYN_ERROR_MAX +
                      128];        /* the result lines (stdout) or the CSV that could not be written; empty if none */
    struct pyn_rank_record *ranks; /* nranks records, by rank */
    /* stats[i]: pyn_fields[i] across ranks, for the rows with a summary of
     * PYN_SUMMARY_SPREAD or PYN_SUMMARY_MEASURED (pyn_results_stat finds one). */
    struct pyn_stat stats[PYN_FIELDS_MAX];
    int nfs_ok;                   /* ranks with file-system counts */
    char fs_error[PYN_ERROR_MAX]; /* why a rank had none (rank 0's reason, or the first); empty if none */
    struct pyn_fs_stat fs[PYN_FS_SLOTS][PYN_FS_NCOUNTERS]; /* by slot, then per-slot field in table order */
    /* Each phase as the original timed it: rank 0, barrier to barrier. NaN
     * for phases not bracketed by barriers (mpi_init, startup). */
    double span_s[PYN_PHASE_COUNT];
    struct pyn_stage_summary stage;
    struct pyn_fractal_summary fractal; /* the MPI capability test, as rank 0 saw it */
    /* The slowest rank's slowest libraries (pyn_run_trace.h), slowest first; none when not timed. */
    const struct pyn_load_library *slowest_libs;
    int nslowest_libs, slowest_libs_rank;
};

/* Fills the derived fields (nhosts, counts, passed, stats, fs, stage) from
 * ranks. A SPREAD field no rank measured has NaN values and max_rank
 * ranks[0]'s (the writers print "-" or null); a MEASURED one has NaN and
 * n 0. With no ranks at all, SPREAD stats are zeros. */
void pyn_results_summarise(struct pyn_results *res);

/* The summary of the field with this key (pyn_fields.h), or NULL when the
 * key is not a summarised field. */
const struct pyn_stat *pyn_results_stat(const struct pyn_results *res, const char *key);

/* "cold" or "warm" (what rank 0 did at import start), NULL when no rank measured it. */
const char *pyn_results_cache_mode(const struct pyn_results *res);

/* Whether ranks[i] is the first rank on its host that sampled the host's
 * topology (the one whose topology the reports show). O(i). */
int pyn_results_first_on_host(const struct pyn_results *res, int i);

/* Reads the static sizes of the manifest's libraries in library_dir and of
 * the executable at exe_path into *out (out->ok says whether it all worked;
 * out->error says why not). Reads only section headers; call it outside
 * every timed phase. */
void pyn_static_summary_compute(struct pyn_static_summary *out, const struct pyn_manifest *m, const char *library_dir,
                                const char *exe_path);

#endif
