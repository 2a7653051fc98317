/* SPDX-License-Identifier: BSD-3-Clause */
/* Rank placement with hwloc (pyn_placement.h). */
#include "pyn_placement.h"

#include "pyn_tool.h"

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pyn_placement {
    hwloc_topology_t topo;
    int bound_by_us;
};

int pyn_placement_open(struct pyn_placement **out, char *err, size_t errlen)
{
    *out = NULL;
    struct pyn_placement *p = calloc(1, sizeof *p);
    if (!p) {
        pyn_format_middle(err, errlen, "placement: out of memory");
        return -ENOMEM;
    }
    if (hwloc_topology_init(&p->topo) != 0) {
        int e = errno ? errno : ENOMEM;
        pyn_format_middle(err, errlen, "placement: hwloc_topology_init: %s", strerror(e));
        free(p);
        return -e;
    }
    if (hwloc_topology_load(p->topo) != 0) {
        int e = errno ? errno : EINVAL;
        pyn_format_middle(err, errlen, "placement: hwloc_topology_load: %s", strerror(e));
        hwloc_topology_destroy(p->topo);
        free(p);
        return -e;
    }
    *out = p;
    return 0;
}

void pyn_placement_close(struct pyn_placement *p)
{
    if (!p)
        return;
    hwloc_topology_destroy(p->topo);
    free(p);
}

static int32_t count(hwloc_topology_t topo, hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(topo, type);
    return n < 0 ? -1 : n;
}

void pyn_placement_topology(const struct pyn_placement *p, struct pyn_topology_record *out)
{
    out->packages = count(p->topo, HWLOC_OBJ_PACKAGE);
    out->numa_nodes = count(p->topo, HWLOC_OBJ_NUMANODE);
    out->cores = count(p->topo, HWLOC_OBJ_CORE);
    out->pus = count(p->topo, HWLOC_OBJ_PU);
}

int pyn_placement_bind_core(struct pyn_placement *p, int local_rank, char *err, size_t errlen)
{
    int ncores = hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_CORE);
    if (ncores <= 0) {
        pyn_format_middle(err, errlen, "placement: --bind core: hwloc finds no cores on this host");
        return -ENODEV;
    }
    int index = local_rank % ncores;
    hwloc_obj_t core = hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_CORE, (unsigned)index);
    char set[PYN_CPUSET_MAX] = "?";
    if (core && core->cpuset)
        hwloc_bitmap_snprintf(set, sizeof set, core->cpuset);
    /* The whole process: MPI's and Python's helper threads follow the rank. */
    if (!core || hwloc_set_cpubind(p->topo, core->cpuset, HWLOC_CPUBIND_PROCESS) != 0) {
        int e = core ? errno : ENODEV;
        pyn_format_middle(err, errlen, "placement: --bind core: hwloc_set_cpubind(core %d, %s): %s", index, set,
                          strerror(e));
        return -e;
    }
    p->bound_by_us = 1;
    return 0;
}

int pyn_placement_last_pu(struct pyn_placement *p)
{
    hwloc_bitmap_t last = hwloc_bitmap_alloc();
    int pu = -1;
    /* The calling thread: the one that loads and visits. */
    if (last && hwloc_get_last_cpu_location(p->topo, last, HWLOC_CPUBIND_THREAD) == 0)
        pu = hwloc_bitmap_first(last);
    hwloc_bitmap_free(last);
    return pu;
}

int pyn_placement_sample(struct pyn_placement *p, struct pyn_placement_record *rec, char *err, size_t errlen)
{
    rec->pu = rec->core = rec->numa = -1;
    rec->bound = 0;
    rec->bound_by_us = p->bound_by_us;
    rec->cpuset[0] = '\0';
    pyn_placement_topology(p, &rec->topology);
    rec->measured = 1;

    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!set) {
        pyn_format_middle(err, errlen, "placement: out of memory");
        return -ENOMEM;
    }
    int rc = 0;
    if (hwloc_get_cpubind(p->topo, set, HWLOC_CPUBIND_PROCESS) != 0) {
        rc = -errno;
        pyn_format_middle(err, errlen, "placement: hwloc_get_cpubind: %s", strerror(errno));
    } else {
        hwloc_bitmap_snprintf(rec->cpuset, sizeof rec->cpuset, set);
        hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(p->topo);
        rec->bound = !hwloc_bitmap_isincluded(allowed, set);
    }
    hwloc_bitmap_free(set);

    rec->pu = pyn_placement_last_pu(p);
    hwloc_obj_t pu = rec->pu >= 0 ? hwloc_get_pu_obj_by_os_index(p->topo, (unsigned)rec->pu) : NULL;
    if (pu) {
        hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(p->topo, HWLOC_OBJ_CORE, pu);
        /* NUMA nodes hang off the tree as memory children in hwloc 2: find
         * the one whose CPUs include this PU. */
        hwloc_obj_t numa = hwloc_get_next_obj_covering_cpuset_by_type(p->topo, pu->cpuset, HWLOC_OBJ_NUMANODE, NULL);
        rec->core = core ? (int32_t)core->logical_index : -1;
        rec->numa = numa ? (int32_t)numa->logical_index : -1;
    } else if (rc == 0) {
        rc = -ENODEV;
        pyn_format_middle(err, errlen, "placement: hwloc_get_last_cpu_location: no PU found (got OS index %d)",
                          rec->pu);
    }
    return rc;
}
