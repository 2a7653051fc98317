/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_trace.h: --trace, a timeline of the loading of selected ranks in the
 * Chrome trace-event JSON format (what Perfetto and chrome://tracing open):
 * one track per rank (pid = rank), the phases as slices, in them each load
 * (a dlopen call, or the start-up's), in those each library's search and
 * map and the load's relocation and initialisers, and every failed probe
 * as an instant event with its path. Built from the same intervals as the
 * report's split (pyn_loadtime.h), so the slices of a phase sum to its
 * figures. The MPI side (which ranks, the gather to rank 0) is
 * pyn_run_trace.c's. */
#ifndef PYN_TRACE_H
#define PYN_TRACE_H

#include "pyn_audit_abi.h"
#include "pyn_manifest.h"
#include "pyn_phase.h"

#include <stddef.h>
#include <stdint.h>

/* --trace-ranks: at most this many ranks are traced. */
#define PYN_TRACE_MAX_RANKS 16

/* The ranks --trace-ranks names: a comma-separated list of rank numbers
 * and the word "slowest" (the rank with the longest import, chosen after
 * the run), at most PYN_TRACE_MAX_RANKS, each below nranks. Fills ranks
 * (the numbers, in order given, without repeats) and *slowest. Returns 0,
 * or -EINVAL with one line in err naming the value. */
int pyn_trace_ranks_parse(const char *text, int nranks, int ranks[PYN_TRACE_MAX_RANKS], int *nranks_out, int *slowest,
                          char *err, size_t errlen);

/* What one rank's track is made of. Times are CLOCK_MONOTONIC nanoseconds
 * of that rank; the track shows them relative to its import's start, plus
 * offset_us (the same on every track, so the imports line up). */
struct pyn_trace_rank {
    int rank;
    const char *host;
    const struct pyn_manifest *manifest;
    const struct pyn_audit_state *audit; /* the events; NULL: no auditor (phases only) */
    uint64_t phase_start_ns[PYN_PHASE_COUNT];
    double phase_s[PYN_PHASE_COUNT]; /* NaN: not run */
    uint64_t stage_start_ns;         /* 0: no staging */
    double stage_s;
    double phase_import_s; /* for interpreter_s in the args */
    int interpreter;
    double offset_us;
};

/* The rank's events as the elements of a JSON array, without the brackets
 * ("{...},{...}"), malloc'd; NULL when out of memory. */
char *pyn_trace_rank_events(const struct pyn_trace_rank *in);

/* Writes the whole file, atomically (pyn_file.h): the ranks' element texts
 * joined in one traceEvents array, with the run's description. Returns 0,
 * or a negative errno with one line in err naming the file. */
int pyn_trace_write(const char *path, const char *const *fragments, size_t n, const char *mode, char *err,
                    size_t errlen);

#endif
