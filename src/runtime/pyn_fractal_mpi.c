/* SPDX-License-Identifier: BSD-3-Clause */
/* The MPI capability test's collective step (pyn_fractal_mpi.h). Buffers
 * are allocated, touched and agreed on before the first barrier, so the
 * timed region holds only what the original timed: the computation and the
 * gather of the rows to rank 0. */
#include "pyn_fractal_mpi.h"

#include "pyn_clock.h"
#include "pyn_collective.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double seconds_since(uint64_t t0_ns)
{
    return (double)(pyn_clock_monotonic_ns() - t0_ns) * 1e-9;
}

int pyn_fractal_mpi_run(MPI_Comm comm, const char *image_path, struct pyn_fractal_record *rec,
                        struct pyn_fractal_summary *out)
{
    int rank = 0, nranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    memset(rec, 0, sizeof *rec);
    memset(out, 0, sizeof *out);
    rec->compute_s = NAN;
    out->span_s = NAN;
    out->image = image_path;
    pyn_fractal_rows_of(rank, nranks, &rec->first_row, &rec->rows);

    /* What this rank will send, declared before the clock starts: rank 0
     * sizes its receive buffer from the declarations and checks each one
     * against the rank's share. */
    int mine = rec->rows * PYN_FRACTAL_ROW_BYTES;
    uint8_t *rows = malloc(mine > 0 ? (size_t)mine : 1);
    int *counts = NULL, *displs = NULL;
    uint8_t *image = NULL;
    int64_t total = 0;
    if (rank == 0) {
        counts = calloc((size_t)nranks, sizeof *counts);
        displs = calloc((size_t)nranks, sizeof *displs);
    }
    int ok = rows != NULL && (rank != 0 || (counts && displs));
    int bad = ok ? nranks : rank, first_bad = nranks;
    pyn_coll_allreduce(&bad, &first_bad, 1, MPI_INT, MPI_MIN, comm);
    if (first_bad == nranks) {
        pyn_coll_gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
        if (rank == 0) {
            for (int r = 0; r < nranks && total <= INT_MAX; ++r) {
                displs[r] = (int)total;
                total += counts[r];
            }
            if (total > INT_MAX || !(image = malloc(total > 0 ? (size_t)total : 1)))
                first_bad = 0;
        }
        pyn_coll_bcast(&first_bad, 1, MPI_INT, 0, comm);
    }
    /* Touched now, so the first touch's page faults stay out of the timed region. */
    if (rows)
        memset(rows, 0, mine > 0 ? (size_t)mine : 1);
    if (image)
        memset(image, 0, total > 0 ? (size_t)total : 1);
    int rc = 0;
    if (first_bad < nranks) {
        rc = -ENOMEM;
        snprintf(out->error, sizeof out->error,
                 "fractal: rank %d of %d could not allocate its buffers (%s); the test did not run", first_bad, nranks,
                 strerror(ENOMEM));
    } else {
        pyn_coll_barrier(comm);
        uint64_t t0 = pyn_clock_monotonic_ns();
        char err[PYN_FRACTAL_ERROR_MAX];
        /* Cannot fail: the rows are this rank's share and the buffer holds them. */
        pyn_fractal_compute_rows(rec->first_row, rec->rows, rows, (size_t)mine, err, sizeof err);
        rec->compute_s = seconds_since(t0);
        pyn_coll_gatherv(rows, mine, MPI_BYTE, image, counts, displs, MPI_BYTE, 0, comm);
        pyn_coll_barrier(comm);
        out->span_s = seconds_since(t0);
        rec->ran = 1;

        /* The clock has stopped: rank 0 checks what arrived. */
        if (rank == 0) {
            int64_t *lengths = malloc((size_t)nranks * sizeof *lengths);
            if (!lengths) {
                rc = -ENOMEM;
                snprintf(out->error, sizeof out->error, "fractal: malloc for %d ranks' lengths: %s", nranks,
                         strerror(ENOMEM));
            } else {
                for (int r = 0; r < nranks; ++r)
                    lengths[r] = counts[r];
                rc = pyn_fractal_verify(image, lengths, nranks, out->error, sizeof out->error);
                free(lengths);
            }
            out->passed = rc == 0;
            /* The gathered image, whole: written also when it differs, for a look at what went wrong. */
            if (image_path && total == (int64_t)PYN_FRACTAL_IMAGE_BYTES) {
                char err_write[PYN_FRACTAL_ERROR_MAX];
                int wrc = pyn_fractal_write_bmp(image_path, image, err_write, sizeof err_write);
                out->image_written = wrc == 0;
                if (wrc && rc == 0) {
                    rc = wrc;
                    snprintf(out->error, sizeof out->error, "%s", err_write);
                }
            }
        }
    }
    /* The agreement: rank 0's verdict is every rank's. */
    int verdict[2] = {rc, out->passed};
    pyn_coll_bcast(verdict, 2, MPI_INT, 0, comm);
    rc = verdict[0];
    out->ran = rec->ran;
    out->passed = verdict[1];
    if (rank != 0 && rc)
        snprintf(out->error, sizeof out->error, "fractal: rank 0 found the test failed");
    free(rows);
    free(image);
    free(counts);
    free(displs);
    return rc;
}
