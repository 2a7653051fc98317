/* SPDX-License-Identifier: BSD-3-Clause */
/* Report dispatch at the end of a run (pyn_run_report.h). The result
 * lines on standard output come first, then the CSV: if either cannot be
 * written the run fails, and the JSON written after them must say so
 * rather than "passed". */
#include "pyn_run_report.h"

#include "pyn_collective.h"
#include "pyn_report.h"
#include "pyn_tool.h"

#include <stdlib.h>
#include <string.h>

int pyn_run_report(struct pyn_results *res, const struct pyn_rank_record *rec, const char *csv_path,
                   const char *json_path, const char *prog, MPI_Comm comm, FILE *out, FILE *errs)
{
    int rank = 0, nranks = 0, status = PYN_EXIT_OK;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    struct pyn_rank_record *all = NULL;
    if (rank == 0 && !(all = calloc((size_t)nranks, sizeof *all)))
        MPI_Abort(comm, PYN_EXIT_ERROR);
    pyn_coll_gather(rec, (int)sizeof *rec, MPI_BYTE, all, (int)sizeof *rec, MPI_BYTE, 0, comm);
    if (rank == 0) {
        res->nranks = nranks;
        res->ranks = all;
        /* After every timed phase, on rank 0 only: section headers of what the run loaded. */
        struct pyn_static_summary *statics = malloc(sizeof *statics);
        if (statics) {
            char *exe = pyn_exe_path();
            pyn_static_summary_compute(statics, res->info->manifest, res->info->library_dir, exe);
            free(exe);
            res->statics = statics;
        }
        pyn_results_summarise(res);
        pyn_compat_print_verdict(out, res->module_passed);
        pyn_compat_print_fractal(out, &res->fractal);
        pyn_report_text_print(res, out);
        pyn_report_text_print_errors(res, errs, prog);
        char err[PYN_ERROR_MAX + 128];
        /* An output written before the reports (--trace) that failed: the run failed. */
        if (res->report_error[0]) {
            fprintf(errs, "%s: rank 0: %s\n", prog, res->report_error);
            res->passed = 0;
        }
        status = res->passed ? PYN_EXIT_OK : PYN_EXIT_ERROR;
        /* The result lines are the run's first output: lost (a full disk, a closed pipe), the run failed. */
        int out_rc = pyn_flush_check(out);
        if (out_rc) {
            snprintf(err, sizeof err, "write the result lines to standard output: %s", strerror(-out_rc));
            fprintf(errs, "%s: rank 0: %s\n", prog, err);
            status = PYN_EXIT_ERROR;
            res->passed = 0;
            snprintf(res->report_error, sizeof res->report_error, "%s", err);
        }
        if (csv_path && pyn_report_csv_write(res, csv_path, err, sizeof err)) {
            fprintf(errs, "%s: rank 0: %s\n", prog, err);
            status = PYN_EXIT_ERROR;
            res->passed = 0;
            if (!res->report_error[0])
                snprintf(res->report_error, sizeof res->report_error, "%s", err);
        }
        if (json_path && pyn_report_json_write(res, json_path, err, sizeof err)) {
            fprintf(errs, "%s: rank 0: %s\n", prog, err);
            status = PYN_EXIT_ERROR;
        }
        res->statics = NULL;
        res->ranks = NULL;
        free(statics);
        free(all);
    }
    /* Every rank exits with the job's verdict, so launchers and scripts see it on any rank. */
    pyn_coll_bcast(&status, 1, MPI_INT, 0, comm);
    return status;
}
