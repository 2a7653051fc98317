/* SPDX-License-Identifier: BSD-3-Clause */
/* The metadata server is a ticket lock: requests take numbers in arrival
 * order and are served strictly in that order, one at a time, by the FUSE
 * worker thread that carries each. The service time is a floor: a request
 * holds the server until latency_ns after its service started, however
 * quickly the real call returned, so the throughput is at most 1/latency
 * requests per second, as for a single metadata server. */
#define _GNU_SOURCE
#include "mdsfs_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const mdsfs_op_names[MDSFS_OP_COUNT] = {
    [MDSFS_OP_LOOKUP] = "lookup",     [MDSFS_OP_LOOKUP_ENOENT] = "lookup_enoent",
    [MDSFS_OP_GETATTR] = "getattr",   [MDSFS_OP_OPEN] = "open",
    [MDSFS_OP_OPENDIR] = "opendir",   [MDSFS_OP_READDIR] = "readdir",
    [MDSFS_OP_READLINK] = "readlink", [MDSFS_OP_ACCESS] = "access",
    [MDSFS_OP_STATFS] = "statfs",
};

struct mdsfs_counts {
    uint64_t ops[MDSFS_OP_COUNT];
    uint64_t op_wait_ns[MDSFS_OP_COUNT];
    uint64_t wait_ns, max_wait_ns, busy_ns;
    unsigned max_waiting;
    uint64_t read_calls, bytes_read, read_delay_ns;
};

/* Metadata operations per calling process: an open-addressing table keyed
 * by pid (0 marks a free slot), doubled when half full. */
struct client {
    int pid;
    uint64_t ops;
};

struct mdsfs_server {
    pthread_mutex_t lock;
    pthread_cond_t turn;
    uint64_t next_ticket, serving;
    unsigned waiting; /* requests that arrived and are not served yet */
    uint64_t latency_ns;
    struct mdsfs_counts c;  /* under lock */
    struct client *clients; /* under lock */
    size_t nclients, clients_cap;
    uint64_t period_start_ns;
    unsigned resets;
};

uint64_t mdsfs_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct mdsfs_server *mdsfs_server_create(uint64_t latency_ns)
{
    struct mdsfs_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->turn, NULL);
    s->latency_ns = latency_ns;
    s->period_start_ns = mdsfs_now_ns();
    return s;
}

