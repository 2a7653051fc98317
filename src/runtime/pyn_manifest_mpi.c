/* SPDX-License-Identifier: BSD-3-Clause */
/* The manifest's broadcast (pyn_manifest_mpi.h). MPI counts are int, so the
 * bytes go in chunks and any size works. */
#include "pyn_manifest_mpi.h"

#include "pyn_collective.h"
#include "pyn_file.h"
#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PYN_DEFAULT_MANIFEST
#error "PYN_DEFAULT_MANIFEST (manifest path relative to the executable's directory) must be defined"
#endif

int pyn_manifest_bcast(const char *path, MPI_Comm comm, struct pyn_manifest **out, char **path_out, char *err,
                       size_t errlen)
{
    char *text = NULL, *resolved = NULL;
    size_t len = 0;
    long long n = 0;
    int rc = 0, rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) {
        resolved = *path_out = pyn_exe_resolve(path, PYN_DEFAULT_MANIFEST, "manifest", err, errlen);
        rc = resolved ? pyn_file_read_all(resolved, &text, &len, err, errlen) : -ENOENT;
        n = rc ? rc : (long long)len;
    }
    pyn_coll_bcast(&n, 1, MPI_LONG_LONG, 0, comm);
    if (n < 0) {
        if (rank != 0)
            pyn_format_middle(err, errlen, "rank 0 could not read the manifest");
        return (int)n;
    }
    if (rank != 0) {
        text = malloc((size_t)n + 1);
        if (!text)
            MPI_Abort(comm, PYN_EXIT_ERROR); /* cannot take part in the broadcast */
        text[n] = '\0';
    }
    for (long long off = 0; off < n; off += INT_MAX / 2) {
        long long chunk = n - off < INT_MAX / 2 ? n - off : INT_MAX / 2;
        pyn_coll_bcast(text + off, (int)chunk, MPI_BYTE, 0, comm);
    }
    int pathlen = rank == 0 ? (int)strlen(resolved) + 1 : 0;
    pyn_coll_bcast(&pathlen, 1, MPI_INT, 0, comm);
    if (rank != 0 && !(resolved = *path_out = malloc((size_t)pathlen)))
        MPI_Abort(comm, PYN_EXIT_ERROR);
    pyn_coll_bcast(resolved, pathlen, MPI_CHAR, 0, comm);
    rc = pyn_manifest_parse(text, (size_t)n, resolved, out, err, errlen);
    free(text);
    return rc;
}
