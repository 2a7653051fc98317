/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_fractal_mpi.h: the original's MPI capability test as a collective
 * step of the run (docs/report.md, "The MPI capability test"). The
 * computation, the check and the file are pyn_fractal.h's.
 *
 * Every rank computes its rows of the fractal between two barriers and
 * sends them to rank 0 with MPI_Gatherv; rank 0 times the barrier-to-barrier
 * span, then, with the clock stopped, recomputes the whole image, checks
 * every rank's share (its length and every byte) and writes the image when
 * asked. The outcome is agreed: every rank returns the same status. */
#ifndef PYN_FRACTAL_MPI_H
#define PYN_FRACTAL_MPI_H

#include "pyn_fractal.h"

#include <mpi.h>

/* Collective over comm. image_path (rank 0's; may be NULL) is where to
 * write the image as a BMP. Fills *rec with this rank's rows and compute
 * time, and *out (on rank 0: the span, the verdict, one line in out->error
 * when it failed; on the others: ran and the agreed verdict). Returns 0 on
 * every rank when the test passed (and the image was written, if asked),
 * else the same negative errno on every rank: -ENOMEM when a rank could
 * not allocate its buffers (the test did not run), -EPROTO or -EBADMSG when
 * rank 0's check failed (pyn_fractal_verify), or the write's error. Never
 * leaves a rank waiting: every rank makes the same collective calls
 * whatever happens on the others. */
int pyn_fractal_mpi_run(MPI_Comm comm, const char *image_path, struct pyn_fractal_record *rec,
                        struct pyn_fractal_summary *out);

#endif
