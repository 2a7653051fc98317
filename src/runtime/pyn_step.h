/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_step.h: where a run is, for what stops it from outside (SIGINT or
 * SIGTERM, pyn_interrupt.h) and for the watchdog (--timeout,
 * pyn_watchdog.h): both name the step. Wider than the timed phases
 * (pyn_phase.h): staging and the steps around the phases count too.
 * Process-wide, one run at a time; read from a signal handler. */
#ifndef PYN_STEP_H
#define PYN_STEP_H

#include <stdint.h>

enum pyn_step {
    PYN_STEP_SETUP,  /* MPI_Init to staging: options, manifest, placement */
    PYN_STEP_STAGE,  /* --stage: staging or the path cache */
    PYN_STEP_IMPORT, /* the import phase and the agreements around it */
    PYN_STEP_VISIT,  /* the visit phase and the agreements around it */
    PYN_STEP_END,    /* verification, the MPI capability test, the reports */
    PYN_STEP_COUNT
};

/* "set-up", "staging", "import", "visit", "the end of the run"; NULL out of range. */
const char *pyn_step_name(enum pyn_step step);

/* The run enters step now (pyn_clock_monotonic_ns). */
void pyn_step_enter(enum pyn_step step);

/* The step the run is in; when since_ns is not NULL, when it entered it. Async-signal-safe. */
enum pyn_step pyn_step_current(uint64_t *since_ns);

#endif
