/* SPDX-License-Identifier: BSD-3-Clause */
/* After the phases, collectively: the slowest rank's slowest libraries for
 * the text report, and --trace (pyn_trace.h): which ranks, their events
 * gathered to rank 0, the file. */
#include "pyn_run_trace.h"

#include "pyn_collective.h"
#include "pyn_fs.h"
#include "pyn_tool.h"
#include "pyn_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A library's own time: search and map, and relocation when it was its own. */
static double own_s(const struct pyn_load_library *l)
{
    return l->search_s + l->map_s + (isnan(l->relocate_s) ? 0.0 : l->relocate_s);
}

/* Slowest first. */
static int by_time(const void *a, const void *b)
{
    double tx = own_s(a), ty = own_s(b);
    return (tx < ty) - (tx > ty);
}

/* The rank with the longest import (the lowest on ties), on every rank. */
static int slowest_rank(const struct pyn_run *run)
{
    struct {
        double v;
        int rank;
    } mine = {isfinite(run->rec.phase_s[PYN_PHASE_IMPORT]) ? run->rec.phase_s[PYN_PHASE_IMPORT] : -1.0, run->rank},
      max = mine;
    pyn_coll_allreduce(&mine, &max, 1, MPI_DOUBLE_INT, MPI_MAXLOC, run->comm);
    return max.rank;
}

/* The slowest rank's PYN_SLOWEST_LIBRARIES slowest libraries, to every rank. */
static void share_slowest_libraries(struct pyn_run *run, int slowest)
{
    struct pyn_load_library top[PYN_SLOWEST_LIBRARIES];
    int32_t n = 0;
    memset(top, 0, sizeof top);
    if (run->rank == slowest && run->load_libs) {
        qsort(run->load_libs, run->nload_libs, sizeof *run->load_libs, by_time);
        n = (int32_t)(run->nload_libs < PYN_SLOWEST_LIBRARIES ? run->nload_libs : PYN_SLOWEST_LIBRARIES);
        memcpy(top, run->load_libs, (size_t)n * sizeof *top);
    }
    pyn_coll_bcast(&n, 1, MPI_INT32_T, slowest, run->comm);
    pyn_coll_bcast(top, (int)sizeof top, MPI_BYTE, slowest, run->comm);
    memcpy(run->slowest_libs, top, sizeof top);
    run->nslowest_libs = n;
    run->slowest_libs_rank = slowest;
}

/* This rank's time from its process start to its import's start, the most of every rank's: the tracks' common
 * offset, so that no event has a negative time. */
static double common_offset_us(const struct pyn_run *run)
{
    double mine = (double)(run->phase_start_ns[PYN_PHASE_IMPORT] - run->phase_start_ns[PYN_PHASE_STARTUP]) * 1e-3,
           max = mine;
    pyn_coll_allreduce(&mine, &max, 1, MPI_DOUBLE, MPI_MAX, run->comm);
    return max;
}

static void trace(struct pyn_run *run, int slowest)
{
    char err[PYN_ERROR_MAX];
    int traced = run->trace_slowest && run->rank == slowest;
    for (int i = 0; i < run->ntrace_ranks; ++i)
        traced |= run->trace_ranks[i] == run->rank;
    double offset = common_offset_us(run);
    char *mine = NULL;
    if (traced) {
        struct pyn_trace_rank in = {
            .rank = run->rank,
            .host = run->rec.host,
            .manifest = run->manifest,
            .audit = pyn_fs_state(),
            .stage_start_ns = run->rec.stage.start_ns,
            .stage_s = run->rec.stage.total_s,
            .interpreter = run->mode->interpreter,
            .offset_us = offset,
        };
        memcpy(in.phase_start_ns, run->phase_start_ns, sizeof in.phase_start_ns);
        memcpy(in.phase_s, run->rec.phase_s, sizeof in.phase_s);
        in.phase_s[PYN_PHASE_STARTUP] = run->rec.startup_exec_s; /* the track starts at the process's start */
        mine = pyn_trace_rank_events(&in);
    }
    int len = traced && mine ? (int)strlen(mine) : 0, failed = traced && !mine;
    int *lens = run->rank == 0 ? calloc((size_t)run->nranks, sizeof *lens) : NULL;
    int *displs = run->rank == 0 ? calloc((size_t)run->nranks, sizeof *displs) : NULL;
    int any_failed = 0;
    pyn_coll_allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, run->comm);
    pyn_coll_gather(&len, 1, MPI_INT, lens, 1, MPI_INT, 0, run->comm);
    char *all = NULL;
    long total = 0;
    if (run->rank == 0) {
        for (int r = 0; r < run->nranks; ++r) {
            displs[r] = (int)total;
            total += lens[r] + 1;
        }
        all = calloc((size_t)total + 1, 1);
    }
    pyn_coll_gatherv(mine ? mine : "", len, MPI_CHAR, all, lens, displs, MPI_CHAR, 0, run->comm);
    if (run->rank == 0) {
        const char **frags = calloc((size_t)run->nranks, sizeof *frags);
        if (!all || !frags || any_failed) {
            snprintf(run->trace_error, sizeof run->trace_error, "write %s: out of memory for a traced rank's events",
                     run->opt.trace_path);
        } else {
            for (int r = 0; r < run->nranks; ++r) {
                all[displs[r] + lens[r]] = '\0';
                frags[r] = all + displs[r];
            }
            if (pyn_trace_write(run->opt.trace_path, frags, (size_t)run->nranks, run->mode->name, err, sizeof err))
                snprintf(run->trace_error, sizeof run->trace_error, "%s", err);
        }
        free(frags);
    }
    free(all);
    free(lens);
    free(displs);
    free(mine);
}

void pyn_run_load_details(struct pyn_run *run)
{
    int slowest = slowest_rank(run);
    share_slowest_libraries(run, slowest);
    if (run->opt.trace_path)
        trace(run, slowest);
}

int pyn_run_trace_check(struct pyn_run *run)
{
    char err[PYN_ERROR_MAX];
    if (run->opt.trace_path && !run->opt.audit) {
        if (run->rank == 0)
            fprintf(stderr, "%s: --trace needs --audit: the timeline is made of ld.so's auditor's events\n", run->prog);
        return PYN_EXIT_USAGE;
    }
    if (pyn_trace_ranks_parse(run->opt.trace_ranks, run->nranks, run->trace_ranks, &run->ntrace_ranks,
                              &run->trace_slowest, err, sizeof err) == 0)
        return PYN_EXIT_OK;
    if (run->rank == 0)
        fprintf(stderr, "%s: %s\n", run->prog, err);
    return PYN_EXIT_USAGE;
}
