/* The phase watchdog (pyn_watchdog.h). Arrival notices, not a timer
 * thread: rank 0 learns who arrived without MPI_THREAD_MULTIPLE (which
 * would lock every MPI call of the run, timed ones included), and the
 * ranks that arrived are the ones polling anyway. */
#define _GNU_SOURCE
#include "pyn_watchdog.h"

#include "pyn_clock.h"
#include "pyn_results.h"
#include "pyn_step.h"
#include "pyn_tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRIVED_TAG 7015
#define LISTED_MAX 16 /* ranks named in the line; the rest are counted */

static struct {
    int on;
    MPI_Comm comm;
    int rank, nranks;
    double timeout_s;
    char prog[128];
    char *hosts;           /* rank 0: PYN_HOST_MAX bytes per rank */
    MPI_Request *arrivals; /* rank 0: one receive per other rank */
} wd = {.comm = MPI_COMM_NULL};

int pyn_watchdog_setup(MPI_Comm comm, double timeout_s, const char *prog, const char *host, char *err, size_t errlen)
{
    if (!(timeout_s > 0))
        return 0;
    MPI_Comm_rank(comm, &wd.rank);
    MPI_Comm_size(comm, &wd.nranks);
    char mine[PYN_HOST_MAX];
    snprintf(mine, sizeof mine, "%s", host);
    int rc = 0;
    if (wd.rank == 0 && (!(wd.hosts = calloc((size_t)wd.nranks, PYN_HOST_MAX)) ||
                         !(wd.arrivals = calloc((size_t)wd.nranks, sizeof *wd.arrivals)))) {
        snprintf(err, errlen, "--timeout: out of memory for %d ranks", wd.nranks);
        rc = -ENOMEM;
    }
    int any = 0;
    MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MIN, comm);
    if (any) {
        free(wd.hosts);
        free(wd.arrivals);
        wd.hosts = NULL;
        wd.arrivals = NULL;
        if (!rc)
            err[0] = '\0';
        return rc ? rc : -ECANCELED;
    }
    MPI_Gather(mine, PYN_HOST_MAX, MPI_CHAR, wd.hosts, PYN_HOST_MAX, MPI_CHAR, 0, comm);
    MPI_Comm_dup(comm, &wd.comm);
    wd.timeout_s = timeout_s;
    snprintf(wd.prog, sizeof wd.prog, "%s", prog);
    wd.on = 1;
    return 0;
}

int pyn_watchdog_on(void)
{
    return wd.on;
}

static void nap(void)
{
    nanosleep(&(struct timespec){0, 50000}, NULL);
}

static void wait_plain(MPI_Request *req, int naps)
{
    if (!naps) {
        MPI_Wait(req, MPI_STATUS_IGNORE);
        return;
    }
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    while (!done) {
        nap();
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
    }
}

/* Ends the job on MPI_COMM_WORLD, not on the watchdog's duplicate: MPICH
 * aborts another communicator by first sending every member a message and
 * waiting for the sends, which never complete to a dead rank, so the
 * process spun in MPI_Abort; srun --kill-on-bad-exit=0 then left the job
 * running until its time limit (seen under srun --mpi=pmi2). On
 * MPI_COMM_WORLD it asks the process manager at once (PMI abort), which
 * ends every rank under hydra and srun alike. */
static void abort_job(void)
{
    MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR);
}

/* Rank 0, past the deadline: one line naming who did not arrive, then the end. */
static void expire_root(enum pyn_step step, double waited_s)
{
    char list[LISTED_MAX * (PYN_HOST_MAX + 16) + 64] = "";
    size_t used = 0;
    int missing = 0;
    for (int r = 1; r < wd.nranks; ++r) {
        if (wd.arrivals[r] == MPI_REQUEST_NULL)
            continue;
        if (++missing <= LISTED_MAX && used < sizeof list) {
            int n = snprintf(list + used, sizeof list - used, "%s%d (%s)", missing > 1 ? ", " : "", r,
                             wd.hosts + (size_t)r * PYN_HOST_MAX);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    if (missing > LISTED_MAX && used < sizeof list)
        snprintf(list + used, sizeof list - used, " and %d more", missing - LISTED_MAX);
    fprintf(stderr,
            "%s: --timeout %g: %s has not ended on every rank after %.1f s: rank%s %s did not arrive; ending the "
            "job\n",
            wd.prog, wd.timeout_s, pyn_step_name(step), waited_s, missing == 1 ? "" : "s", list);
    fflush(stderr);
    abort_job();
}

/* Rank 0: true when every other rank's notice came; *pending: the lowest rank still awaited. */
static int test_arrivals(int *pending)
{
    while (*pending < wd.nranks) {
        int got = 0;
        MPI_Test(&wd.arrivals[*pending], &got, MPI_STATUS_IGNORE);
        if (!got)
            return 0;
        ++*pending;
    }
    return 1;
}

void pyn_watchdog_wait(MPI_Request *req, int naps)
{
    if (!wd.on) {
        wait_plain(req, naps);
        return;
    }
    uint64_t since = 0;
    enum pyn_step step = pyn_step_current(&since);
    MPI_Request notice = MPI_REQUEST_NULL;
    if (wd.rank == 0) {
        wd.arrivals[0] = MPI_REQUEST_NULL;
        for (int r = 1; r < wd.nranks; ++r)
            MPI_Irecv(NULL, 0, MPI_BYTE, r, ARRIVED_TAG, wd.comm, &wd.arrivals[r]);
    } else {
        MPI_Isend(NULL, 0, MPI_BYTE, 0, ARRIVED_TAG, wd.comm, &notice);
    }
    /* Rank 0 speaks at the timeout; rank 1 at twice it, when rank 0 did not;
     * the others end the job silently at three times it, when neither did.
     * Staggered because the first MPI_Abort ends every rank at once: a
     * silent rank must not pre-empt rank 1's line. */
    double limit_s = (wd.rank == 0 ? 1 : wd.rank == 1 ? 2 : 3) * wd.timeout_s;
    int done = 0, notified = 0, pending = 1;
    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (wd.rank == 0)
            notified = test_arrivals(&pending);
        else
            MPI_Test(&notice, &notified, MPI_STATUS_IGNORE);
        if (done && notified)
            return;
        double waited_s = (double)(pyn_clock_monotonic_ns() - since) * 1e-9;
        if (waited_s > limit_s) {
            if (wd.rank == 0)
                expire_root(step, waited_s);
            if (wd.rank == 1)
                fprintf(stderr,
                        "%s: rank 1: --timeout %g: %s has not ended on every rank after %.1f s and rank 0 did not "
                        "end the job: rank 0 did not arrive; ending the job\n",
                        wd.prog, wd.timeout_s, pyn_step_name(step), waited_s);
            fflush(stderr);
            abort_job();
        }
        if (naps)
            nap();
    }
}

void pyn_watchdog_free(void)
{
    if (wd.comm != MPI_COMM_NULL)
        MPI_Comm_free(&wd.comm);
    free(wd.hosts);
    free(wd.arrivals);
    wd.hosts = NULL;
    wd.arrivals = NULL;
    wd.on = 0;
}
