/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_fatal.h: says which rank died loading what, when the import phase
 * (or the process's end, after the report) dies of a fatal signal.
 *
 * A library the loader cannot map cleanly (truncated under ld.so, changed
 * while mapped) kills the process with SIGBUS or SIGSEGV inside dlopen. The
 * handler, armed for the import phase and again from the report to the
 * process's end (MPI_Finalize, the mode's clean-up), writes one line to stderr,
 * "PROG: rank R (HOST): STEP: fatal signal SIGBUS while loading WHAT (the
 * fault is in FILE)", then lets the signal take its default course, so the
 * launcher sees the real cause. Process-wide state: one armed run at a time.
 */
#ifndef PYN_FATAL_H
#define PYN_FATAL_H

/* Installs the handler for SIGBUS, SIGSEGV, SIGILL and SIGFPE, keeping the
 * previous actions, with the line's prefix made now from prog, rank, host
 * and step ("import"; the handler formats nothing). Clears what is being
 * loaded. */
void pyn_fatal_arm(const char *prog, int rank, const char *host, const char *step);

/* Restores the actions pyn_fatal_arm() replaced and clears what is being loaded. */
void pyn_fatal_disarm(void);

/* Names what is being loaded now (NULL: nothing) for the handler's line;
 * what must stay valid until the next call. */
void pyn_fatal_loading(const char *what);

#endif
