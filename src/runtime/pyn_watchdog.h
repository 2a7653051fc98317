/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_watchdog.h: --timeout SECONDS, the watchdog over every collective wait.
 *
 * A stuck rank (stopped, or blocked on a hung file system) would hold every
 * other rank in the next collective for ever, with nothing printed. Armed
 * (at set-up, right after the options: pyn_run.c), every collective wait of
 * the run (pyn_collective.h, and staging's waits) is the nonblocking call
 * plus a zero-byte notice to rank 0 that this rank arrived; when the step
 * (pyn_step.h) has not ended on every rank within the timeout of its start
 * (or of the arming, in set-up), rank 0 prints one line naming the step and
 * the ranks that did not arrive, with their hosts, tells every rank to
 * remove its host's node-local copies (pyn_watchdog_copies), waits for
 * them (PYN_WATCHDOG_ENDING_S at most) and ends the job with MPI_Abort (the
 * last resort: the stuck rank cannot agree to anything). Should rank 0
 * itself be the one stuck, rank 1 says so at twice the timeout and ends
 * the job. Off (the default) every wait is the plain blocking call:
 * nothing is added to what is measured. Process-wide: one run at a time.
 *
 * Who sends notices: a wait that every rank of the armed communicator
 * reaches at the same point of the run (pyn_watchdog_wait), whatever
 * communicator its request is on (a node's barrier: each rank on its own
 * node's communicator), notifies rank 0 from every rank; a collective among
 * some ranks only (the hosts' leaders in staging) notifies from its members
 * only (pyn_watchdog_wait_among), and rank 0 must be a member: rank 0 is
 * the one that waits for the notices, and each pair (rank, rank 0) must
 * count the same waits in the same order. */
#ifndef PYN_WATCHDOG_H
#define PYN_WATCHDOG_H

#include <mpi.h>
#include <stddef.h>

/* At most this long, rank 0 waits for the other ranks to remove their
 * copies before MPI_Abort (a stuck rank never answers). */
#define PYN_WATCHDOG_ENDING_S 2.0

/* Collective on comm: arms the watchdog (timeout_s > 0; 0 leaves it off)
 * over a duplicate of comm, with every rank's host gathered to rank 0 for
 * its line; prog and host name this rank. Returns 0, or -ENOMEM with one
 * line in err. */
int pyn_watchdog_setup(MPI_Comm comm, double timeout_s, const char *prog, const char *host, char *err, size_t errlen);

/* Whether the watchdog is armed. */
int pyn_watchdog_on(void);

/* Waits for req, a nonblocking collective that every rank of the armed
 * communicator reaches at this point of the run (on that communicator, or
 * on its own part of a split of it), under the watchdog: never returns
 * when the step times out. Off: MPI_Wait, or with nap, MPI_Test with 50 us
 * naps between (pyn_stage's waits, so that waiting ranks leave the cores
 * to the rank that works). */
void pyn_watchdog_wait(MPI_Request *req, int nap);

/* As pyn_watchdog_wait, for a collective on members, which only its
 * members reach; the armed communicator's rank 0 must be one of them (a
 * rank that finds it is not ends the job with a line: a programming
 * error). Off: MPI_Wait. */
void pyn_watchdog_wait_among(MPI_Comm members, MPI_Request *req);

/* The paths this rank removes (pyn_interrupt_remove_paths) when rank 0
 * ends the job: its host's node-local copies. paths must stay valid until
 * the list is replaced or cleared (NULL, 0). */
void pyn_watchdog_copies(char *const *paths, size_t n);

/* Disarms and frees (collective: frees the duplicate communicator). */
void pyn_watchdog_free(void);

#endif
