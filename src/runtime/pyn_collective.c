/* SPDX-License-Identifier: BSD-3-Clause */
/* The run's collectives (pyn_collective.h). */
#include "pyn_collective.h"

#include "pyn_watchdog.h"

static int watched(int rc, MPI_Request *req)
{
    if (rc == MPI_SUCCESS)
        pyn_watchdog_wait(req, 0);
    return rc;
}

int pyn_coll_barrier(MPI_Comm comm)
{
    if (!pyn_watchdog_on())
        return MPI_Barrier(comm);
    MPI_Request req;
    return watched(MPI_Ibarrier(comm, &req), &req);
}

int pyn_coll_bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm)
{
    if (!pyn_watchdog_on())
        return MPI_Bcast(buf, count, type, root, comm);
    MPI_Request req;
    return watched(MPI_Ibcast(buf, count, type, root, comm, &req), &req);
}

int pyn_coll_allreduce(const void *in, void *out, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
    if (!pyn_watchdog_on())
        return MPI_Allreduce(in, out, count, type, op, comm);
    MPI_Request req;
    return watched(MPI_Iallreduce(in, out, count, type, op, comm, &req), &req);
}

int pyn_coll_reduce(const void *in, void *out, int count, MPI_Datatype type, MPI_Op op, int root, MPI_Comm comm)
{
    if (!pyn_watchdog_on())
        return MPI_Reduce(in, out, count, type, op, root, comm);
    MPI_Request req;
    return watched(MPI_Ireduce(in, out, count, type, op, root, comm, &req), &req);
}

int pyn_coll_gather(const void *in, int count, MPI_Datatype type, void *out, int out_count, MPI_Datatype out_type,
                    int root, MPI_Comm comm)
{
    if (!pyn_watchdog_on())
        return MPI_Gather(in, count, type, out, out_count, out_type, root, comm);
    MPI_Request req;
    return watched(MPI_Igather(in, count, type, out, out_count, out_type, root, comm, &req), &req);
}

int pyn_coll_gatherv(const void *in, int count, MPI_Datatype type, void *out, const int *counts, const int *displs,
                     MPI_Datatype out_type, int root, MPI_Comm comm)
{
    if (!pyn_watchdog_on())
        return MPI_Gatherv(in, count, type, out, counts, displs, out_type, root, comm);
    MPI_Request req;
    return watched(MPI_Igatherv(in, count, type, out, counts, displs, out_type, root, comm, &req), &req);
}

int pyn_coll_bcast_among(void *buf, int count, MPI_Datatype type, int root, MPI_Comm members)
{
    if (!pyn_watchdog_on())
        return MPI_Bcast(buf, count, type, root, members);
    MPI_Request req;
    int rc = MPI_Ibcast(buf, count, type, root, members, &req);
    if (rc == MPI_SUCCESS)
        pyn_watchdog_wait_among(members, &req);
    return rc;
}
