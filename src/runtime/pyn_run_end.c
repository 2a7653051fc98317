/* SPDX-License-Identifier: BSD-3-Clause */
/* How a run ends (pyn_run_state.h): verification, the MPI capability test,
 * staging's removal, gather and reports, then the mode's epilogue; or, after
 * SIGINT or SIGTERM, the stopped path that only removes the copies and says
 * why. Everything here is collective. */
#define _GNU_SOURCE
#include "pyn_run_state.h"

#include "pyn_collective.h"
#include "pyn_fractal_mpi.h"
#include "pyn_fs.h"
#include "pyn_interrupt.h"
#include "pyn_loadtime.h"
#include "pyn_run_trace.h"
#include "pyn_run_report.h"
#include "pyn_tool.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Collective: the leaders remove their hosts' copies. Returns 0 or -errno with err. */
static int stage_finish(struct pyn_run *run, char *err, size_t errlen)
{
    int rc = pyn_stage_finish(run->stage, err, errlen);
    run->stage = NULL;
    return rc;
}

/* Gathers every rank's record to rank 0, which summarises and writes the
 * reports. Returns this rank's exit status, agreed across ranks. */
static int finish(struct pyn_run *run)
{
    struct pyn_results res = {.info = &run->info, .fractal = run->fractal};
    snprintf(res.fs_error, sizeof res.fs_error, "%s", run->fs_error);
    snprintf(res.report_error, sizeof res.report_error, "%s", run->trace_error);
    res.slowest_libs = run->slowest_libs;
    res.nslowest_libs = run->nslowest_libs;
    res.slowest_libs_rank = run->slowest_libs_rank;
    memcpy(res.span_s, run->span_s, sizeof res.span_s);
    return pyn_run_report(&res, &run->rec, run->opt.csv_path, run->opt.json_path, run->prog, run->comm, stdout, stderr);
}

/* Where the loading time went, from the auditor's events (outside every
 * timed phase). */
static void split_load_time(struct pyn_run *run)
{
    struct pyn_load_record *out = &run->rec.load;
    const struct pyn_audit_state *s = pyn_fs_state();
    size_t n = 0;
    uint64_t *hashes = s && !s->dropped ? pyn_fs_generated_hashes(run->manifest, &n) : NULL;
    struct pyn_load_library *libs = hashes ? malloc((n ? n : 1) * sizeof *libs) : NULL;
    if (!libs) {
        pyn_loadtime_unmeasured(out, PYN_LOAD_NO_AUDITOR);
        free(hashes);
        return;
    }
    size_t nlibs = 0;
    pyn_loadtime_split(s->events, s->nevents, hashes, n, run->rec.phase_s, run->mode->interpreter, out, libs, &nlibs,
                       NULL, NULL);
    free(hashes);
    run->load_libs = libs;
    run->nload_libs = nlibs;
}

/* The loader's counts and the loading time's split (outside every timed
 * phase). Without --audit there is nothing to read: both are null, with the
 * same reason. */
static void loader_figures(struct pyn_run *run)
{
    if (!run->opt.audit) {
        run->rec.fs_ok = run->rec.bindings_ok = 0;
        snprintf(run->fs_error, sizeof run->fs_error, "%s", pyn_loadtime_why(PYN_LOAD_NOT_ASKED));
        pyn_loadtime_unmeasured(&run->rec.load, PYN_LOAD_NOT_ASKED);
        return;
    }
    char fs_err[PYN_ERROR_MAX];
    int bindings_ok = 0;
    run->rec.fs_ok = pyn_fs_tally(run->manifest, run->rec.fs, &bindings_ok, fs_err, sizeof fs_err) == 0;
    run->rec.bindings_ok = bindings_ok;
    if (!run->rec.fs_ok)
        snprintf(run->fs_error, sizeof run->fs_error, "%s", fs_err);
    split_load_time(run);
}

/* After the phases: verification, the MPI capability test, staging's
 * removal, gather and reports. Returns the exit status, agreed. */
int pyn_run_end_report(struct pyn_run *run)
{
    int status = run->status;
    if (run->manifest && status == PYN_EXIT_OK) {
        loader_figures(run);
        pyn_run_load_details(run);
        if (run->visited)
            pyn_run_verify_visit(run);
        pyn_run_metrics_finish(&run->metrics, &run->rec);
        /* The MPI capability test, after the visit's figures are taken (its buffers stay out of the peak RSS).
         * Collective: the visit's agreement set visited on every rank, or on none. Its failure is the run's,
         * not a rank's: pyn_fractal_mpi_run agrees on it, and the reports carry it. */
        if (run->visited)
            pyn_fractal_mpi_run(run->comm, run->opt.fractal_image, &run->rec.fractal, &run->fractal);
        char stage_err[PYN_ERROR_MAX];
        if (stage_finish(run, stage_err, sizeof stage_err))
            pyn_run_fail(run, -EIO, "%s", stage_err);
        status = finish(run);
    } else if (run->stage) {
        char stage_err[PYN_ERROR_MAX];
        if (stage_finish(run, stage_err, sizeof stage_err))
            fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, stage_err);
    }
    return status;
}

/* The mode's last words, after the reports (collective). Failing there (the
 * driver's closing line cannot be written) fails the run on every rank, said
 * once unless the run had failed already. Returns the exit status, agreed. */
int pyn_run_end_epilogue(struct pyn_run *run, int status)
{
    int failed_before = run->rec.failed;
    run->mode->epilogue(run, status);
    int mine = status, out_rc = run->rank == 0 ? pyn_flush_check(stdout) : 0;
    if (!failed_before && run->rec.failed) {
        if (status == PYN_EXIT_OK)
            fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, run->rec.error);
        mine = PYN_EXIT_ERROR;
    } else if (out_rc) {
        if (status == PYN_EXIT_OK)
            fprintf(stderr, "%s: rank 0: write the closing lines to standard output: %s\n", run->prog,
                    strerror(-out_rc));
        mine = PYN_EXIT_ERROR;
    }
    return pyn_run_agree_status(run, mine);
}

/* Collective: the signal (SIGINT or SIGTERM) any rank was sent, or 0, and
 * the step it came in. */
int pyn_run_end_interrupted(struct pyn_run *run, enum pyn_step *step)
{
    enum pyn_step mine_step = PYN_STEP_SETUP;
    int sig = pyn_interrupt_caught(&mine_step);
    int mine[2] = {sig, sig ? (int)mine_step : -1}, all[2] = {0, -1};
    pyn_coll_allreduce(mine, all, 2, MPI_INT, MPI_MAX, run->comm);
    *step = (enum pyn_step)all[1];
    return all[0];
}

/* After SIGINT or SIGTERM, agreed: the leaders remove their hosts' copies
 * and rank 0 says what stopped the run, in one line. No report: a time
 * limit leaves seconds. Returns the exit status, 128 + the signal. */
int pyn_run_end_stopped(struct pyn_run *run, int sig, enum pyn_step step)
{
    char dir[PYN_ERROR_MAX] = "";
    const char *staged = pyn_stage_library_dir(run->stage);
    if (staged)
        snprintf(dir, sizeof dir, "; the node-local copies under %s were removed", staged);
    char stage_err[PYN_ERROR_MAX];
    if (run->stage && stage_finish(run, stage_err, sizeof stage_err))
        fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, stage_err);
    if (run->rank == 0)
        fprintf(stderr, "%s: %s during %s: every rank stopped%s\n", run->prog, pyn_interrupt_signal_name(sig),
                pyn_step_name(step), dir);
    return 128 + sig;
}
