/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run_report.h: the end of a run: every rank's record gathered to rank
 * 0, which summarises them and hands the results to each writer.
 *
 * The writers (pyn_report.h) each take one struct pyn_results; this is the
 * one place that decides which of them run, in what order and to which
 * stream or file, and what a failed write means: the run fails, on every
 * rank. The reports go to a temporary file and are renamed
 * (pyn_file.h), so a failed run never leaves a half-written report.
 */
#ifndef PYN_RUN_REPORT_H
#define PYN_RUN_REPORT_H

#include "pyn_results.h"

#include <mpi.h>
#include <stdio.h>

/* Collective on comm. Gathers rec from every rank to rank 0, which fills
 * res's ranks, summarises (with the static sizes of what the run loaded),
 * prints the original's verdict and fractal lines and the table to out and
 * each failed rank's error to errs, then writes the CSV to csv_path and the
 * JSON to json_path (NULL: not asked for). On entry res holds the run's own
 * parts (info, with its manifest and library directory; fractal; fs_error;
 * span_s); only rank 0's is read. Returns the exit status, the same on every
 * rank: 0 when the run passed and every report was written. prog prefixes
 * error lines. Aborts the job (MPI_Abort) only when rank 0 is out of memory
 * for the records, since it cannot take part in the gather. */
int pyn_run_report(struct pyn_results *res, const struct pyn_rank_record *rec, const char *csv_path,
                   const char *json_path, const char *prog, MPI_Comm comm, FILE *out, FILE *errs);

#endif
