/* SPDX-License-Identifier: BSD-3-Clause */
/* mdsfs_server.h: the emulated metadata server. One FIFO queue that serves
 * one request at a time, each for at least a configured service time, and
 * the counts of what it served (plus the data reads, which do not queue). */
#ifndef MDSFS_SERVER_H
#define MDSFS_SERVER_H

#include <jansson.h>
#include <stdint.h>

/* The metadata operations the server queues and counts. */
enum mdsfs_op {
    MDSFS_OP_LOOKUP,        /* a name looked up and found */
    MDSFS_OP_LOOKUP_ENOENT, /* a name looked up and not there (the loader's failed probes) */
    MDSFS_OP_GETATTR,
    MDSFS_OP_OPEN,
    MDSFS_OP_OPENDIR,
    MDSFS_OP_READDIR, /* one call: one buffer of entries, or the end of the directory */
    MDSFS_OP_READLINK,
    MDSFS_OP_ACCESS,
    MDSFS_OP_STATFS,
    MDSFS_OP_COUNT
};

/* Names as they appear in the statistics ("lookup", "lookup_enoent", ...). */
extern const char *const mdsfs_op_names[MDSFS_OP_COUNT];

struct mdsfs_server; /* opaque */

/* A request's place in the queue, filled by mdsfs_server_enter. */
struct mdsfs_ticket {
    uint64_t number;
    uint64_t arrived_ns, started_ns;
};

/* Creates a server whose every request holds it for at least latency_ns
 * (0: only the real call's time). NULL when out of memory. */
struct mdsfs_server *mdsfs_server_create(uint64_t latency_ns);
void mdsfs_server_destroy(struct mdsfs_server *s);

/* Waits for this request's turn (FIFO, one at a time) and starts its
 * service. The caller then does the real call and ends with leave. */
void mdsfs_server_enter(struct mdsfs_server *s, struct mdsfs_ticket *t);

/* Holds the server until the service time since enter has passed, counts
 * the request as op for the client (the calling thread's id as the kernel
 * gave it), and hands the server to the next request. */
void mdsfs_server_leave(struct mdsfs_server *s, struct mdsfs_ticket *t, enum mdsfs_op op, int client);

/* Counts one data read of bytes that was delayed by delay_ns (not queued). */
void mdsfs_server_count_read(struct mdsfs_server *s, uint64_t bytes, uint64_t delay_ns);

/* Sets every count to zero and restarts the counting period. */
void mdsfs_server_reset(struct mdsfs_server *s);

/* A consistent snapshot of the counts as a new JSON object (caller owns):
 * "operations" (count per op name), "operation_wait_s", "metadata_ops",
 * "queue" (served, wait_s, max_wait_s, busy_s, max_waiting, waiting_now),
 * "data" (read_calls, bytes_read, read_delay_s), "clients" (count, min_ops,
 * max_ops: the distinct callers of metadata operations), "per_client"
 * (pid, ops, by pid), "resets", "counting_s".
 * NULL when out of memory. */
json_t *mdsfs_server_stats(struct mdsfs_server *s);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mdsfs_now_ns(void);

#endif
