/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run_state.h: what a run holds, for the runtime's own files only
 * (pyn_run.c, the lifecycle; pyn_run_access.c, the calls a mode's hooks
 * make; pyn_run_visit.c, the shared visit and its verification;
 * pyn_run_end.c, how a run ends). Modes see struct pyn_run as opaque
 * (pyn_run.h). */
#ifndef PYN_RUN_STATE_H
#define PYN_RUN_STATE_H

#include "pyn_fractal.h"
#include "pyn_job.h"
#include "pyn_progress.h"
#include "pyn_results.h"
#include "pyn_run.h"
#include "pyn_run_metrics.h"
#include "pyn_run_options.h"
#include "pyn_stage.h"
#include "pyn_step.h"
#include "pyn_trace.h"

#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>

struct pyn_run {
    const struct pyn_mode *mode;
    const char *prog;
    MPI_Comm comm; /* every rank of the run */
    int rank, nranks;
    struct pyn_run_options opt;
    struct pyn_manifest *manifest;
    char *manifest_path;     /* absolute */
    char *library_dir;       /* absolute: the libraries' home */
    struct pyn_stage *stage; /* --stage: what it staged or mapped, NULL without */
    char *load_dir;          /* --stage bcast: the node-local copy loaded instead of library_dir */
    pyn_entry_fn *entries;
    pyn_entry_fn markers[2]; /* by enum pyn_marker_role; NULL: the mode does not load them */
    uint64_t *values;        /* what each module's visit returned */
    uint8_t *imported;       /* which modules the import made callable */
    bool visited;            /* every rank's visit phase ended well: verify, then the MPI capability test */
    int status;              /* the exit status once the run is over early */
    uint64_t phase_t0_ns;
    struct pyn_rank_record rec;
    struct pyn_run_info info;
    double span_s[PYN_PHASE_COUNT];
    struct pyn_progress progress;       /* rank 0's progress line */
    char fs_error[PYN_ERROR_MAX];       /* why this rank has no file-system counts */
    struct pyn_run_metrics metrics;     /* faults, page cache, placement; the host's communicator */
    struct pyn_fractal_summary fractal; /* the MPI capability test after the visit (pyn_fractal_mpi.h) */
    struct pyn_job *job;                /* rank 0: the job, gathered at set-up (pyn_job_mpi.h); else NULL */
    /* When each phase began on CLOCK_MONOTONIC (startup: main less the process's age): the trace's. */
    uint64_t phase_start_ns[PYN_PHASE_COUNT];
    struct pyn_load_library *load_libs; /* this rank's libraries as loaded (pyn_loadtime_split) */
    size_t nload_libs;
    struct pyn_load_library slowest_libs[PYN_SLOWEST_LIBRARIES]; /* the slowest rank's, slowest first */
    int nslowest_libs, slowest_libs_rank;
    int trace_ranks[PYN_TRACE_MAX_RANKS]; /* --trace-ranks, parsed at set-up (pyn_run_trace_check) */
    int ntrace_ranks, trace_slowest;
    char trace_error[PYN_ERROR_MAX + 64]; /* rank 0: --trace could not be written */
};

/* The visit every C mode shares (struct pyn_mode's visit when NULL): the
 * begin marker, each module's entry in manifest order, the final marker. */
int pyn_run_visit_entries(struct pyn_run *run);

/* Outside the timed phases: compares what each module returned with the
 * manifest and folds the run's total the same way the generator did, into
 * the rank's record; a mismatch is this rank's error. */
void pyn_run_verify_visit(struct pyn_run *run);

/* Collective: the worst of every rank's exit status. */
int pyn_run_agree_status(const struct pyn_run *run, int mine);

/* The end of a run (pyn_run_end.c); every call is collective. */
/* The signal (SIGINT or SIGTERM) any rank was sent, or 0, and the step it
 * came in. */
int pyn_run_end_interrupted(struct pyn_run *run, enum pyn_step *step);
/* After SIGINT or SIGTERM, agreed: the leaders remove their hosts' copies
 * and rank 0 says what stopped the run, in one line; no report (a time
 * limit leaves seconds). Returns 128 + the signal. */
int pyn_run_end_stopped(struct pyn_run *run, int sig, enum pyn_step step);
/* Verification, the MPI capability test, staging's removal, gather and
 * reports. Returns the exit status, agreed. */
int pyn_run_end_report(struct pyn_run *run);
/* The mode's epilogue hook; a failure there (a closing line that cannot be
 * written) fails the run on every rank. Returns the exit status, agreed. */
int pyn_run_end_epilogue(struct pyn_run *run, int status);

#endif
