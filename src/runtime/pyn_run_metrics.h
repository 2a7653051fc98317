/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run_metrics.h: the run's faults, page cache and placement
 * (docs/metrics.md), taken around the timed phases.
 *
 * Everything here runs outside the timed regions: around the barriers, or
 * before a phase's clock starts and after it stops. It fills the rank's
 * record (cache, placement, rusage) and keeps what it needs between the
 * steps in a struct pyn_run_metrics: the host's communicator (which
 * staging uses too), the topology, the sample taken at a phase's start.
 */
#ifndef PYN_RUN_METRICS_H
#define PYN_RUN_METRICS_H

#include "pyn_manifest.h"
#include "pyn_phase.h"
#include "pyn_placement.h"
#include "pyn_results.h"
#include "pyn_run_options.h"
#include "pyn_rusage.h"

#include <mpi.h>
#include <stddef.h>
#include <stdio.h>

struct pyn_run_metrics {
    MPI_Comm node; /* the ranks of this host (MPI_COMM_TYPE_SHARED); MPI_COMM_NULL before setup */
    int node_rank;
    struct pyn_placement *placement;
    struct pyn_rusage_sample rusage_t0; /* taken at a phase's start, outside its clock */
};

/* Before setup: nothing to free. */
void pyn_run_metrics_init(struct pyn_run_metrics *m);

/* Collective on comm, on every rank whatever its options: splits the host's
 * communicator, refuses --cold when the mode has the
 * libraries mapped already (it loads them before main), loads the topology
 * and binds (--bind core). Prints its own error to errs, "PROG: ..." from rank 0 for a
 * usage error or "PROG: rank R (HOST): ..." (rec's rank and host) for the
 * rank's own; returns an exit status for the caller to agree on. */
int pyn_run_metrics_setup(struct pyn_run_metrics *m, MPI_Comm comm, const struct pyn_run_options *o,
                          const struct pyn_manifest *manifest, const char *mode_name, const struct pyn_rank_record *rec,
                          const char *prog, FILE *errs);

/* Before the barrier that starts the import phase, on every rank
 * (collective on the host): --cold's eviction by the host's first rank, the
 * page-cache count that proves what it was (with --cold or --cache-count),
 * and where this rank runs, into rec. Returns 0, or the first error's
 * negative errno with one line in err (the rank's error). */
int pyn_run_metrics_import_start(struct pyn_run_metrics *m, const struct pyn_run_options *o,
                                 const struct pyn_manifest *manifest, const char *library_dir,
                                 struct pyn_rank_record *rec, char *err, size_t errlen);

/* Just before a phase's clock starts: the sample its faults are counted from. */
void pyn_run_metrics_phase_begin(struct pyn_run_metrics *m);

/* After the clock of the import or visit phase stopped: its faults, into rec. */
void pyn_run_metrics_phase_end(struct pyn_run_metrics *m, enum pyn_phase phase, struct pyn_rank_record *rec);

/* Before the records are gathered: peak RSS and where the rank ended. */
void pyn_run_metrics_finish(struct pyn_run_metrics *m, struct pyn_rank_record *rec);

/* Frees the topology and the host's communicator (collective on it). */
void pyn_run_metrics_free(struct pyn_run_metrics *m);

#endif
