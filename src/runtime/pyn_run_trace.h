/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run_trace.h: the loading details that need more than each rank's
 * record: the slowest rank's slowest libraries (the text report's table)
 * and --trace's timeline (pyn_trace.h). */
#ifndef PYN_RUN_TRACE_H
#define PYN_RUN_TRACE_H

#include "pyn_run_state.h"

/* Collective, after the phases and the load split, before the reports:
 * finds the rank with the longest import, shares its slowest libraries
 * (run->slowest_libs), and with --trace gathers the traced ranks' events
 * and writes the file on rank 0 (a failure in run->trace_error). */
void pyn_run_load_details(struct pyn_run *run);

/* --trace-ranks against the job's size, on every rank before anything is
 * timed, kept in run for pyn_run_load_details. Returns an exit status; rank
 * 0 prints the usage error. */
int pyn_run_trace_check(struct pyn_run *run);

#endif
