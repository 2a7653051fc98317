/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_startup.h"

#include "pyn_collective.h"
#include "pyn_phase.h"

#include <math.h>

double pyn_startup_skew_s(double launch_time, double main_epoch_s)
{
    return launch_time > main_epoch_s ? launch_time - main_epoch_s : NAN;
}

double pyn_startup_slowest(MPI_Comm comm, const struct pyn_rank_record *r, double launch_time, const char *prog,
                           FILE *err)
{
    int rank = 0, nranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    double mine = r->phase_s[PYN_PHASE_STARTUP], slowest = -INFINITY;
    double startup = isfinite(mine) ? mine : -INFINITY;
    int counts[2] = {!isfinite(mine), !isnan(r->clock_skew_s)}, totals[2] = {0, 0};
    struct {
        double skew;
        int rank;
    } worst = {0, 0}, skew = {isnan(r->clock_skew_s) ? -1 : r->clock_skew_s, rank};
    pyn_coll_reduce(&startup, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    pyn_coll_reduce(counts, totals, 2, MPI_INT, MPI_SUM, 0, comm);
    pyn_coll_reduce(&skew, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, 0, comm);
    if (rank != 0)
        return mine;
    if (totals[1] > 0)
        fprintf(err,
                "%s: clock skew: launch time %.6f is after %d of %d rank%s started (by up to %.3f s, rank %d): startup "
                "not measured (null in the reports); synchronise the hosts' clocks, or take the launch time on the "
                "launching host just before the launch (date +%%s.%%N)\n",
                prog, launch_time, totals[1], nranks, nranks == 1 ? "" : "s", worst.skew, worst.rank);
    return totals[0] > 0 ? NAN : slowest;
}
