/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_placement.h: where each rank runs, from hwloc, and optional binding
 * (--bind core).
 *
 * One opaque handle per process, hwloc's own lifecycle: open (discover the
 * node's topology), optionally bind, sample, close. Everything here runs
 * outside the timed phases. Indices: `pu` is the operating system's CPU
 * number (what sched_getcpu() and taskset use); `core` and `numa` are
 * hwloc's logical indices (0 .. count-1 on the host, as the topology
 * summary counts them). docs/metrics.md says what is seen and missed.
 *
 * Error contract: 0 or a negative errno, one line in err naming the hwloc
 * call and strerror; nothing here exits. */
#ifndef PYN_PLACEMENT_H
#define PYN_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#define PYN_CPUSET_MAX 160

/* What hwloc counts on this rank's host. */
struct pyn_topology_record {
    int32_t packages, numa_nodes, cores, pus;
};

/* Per rank, in the gathered record (plain data, fixed sizes). -1: unknown. */
struct pyn_placement_record {
    int32_t measured; /* 0: never sampled (the run stopped before import) */
    int32_t pu;       /* OS index of the PU the rank last ran on, at import start */
    int32_t core;     /* logical index of that PU's core */
    int32_t numa;     /* logical index of the NUMA node holding that PU */
    int32_t pu_end;   /* the PU at the end of the run (after visit) */
    int32_t bound;    /* the process's CPU binding is narrower than the host's allowed CPUs */
    int32_t bound_by_us; /* --bind core bound it */
    char cpuset[PYN_CPUSET_MAX]; /* the binding, as hwloc prints a bitmap ("0x00000003") */
    struct pyn_topology_record topology;
};

struct pyn_placement;

/* Discovers this node's topology (hwloc_topology_init + load). */
int pyn_placement_open(struct pyn_placement **out, char *err, size_t errlen);
void pyn_placement_close(struct pyn_placement *p);

/* The host's counts. */
void pyn_placement_topology(const struct pyn_placement *p, struct pyn_topology_record *out);

/* Binds the whole process to core (local_rank mod cores), round-robin
 * over the host's cores in hwloc's logical order. Returns 0, or a negative
 * errno with "placement: --bind core: hwloc_set_cpubind(core N, 0x..):
 * reason" in err. */
int pyn_placement_bind_core(struct pyn_placement *p, int local_rank, char *err, size_t errlen);

/* Fills pu, core, numa, cpuset, bound and topology of rec from where the
 * calling thread last ran and the process's binding; sets measured. */
int pyn_placement_sample(struct pyn_placement *p, struct pyn_placement_record *rec, char *err, size_t errlen);

/* The PU (OS index) the calling thread last ran on, or -1. */
int pyn_placement_last_pu(struct pyn_placement *p);

#endif
