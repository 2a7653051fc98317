/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_job_mpi.h: the job's description gathered at set-up (pyn_job.h),
 * outside every timed phase: every rank reads its environment and sends it
 * with its host name to rank 0, which groups the hosts and checks that the
 * ranks agree on the scheduler, the job, the step and the launcher. */
#ifndef PYN_JOB_MPI_H
#define PYN_JOB_MPI_H

#include "pyn_job.h"

#include <mpi.h>
#include <stdio.h>

/* Collective on comm; host names this rank (gethostname). The wait is the
 * watchdog's (pyn_watchdog_wait), so a rank that never arrives is named
 * under --timeout. On rank 0, *out is the job (the caller frees it with
 * pyn_job_free); elsewhere NULL. Returns an exit status for the caller to
 * agree on: PYN_EXIT_ERROR, with "PROG: rank 0: ..." on errs, when rank 0
 * runs out of memory building the description; with no memory for the
 * gather's buffer it cannot take part, and ends the job (MPI_Abort) after
 * that line. */
int pyn_job_gather(MPI_Comm comm, const char *host, struct pyn_job **out, const char *prog, FILE *errs);

#endif