void mdsfs_server_destroy(struct mdsfs_server *s)
{
    if (!s)
        return;
    free(s->clients);
    pthread_cond_destroy(&s->turn);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void mdsfs_server_enter(struct mdsfs_server *s, struct mdsfs_ticket *t)
{
    pthread_mutex_lock(&s->lock);
    t->arrived_ns = mdsfs_now_ns();
    t->number = s->next_ticket++;
    s->waiting++;
    if (s->waiting > s->c.max_waiting)
        s->c.max_waiting = s->waiting;
    while (s->serving != t->number)
        pthread_cond_wait(&s->turn, &s->lock);
    s->waiting--;
    t->started_ns = mdsfs_now_ns();
    pthread_mutex_unlock(&s->lock);
}

static size_t client_slot(const struct client *table, size_t cap, int pid)
{
    size_t i = ((size_t)(unsigned)pid * 2654435761u) & (cap - 1);
    while (table[i].pid != 0 && table[i].pid != pid)
        i = (i + 1) & (cap - 1);
    return i;
}

/* One more operation for pid (under lock). Out of memory: not counted. */
static void count_client(struct mdsfs_server *s, int pid)
{
    if (pid <= 0)
        pid = -1; /* the kernel's own requests: one pseudo-client */
    if (2 * (s->nclients + 1) > s->clients_cap) {
        size_t cap = s->clients_cap ? 2 * s->clients_cap : 64;
        struct client *grown = calloc(cap, sizeof *grown);
        if (!grown)
            return;
        for (size_t i = 0; i < s->clients_cap; ++i) {
            if (s->clients[i].pid)
                grown[client_slot(grown, cap, s->clients[i].pid)] = s->clients[i];
        }
        free(s->clients);
        s->clients = grown;
        s->clients_cap = cap;
    }
    struct client *c = &s->clients[client_slot(s->clients, s->clients_cap, pid)];
    if (c->pid == 0) {
        c->pid = pid;
        s->nclients++;
    }
    c->ops++;
}

void mdsfs_server_leave(struct mdsfs_server *s, struct mdsfs_ticket *t, enum mdsfs_op op, int client)
{
    if (s->latency_ns) {
        /* An absolute deadline: the real call's own time counts towards it. */
        uint64_t deadline = t->started_ns + s->latency_ns;
        struct timespec ts = {(time_t)(deadline / 1000000000u), (long)(deadline % 1000000000u)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
            ;
    }
    uint64_t end = mdsfs_now_ns();
    pthread_mutex_lock(&s->lock);
    uint64_t wait = t->started_ns - t->arrived_ns;
    s->c.ops[op]++;
    s->c.op_wait_ns[op] += wait;
    s->c.wait_ns += wait;
    if (wait > s->c.max_wait_ns)
        s->c.max_wait_ns = wait;
    s->c.busy_ns += end - t->started_ns;
    count_client(s, client);
    s->serving++;
    pthread_cond_broadcast(&s->turn);
    pthread_mutex_unlock(&s->lock);
}

void mdsfs_server_count_read(struct mdsfs_server *s, uint64_t bytes, uint64_t delay_ns)
{
    pthread_mutex_lock(&s->lock);
    s->c.read_calls++;
    s->c.bytes_read += bytes;
    s->c.read_delay_ns += delay_ns;
    pthread_mutex_unlock(&s->lock);
}

void mdsfs_server_reset(struct mdsfs_server *s)
{
    pthread_mutex_lock(&s->lock);
    memset(&s->c, 0, sizeof s->c);
    if (s->clients)
        memset(s->clients, 0, s->clients_cap * sizeof *s->clients);
    s->nclients = 0;
    /* Requests already queued still count towards the new period's peak. */
    s->c.max_waiting = s->waiting;
    s->period_start_ns = mdsfs_now_ns();
    s->resets++;
    pthread_mutex_unlock(&s->lock);
}

static json_t *seconds(uint64_t ns)
{
    return json_real((double)ns / 1e9);
}

static int cmp_client(const void *a, const void *b)
{
    int pa = ((const struct client *)a)->pid, pb = ((const struct client *)b)->pid;
    return (pa > pb) - (pa < pb);
}

json_t *mdsfs_server_stats(struct mdsfs_server *s)
{
    pthread_mutex_lock(&s->lock);
    struct mdsfs_counts c = s->c;
    unsigned waiting = s->waiting, resets = s->resets;
    uint64_t period_ns = mdsfs_now_ns() - s->period_start_ns;
    size_t nclients = 0;
    struct client *clients = malloc((s->nclients ? s->nclients : 1) * sizeof *clients);
    for (size_t i = 0; clients && i < s->clients_cap; ++i) {
        if (s->clients[i].pid)
            clients[nclients++] = s->clients[i];
    }
    pthread_mutex_unlock(&s->lock);
    if (!clients)
        return NULL;
    qsort(clients, nclients, sizeof *clients, cmp_client);

    json_t *root = json_object(), *ops = json_object(), *op_wait = json_object();
    json_t *queue = json_object(), *data = json_object(), *cl = json_object(), *per = json_array();
    if (!root || !ops || !op_wait || !queue || !data || !cl || !per) {
        free(clients);
        json_decref(cl);
        json_decref(per);
        json_decref(root);
        json_decref(ops);
        json_decref(op_wait);
        json_decref(queue);
        json_decref(data);
        return NULL;
    }
    uint64_t served = 0;
    for (int op = 0; op < MDSFS_OP_COUNT; ++op) {
        json_object_set_new(ops, mdsfs_op_names[op], json_integer((json_int_t)c.ops[op]));
        json_object_set_new(op_wait, mdsfs_op_names[op], seconds(c.op_wait_ns[op]));
        served += c.ops[op];
    }
    json_object_set_new(root, "operations", ops);
    json_object_set_new(root, "operation_wait_s", op_wait);
    json_object_set_new(root, "metadata_ops", json_integer((json_int_t)served));
    json_object_set_new(queue, "served", json_integer((json_int_t)served));
    json_object_set_new(queue, "wait_s", seconds(c.wait_ns));
    json_object_set_new(queue, "max_wait_s", seconds(c.max_wait_ns));
    json_object_set_new(queue, "busy_s", seconds(c.busy_ns));
    json_object_set_new(queue, "max_waiting", json_integer(c.max_waiting));
    json_object_set_new(queue, "waiting_now", json_integer(waiting));
    json_object_set_new(root, "queue", queue);
    json_object_set_new(data, "read_calls", json_integer((json_int_t)c.read_calls));
    json_object_set_new(data, "bytes_read", json_integer((json_int_t)c.bytes_read));
    json_object_set_new(data, "read_delay_s", seconds(c.read_delay_ns));
    json_object_set_new(root, "data", data);
    uint64_t min_ops = nclients ? UINT64_MAX : 0, max_ops = 0;
    for (size_t i = 0; i < nclients; ++i) {
        json_t *o = json_object();
        json_object_set_new(o, "pid", json_integer(clients[i].pid));
        json_object_set_new(o, "ops", json_integer((json_int_t)clients[i].ops));
        json_array_append_new(per, o);
        min_ops = clients[i].ops < min_ops ? clients[i].ops : min_ops;
        max_ops = clients[i].ops > max_ops ? clients[i].ops : max_ops;
    }
    free(clients);
    json_object_set_new(cl, "count", json_integer((json_int_t)nclients));
    json_object_set_new(cl, "min_ops", json_integer((json_int_t)min_ops));
    json_object_set_new(cl, "max_ops", json_integer((json_int_t)max_ops));
    json_object_set_new(root, "clients", cl);
    json_object_set_new(root, "per_client", per);
    json_object_set_new(root, "resets", json_integer(resets));
    json_object_set_new(root, "counting_s", seconds(period_ns));
    return root;
}
