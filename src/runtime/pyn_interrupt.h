/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_interrupt.h: SIGINT and SIGTERM stop the run at its next agreement.
 *
 * Ctrl-C on the launcher and a scheduler's time limit reach every rank as
 * SIGINT or SIGTERM (mpiexec forwards both; slurmstepd sends SIGTERM, and
 * SIGKILL after KillWait). Killed where it stood, a rank would leave its
 * host's node-local copies (--stage bcast) filling memory for the next job.
 * Armed, the handler only records the first signal and the step the run
 * was in (pyn_step.h) and removes the paths of the cleanup lists (a leader's
 * copies, a rank's search directories, so they are gone even if the SIGKILL follows before the main flow
 * gets there); the agreements then stop every rank together, and
 * pyn_main decides what is printed and the exit status (128 + the signal).
 * Every call of the handler is async-signal-safe (unlink, rmdir, strlen,
 * alarm).
 * Process-wide: one armed run at a time. */
#ifndef PYN_INTERRUPT_H
#define PYN_INTERRUPT_H

#include "pyn_step.h"

#include <stddef.h>

/* Seconds a signalled rank has to reach the end of the run before SIGALRM's
 * default action ends it (a stuck rank elsewhere holds the agreement). */
#define PYN_INTERRUPT_GRACE_S 10

/* Installs the handler for SIGINT and SIGTERM, keeping the previous actions
 * (the Python driver's), and forgets any earlier signal. */
void pyn_interrupt_arm(void);

/* Restores the actions pyn_interrupt_arm replaced and clears every cleanup list. */
void pyn_interrupt_disarm(void);

/* The first signal caught since arming (SIGINT or SIGTERM), or 0; when step
 * is not NULL and a signal was caught, the step the run was in then. */
int pyn_interrupt_caught(enum pyn_step *step);

/* Who gave a list of paths to remove: each owner's list is its own, so
 * that staging's and a mode's do not replace each other. */
enum pyn_interrupt_owner {
    PYN_INTERRUPT_STAGE,  /* a --stage bcast leader's copies and job directory */
    PYN_INTERRUPT_SEARCH, /* the Python modes' per-run search directories */
    PYN_INTERRUPT_OWNERS
};

/* The paths the handler removes for owner, in order: a path ending in '/'
 * with rmdir, any other with unlink (files first, then their directories).
 * paths must stay valid until the owner's list is replaced or cleared
 * (NULL, 0). */
void pyn_interrupt_cleanup_for(enum pyn_interrupt_owner owner, char *const *paths, size_t n);

/* pyn_interrupt_cleanup_for(PYN_INTERRUPT_STAGE, paths, n). */
void pyn_interrupt_cleanup(char *const *paths, size_t n);

/* Removes paths as the handler does (async-signal-safe; errors ignored):
 * also the watchdog's, before it ends the job (pyn_watchdog.h). */
void pyn_interrupt_remove_paths(char *const *paths, size_t n);

/* "SIGINT", "SIGTERM", or "signal" for any other. */
const char *pyn_interrupt_signal_name(int sig);

#endif
