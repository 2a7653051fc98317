/* pyn_watchdog.h: --timeout SECONDS, the phase watchdog.
 *
 * A stuck rank (stopped, or blocked on a hung file system) would hold every
 * other rank in the next agreement for ever, with nothing printed. With a
 * timeout, every wait for a collective that all ranks join (the barrier
 * that starts a phase, the agreement that ends it, staging's agreements)
 * also sends rank 0 a zero-byte notice that this rank arrived; when the
 * step (pyn_step.h) has not ended on every rank within the timeout of its
 * start, rank 0 prints one line naming the step and the ranks that did not
 * arrive, with their hosts, and ends the job with MPI_Abort (the last
 * resort: the stuck rank cannot agree to anything). Should rank 0 itself be
 * the one stuck, rank 1 says so at twice the timeout and ends the job.
 * Off (the default) every wait is the plain blocking call: nothing is added
 * to what is measured. Process-wide: one run at a time. */
#ifndef PYN_WATCHDOG_H
#define PYN_WATCHDOG_H

#include <mpi.h>
#include <stddef.h>

/* Collective on comm: arms the watchdog (timeout_s > 0; 0 leaves it off)
 * over a duplicate of comm, with every rank's host gathered to rank 0 for
 * its line; prog and host name this rank. Returns 0, or -ENOMEM with one
 * line in err. */
int pyn_watchdog_setup(MPI_Comm comm, double timeout_s, const char *prog, const char *host, char *err, size_t errlen);

/* Whether the watchdog is armed. */
int pyn_watchdog_on(void);

/* Waits for req, a nonblocking collective every rank of the armed
 * communicator joined, under the watchdog: never returns when the step
 * times out. Off: MPI_Wait, or with nap, MPI_Test with 50 us naps between
 * (pyn_stage's waits, so that waiting ranks leave the cores to the rank
 * that works). */
void pyn_watchdog_wait(MPI_Request *req, int nap);

/* Disarms and frees (collective: frees the duplicate communicator). */
void pyn_watchdog_free(void);

#endif
