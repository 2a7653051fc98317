/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_manifest_mpi.h: the manifest read once per job and broadcast.
 *
 * Rank 0 reads the file and broadcasts its bytes; every rank parses the
 * same bytes (pyn_manifest.h). One file read per job, not per rank, so the
 * runtime adds nothing to the metadata storm it measures.
 */
#ifndef PYN_MANIFEST_MPI_H
#define PYN_MANIFEST_MPI_H

#include "pyn_manifest.h"

#include <mpi.h>
#include <stddef.h>

/* Collective on comm. Rank 0 resolves path (NULL: the default next to the
 * executable, PYN_DEFAULT_MANIFEST) and reads it; every rank gets the
 * parsed manifest in *out and rank 0's absolute path in *path_out (malloc'd,
 * the caller frees it, possibly set on failure too). Returns 0, or -errno
 * with one line in err, the same outcome on every rank: rank 0's message
 * names the file; the others say rank 0 could not read it. Aborts the job
 * (MPI_Abort) when a rank is out of memory for the bytes, since it cannot
 * take part in the broadcast. */
int pyn_manifest_bcast(const char *path, MPI_Comm comm, struct pyn_manifest **out, char **path_out, char *err,
                       size_t errlen);

#endif
