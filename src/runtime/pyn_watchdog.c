/* SPDX-License-Identifier: BSD-3-Clause */
/* The watchdog (pyn_watchdog.h). Arrival notices, not a timer thread: rank
 * 0 learns who arrived without MPI_THREAD_MULTIPLE (which would lock every
 * MPI call of the run, timed ones included), and the ranks that arrived are
 * the ones polling anyway; they also poll for rank 0's word that the job
 * ends, so that they remove their host's copies before MPI_Abort's SIGKILL. */
#define _GNU_SOURCE
#include "pyn_watchdog.h"

#include "pyn_clock.h"
#include "pyn_interrupt.h"
#include "pyn_results.h"
#include "pyn_step.h"
#include "pyn_tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRIVED_TAG 7015
#define ENDING_TAG 7016 /* rank 0 to every rank: remove your copies, the job ends */
#define ENDED_TAG 7017  /* every rank to rank 0: done */
#define LISTED_MAX 16   /* ranks named in the line; the rest are counted */

static struct {
    int on;
    MPI_Comm comm;
    MPI_Group group; /* comm's, to find a sub-communicator's members in it */
    int rank, nranks;
    double timeout_s;
    uint64_t armed_ns; /* set-up's clock starts here, not before MPI_Init */
    char prog[128];
    char *hosts;           /* rank 0: PYN_HOST_MAX bytes per rank */
    MPI_Request *arrivals; /* rank 0: one receive per other rank */
    int *members;          /* rank 0: 0..n-1, a sub-communicator's ranks */
    int *in_comm;          /* rank 0: the same ranks in comm */
    MPI_Request ending;    /* the others: rank 0's ENDING, posted at arming */
    char *const *copies;   /* what this rank removes when the job ends */
    size_t ncopies;
} wd = {.comm = MPI_COMM_NULL, .group = MPI_GROUP_NULL, .ending = MPI_REQUEST_NULL};

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
                         !(wd.arrivals = calloc((size_t)wd.nranks, sizeof *wd.arrivals)) ||
                         !(wd.members = calloc((size_t)wd.nranks, sizeof *wd.members)) ||
                         !(wd.in_comm = calloc((size_t)wd.nranks, sizeof *wd.in_comm)))) {
        snprintf(err, errlen, "--timeout: out of memory for %d ranks", wd.nranks);
        rc = -ENOMEM;
    }
    int any = 0;
    MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MIN, comm);
    if (any) {
        free(wd.hosts);
        free(wd.arrivals);
        free(wd.members);
        free(wd.in_comm);
        wd.hosts = NULL;
        wd.arrivals = NULL;
        wd.members = NULL;
        wd.in_comm = NULL;
        if (!rc)
            err[0] = '\0';
        return rc ? rc : -ECANCELED;
    }
    MPI_Gather(mine, PYN_HOST_MAX, MPI_CHAR, wd.hosts, PYN_HOST_MAX, MPI_CHAR, 0, comm);
    MPI_Comm_dup(comm, &wd.comm);
    MPI_Comm_group(wd.comm, &wd.group);
    if (wd.rank != 0)
        MPI_Irecv(NULL, 0, MPI_BYTE, 0, ENDING_TAG, wd.comm, &wd.ending);
    wd.timeout_s = timeout_s;
    wd.armed_ns = pyn_clock_monotonic_ns();
    snprintf(wd.prog, sizeof wd.prog, "%s", prog);
    wd.on = 1;
    return 0;
}

int pyn_watchdog_on(void)
{
    return wd.on;
}

void pyn_watchdog_copies(char *const *paths, size_t n)
{
    wd.ncopies = 0;
    wd.copies = paths;
    wd.ncopies = paths ? n : 0;
}

static void nap(void)
{
    nanosleep(&(struct timespec){0, 50000}, NULL);
}

