/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_startup.h: what a launch time says about the startup phase. The
 * launch time is read on the launching host's clock and compared with each
 * rank's own: a launch after a rank's main began is skew between
 * the clocks, and that rank's startup is not measured (null in the
 * reports), never a negative time. */
#ifndef PYN_STARTUP_H
#define PYN_STARTUP_H

#include "pyn_results.h"

#include <mpi.h>
#include <stdio.h>

/* How far launch_time is after main_epoch_s (when the run's first line
 * ran on this rank), or NaN when it is not: the clock skew that would make
 * the startup negative. Not against the process's creation: its age from
 * the kernel was seen to run more than a clock tick long here. Seconds
 * since the epoch on CLOCK_REALTIME. */
double pyn_startup_skew_s(double launch_time, double main_epoch_s);

/* Collective over comm, outside the phases: the largest startup
 * (phase_s[PYN_PHASE_STARTUP]) over the ranks, on rank 0; NaN when any
 * rank has none. When any rank's clock_skew_s is set, rank 0 writes one
 * line to err: "PROG: clock skew: launch time T is after K of N ranks
 * started (by up to S s, rank R): ...". */
double pyn_startup_slowest(MPI_Comm comm, const struct pyn_rank_record *r, double launch_time, const char *prog,
                           FILE *err);

#endif
