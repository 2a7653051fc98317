/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_collective.h: the run's collectives, each under --timeout's watchdog
 * when it is armed (pyn_watchdog.h): the nonblocking call and a watched
 * wait. Off, each is the plain blocking call, nothing added.
 *
 * Every call but pyn_coll_bcast_among is one that every rank of the run
 * makes at the same point: on comm itself, or, for a communicator split
 * from it (a node's ranks), each rank on its own part. */
#ifndef PYN_COLLECTIVE_H
#define PYN_COLLECTIVE_H

#include <mpi.h>

int pyn_coll_barrier(MPI_Comm comm);
int pyn_coll_bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm);
int pyn_coll_allreduce(const void *in, void *out, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm);
int pyn_coll_reduce(const void *in, void *out, int count, MPI_Datatype type, MPI_Op op, int root, MPI_Comm comm);
int pyn_coll_gather(const void *in, int count, MPI_Datatype type, void *out, int out_count, MPI_Datatype out_type,
                    int root, MPI_Comm comm);
int pyn_coll_gatherv(const void *in, int count, MPI_Datatype type, void *out, const int *counts, const int *displs,
                     MPI_Datatype out_type, int root, MPI_Comm comm);

/* A broadcast among members, which only they make (the hosts' leaders);
 * the run's rank 0 must be one of them (pyn_watchdog_wait_among). */
int pyn_coll_bcast_among(void *buf, int count, MPI_Datatype type, int root, MPI_Comm members);

#endif