static double seconds_since(uint64_t t0_ns)
{
    return (double)(pyn_clock_monotonic_ns() - t0_ns) * 1e-9;
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

/* Rank 0, after its line: every rank removes its host's copies (a stuck
 * one cannot: its host's other ranks do, when they have the list), then
 * the end. */
static void end_job_root(void)
{
    MPI_Request *acks = wd.arrivals; /* the arrivals are moot now */
    for (int r = 1; r < wd.nranks; ++r) {
        MPI_Request sent;
        MPI_Isend(NULL, 0, MPI_BYTE, r, ENDING_TAG, wd.comm, &sent);
        MPI_Request_free(&sent);
        MPI_Irecv(NULL, 0, MPI_BYTE, r, ENDED_TAG, wd.comm, &acks[r]);
    }
    pyn_interrupt_remove_paths(wd.copies, wd.ncopies);
    uint64_t t0 = pyn_clock_monotonic_ns();
    int all = 0;
    while (!all && seconds_since(t0) < PYN_WATCHDOG_ENDING_S) {
        all = 1;
        for (int r = 1; r < wd.nranks && all; ++r)
            MPI_Test(&acks[r], &all, MPI_STATUS_IGNORE);
        if (!all)
            nap();
    }
    abort_job();
}

/* The others, told the job ends: remove the copies, say so, and wait for MPI_Abort's kill. */
static void ending(void)
{
    pyn_interrupt_remove_paths(wd.copies, wd.ncopies);
    MPI_Request sent;
    MPI_Isend(NULL, 0, MPI_BYTE, 0, ENDED_TAG, wd.comm, &sent);
    uint64_t t0 = pyn_clock_monotonic_ns();
    int done = 0;
    /* Rank 0 ends the job within PYN_WATCHDOG_ENDING_S; should it not, this rank does. */
    while (seconds_since(t0) < 5 * PYN_WATCHDOG_ENDING_S) {
        if (!done)
            MPI_Test(&sent, &done, MPI_STATUS_IGNORE);
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    abort_job();
}

/* Rank 0, past the deadline: one line naming who did not arrive, then the end. */
static void expire_root(enum pyn_step step, double waited_s)
{
    char list[LISTED_MAX * (PYN_HOST_MAX + 16) + 64] = "";
    size_t used = 0;
    int missing = 0;
    for (int r = 1; r < wd.nranks; ++r) {
        int got = 0; /* the polling stopped at the lowest rank missing: the later ones are tested now */
        MPI_Test(&wd.arrivals[r], &got, MPI_STATUS_IGNORE);
        if (got)
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
    for (int r = 1; r < wd.nranks; ++r)
        if (wd.arrivals[r] != MPI_REQUEST_NULL)
            MPI_Cancel(&wd.arrivals[r]), MPI_Request_free(&wd.arrivals[r]);
    end_job_root();
}

/* Rank 0: true when every awaited notice came; *pending: the lowest rank still awaited. */
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

/* Rank 0: one receive per rank that reaches this wait (members: MPI_COMM_NULL for every rank). */
static void post_arrivals(MPI_Comm members)
{
    wd.arrivals[0] = MPI_REQUEST_NULL;
    if (members == MPI_COMM_NULL) {
        for (int r = 1; r < wd.nranks; ++r)
            MPI_Irecv(NULL, 0, MPI_BYTE, r, ARRIVED_TAG, wd.comm, &wd.arrivals[r]);
        return;
    }
    for (int r = 1; r < wd.nranks; ++r)
        wd.arrivals[r] = MPI_REQUEST_NULL;
    int n = 0;
    MPI_Group g;
    MPI_Comm_group(members, &g);
    MPI_Group_size(g, &n);
    for (int i = 0; i < n; ++i)
        wd.members[i] = i;
    MPI_Group_translate_ranks(g, n, wd.members, wd.group, wd.in_comm);
    MPI_Group_free(&g);
    for (int i = 0; i < n; ++i) {
        int r = wd.in_comm[i];
        if (r != MPI_UNDEFINED && r != 0)
            MPI_Irecv(NULL, 0, MPI_BYTE, r, ARRIVED_TAG, wd.comm, &wd.arrivals[r]);
    }
}

/* Whether the armed communicator's rank 0 is one of members. */
static int root_is_member(MPI_Comm members)
{
    MPI_Group g;
    int zero = 0, in_members = MPI_UNDEFINED;
    MPI_Comm_group(members, &g);
    MPI_Group_translate_ranks(wd.group, 1, &zero, g, &in_members);
    MPI_Group_free(&g);
    return in_members != MPI_UNDEFINED;
}

static void watched_wait(MPI_Comm members, MPI_Request *req, int naps)
{
    uint64_t since = 0;
    enum pyn_step step = pyn_step_current(&since);
    if (since < wd.armed_ns)
        since = wd.armed_ns;
    MPI_Request notice = MPI_REQUEST_NULL;
    if (wd.rank == 0)
        post_arrivals(members);
    else
        MPI_Isend(NULL, 0, MPI_BYTE, 0, ARRIVED_TAG, wd.comm, &notice);
    /* Rank 0 speaks at the timeout; rank 1 at twice it, when rank 0 did not;
     * the others end the job silently at three times it, when neither did.
     * Staggered because the first MPI_Abort ends every rank at once: a
     * silent rank must not pre-empt rank 1's line. */
    double limit_s = (wd.rank == 0 ? 1 : wd.rank == 1 ? 2 : 3) * wd.timeout_s;
    int done = 0, notified = 0, pending = 1;
    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (wd.rank == 0) {
            notified = test_arrivals(&pending);
        } else {
            MPI_Test(&notice, &notified, MPI_STATUS_IGNORE);
            int told = 0;
            MPI_Test(&wd.ending, &told, MPI_STATUS_IGNORE);
            if (told)
                ending();
        }
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
            pyn_interrupt_remove_paths(wd.copies, wd.ncopies);
            abort_job();
        }
        if (naps)
            nap();
    }
}

void pyn_watchdog_wait(MPI_Request *req, int naps)
{
    if (!wd.on)
        wait_plain(req, naps);
    else
        watched_wait(MPI_COMM_NULL, req, naps);
}

void pyn_watchdog_wait_among(MPI_Comm members, MPI_Request *req)
{
    if (!wd.on) {
        MPI_Wait(req, MPI_STATUS_IGNORE);
        return;
    }
    if (!root_is_member(members)) {
        fprintf(stderr, "%s: rank %d: --timeout: a collective among ranks that exclude rank 0 cannot be watched\n",
                wd.prog, wd.rank);
        fflush(stderr);
        abort_job();
    }
    watched_wait(members, req, 0);
}

void pyn_watchdog_free(void)
{
    if (wd.ending != MPI_REQUEST_NULL) {
        MPI_Cancel(&wd.ending);
        MPI_Wait(&wd.ending, MPI_STATUS_IGNORE);
    }
    if (wd.group != MPI_GROUP_NULL)
        MPI_Group_free(&wd.group);
    if (wd.comm != MPI_COMM_NULL)
        MPI_Comm_free(&wd.comm);
    free(wd.hosts);
    free(wd.arrivals);
    free(wd.members);
    free(wd.in_comm);
    wd.hosts = NULL;
    wd.arrivals = NULL;
    wd.members = NULL;
    wd.in_comm = NULL;
    wd.copies = NULL;
    wd.ncopies = 0;
    wd.on = 0;
}
