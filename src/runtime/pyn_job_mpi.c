/* SPDX-License-Identifier: BSD-3-Clause */
/* The job's description gathered at set-up (pyn_job_mpi.h). */
#include "pyn_job_mpi.h"

#include "pyn_tool.h"
#include "pyn_collective.h"

#include <stdlib.h>
#include <string.h>

int pyn_job_gather(MPI_Comm comm, const char *host, struct pyn_job **out, const char *prog, FILE *errs)
{
    int rank = 0, nranks = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    *out = NULL;
    struct pyn_job_rank mine;
    memset(&mine, 0, sizeof mine);
    strncpy(mine.host, host, sizeof mine.host - 1);
    pyn_job_env_read(&mine.env);
    struct pyn_job_rank *all = NULL;
    /* Rank 0 without the buffer cannot take part in the gather: the job ends with one line. */
    if (rank == 0 && !(all = calloc((size_t)nranks, sizeof *all))) {
        fprintf(errs, "%s: rank 0: job description: out of memory for %d ranks\n", prog, nranks);
        MPI_Abort(comm, PYN_EXIT_ERROR);
    }
    pyn_coll_gather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, 0, comm);
    if (rank != 0)
        return PYN_EXIT_OK;
    *out = pyn_job_build(all, nranks);
    free(all);
    if (!*out) {
        fprintf(errs, "%s: rank 0: job description: out of memory for %d ranks\n", prog, nranks);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}
