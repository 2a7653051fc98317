/* SPDX-License-Identifier: BSD-3-Clause */
/* The metrics glue of the run (pyn_run_metrics.h). The page cache is the
 * host's, so its first rank alone evicts and counts: every rank opening
 * every library would add a whole extra round of opens to the metadata
 * storm the import is about to measure (and warm the clients' name caches
 * for it), so a warm run counts nothing unless asked (--cache-count). */
#include "pyn_run_metrics.h"

#include "pyn_cache.h"
#include "pyn_collective.h"
#include "pyn_loader.h"
#include "pyn_tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void pyn_run_metrics_init(struct pyn_run_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->node = MPI_COMM_NULL;
}

int pyn_run_metrics_setup(struct pyn_run_metrics *m, MPI_Comm comm, const struct pyn_run_options *o,
                          const struct pyn_manifest *manifest, const char *mode_name, const struct pyn_rank_record *rec,
                          const char *prog, FILE *errs)
{
    char err[PYN_ERROR_MAX];
    /* First, on every rank whatever its options: it is collective. */
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &m->node);
    MPI_Comm_rank(m->node, &m->node_rank);
    int bind_core = o->bind == PYN_BIND_CORE;
    size_t mapped = o->cold ? pyn_loader_count_loaded(manifest) : 0;
    if (mapped) {
        if (rec->rank == 0)
            fprintf(errs,
                    "%s: --cold: %zu of %zu generated libraries are already mapped by this process (mode %s loads "
                    "them before main), and mapped pages cannot be evicted; use a mode that loads them in the import "
                    "phase (dlopen, python, the driver) or evict before launch (docs/metrics.md)\n",
                    prog, mapped, manifest->nlibraries, mode_name);
        return PYN_EXIT_USAGE;
    }
    if (pyn_placement_open(&m->placement, err, sizeof err) ||
        (bind_core && pyn_placement_bind_core(m->placement, m->node_rank, err, sizeof err))) {
        fprintf(errs, "%s: rank %d (%s): %s\n", prog, rec->rank, rec->host, err);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}

/* Keeps the first error, as the run's record does. */
static int keep_first(int rc, int new_rc, const char *msg, char *err, size_t errlen)
{
    if (rc == 0 && new_rc != 0)
        pyn_format_middle(err, errlen, "%s", msg);
    return rc ? rc : new_rc;
}

int pyn_run_metrics_import_start(struct pyn_run_metrics *m, const struct pyn_run_options *o,
                                 const struct pyn_manifest *manifest, const char *library_dir,
                                 struct pyn_rank_record *rec, char *err, size_t errlen)
{
    char msg[PYN_ERROR_MAX - 64], first[128];
    struct pyn_cache_record *c = &rec->cache;
    int rc = 0, failed = 0;
    int leader = m->node_rank == 0, count = o->cold || o->cache_count;
    c->cold = o->cold;
    if (o->cold && leader) {
        char *exe = pyn_exe_path();
        rc = pyn_cache_evict_tree(manifest, library_dir, exe, msg, sizeof msg);
        free(exe);
        if (rc == 0 && geteuid() == 0) {
            char drop_err[PYN_ERROR_MAX];
            c->dropped = pyn_cache_drop_system(drop_err, sizeof drop_err) == 0;
        }
        failed = keep_first(failed, rc, msg, err, errlen);
    }
    if (count && leader && rc == 0) {
        rc = pyn_cache_measure_tree(manifest, library_dir, c, first, sizeof first, msg, sizeof msg);
        failed = keep_first(failed, rc, msg, err, errlen);
        c->counted = rc == 0;
        if (rc == 0 && o->cold && c->resident_pages > 0 && !failed) {
            pyn_format_middle(
                err, errlen,
                "cache: --cold: %lld of %lld pages of the generated libraries are still in the page cache "
                "after eviction (first: %s): another process on this host has them mapped or is reading them",
                (long long)c->resident_pages, (long long)c->total_pages, first);
            failed = -EBUSY;
        }
    }
    /* The host's other ranks start their import after the count. */
    if (count)
        pyn_coll_barrier(m->node);
    c->measured = 1;
    if (pyn_placement_sample(m->placement, &rec->placement, msg, sizeof msg))
        failed = keep_first(failed, -ENODEV, msg, err, errlen);
    return failed;
}

void pyn_run_metrics_phase_begin(struct pyn_run_metrics *m)
{
    pyn_rusage_sample(&m->rusage_t0);
}

void pyn_run_metrics_phase_end(struct pyn_run_metrics *m, enum pyn_phase phase, struct pyn_rank_record *rec)
{
    struct pyn_rusage_sample now;
    pyn_rusage_sample(&now);
    pyn_rusage_record_phase(&rec->rusage, phase == PYN_PHASE_IMPORT ? PYN_RUSAGE_IMPORT : PYN_RUSAGE_VISIT,
                            &m->rusage_t0, &now);
}

void pyn_run_metrics_finish(struct pyn_run_metrics *m, struct pyn_rank_record *rec)
{
    pyn_rusage_record_maxrss(&rec->rusage);
    rec->placement.pu_end = m->placement ? pyn_placement_last_pu(m->placement) : -1;
}

void pyn_run_metrics_free(struct pyn_run_metrics *m)
{
    pyn_placement_close(m->placement);
    m->placement = NULL;
    if (m->node != MPI_COMM_NULL)
        MPI_Comm_free(&m->node);
}
