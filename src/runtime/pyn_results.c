#include "pyn_results.h"

#include "pyn_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metric_keys[PYN_METRIC_COUNT] = {
    [PYN_PHASE_MPI_INIT] = "mpi_init_s",
    [PYN_PHASE_STARTUP] = "startup_s",
    [PYN_PHASE_IMPORT] = "import_s",
    [PYN_PHASE_VISIT] = "visit_s",
    [PYN_METRIC_TOTAL] = "total_s",
    [PYN_METRIC_STAGE] = "stage_s",
    [PYN_METRIC_TOTAL_WITH_STAGE] = "total_with_stage_s",
    [PYN_METRIC_FRACTAL] = "fractal_s",
};

const char *pyn_metric_key(int metric)
{
    return (metric >= 0 && metric < PYN_METRIC_COUNT) ? metric_keys[metric] : NULL;
}

double pyn_record_metric(const struct pyn_rank_record *r, int metric)
{
    if (metric == PYN_METRIC_TOTAL)
        return r->phase_s[PYN_PHASE_STARTUP] + r->phase_s[PYN_PHASE_IMPORT] + r->phase_s[PYN_PHASE_VISIT];
    if (metric == PYN_METRIC_STAGE)
        return r->stage.total_s;
    if (metric == PYN_METRIC_TOTAL_WITH_STAGE)
        return pyn_record_metric(r, PYN_METRIC_TOTAL) + r->stage.total_s;
    if (metric == PYN_METRIC_FRACTAL)
        return r->fractal.ran ? r->fractal.compute_s : NAN;
    return r->phase_s[metric];
}

void pyn_stat_compute(const struct pyn_rank_record *ranks, int nranks, int metric, struct pyn_stat *out)
{
    memset(out, 0, sizeof *out);
    if (nranks <= 0)
        return;
    out->min = out->median = out->mean = out->max = NAN;
    out->max_rank = ranks[0].rank;
    double *v = malloc((size_t)nranks * sizeof *v);
    if (!v)
        return;
    for (int i = 0; i < nranks; ++i)
        v[i] = pyn_record_metric(&ranks[i], metric);
    struct pyn_stats s;
    pyn_stats_compute(v, nranks, &s);
    free(v);
    out->min = s.min;
    out->median = s.median;
    out->mean = s.mean;
    out->max = s.max;
    /* No rank measured it (fractal_s when the test did not run): the writers
     * still index ranks[] by max_rank, and print NaN as "-" or null. */
    if (s.n > 0)
        out->max_rank = ranks[s.max_index].rank;
}

/* The page-fault counts and peak RSS: -1 is not measured, which the
 * summary leaves out. */
static void summarise_rusage(struct pyn_results *res)
{
    double *v = malloc((size_t)(res->nranks > 0 ? res->nranks : 1) * sizeof *v);
    for (int m = 0; m < PYN_RUSAGE_METRIC_COUNT; ++m) {
        struct pyn_rusage_stat *out = &res->rusage_summary[m];
        memset(out, 0, sizeof *out);
        out->min = out->median = out->mean = out->max = NAN;
        if (!v)
            continue;
        for (int i = 0; i < res->nranks; ++i) {
            int64_t x = pyn_rusage_metric_value(&res->ranks[i].rusage, (enum pyn_rusage_metric)m);
            v[i] = x < 0 ? NAN : (double)x;
        }
        struct pyn_stats s;
        pyn_stats_compute(v, res->nranks, &s);
        out->n = s.n;
        if (s.n == 0)
            continue;
        out->max_rank = res->ranks[s.max_index].rank;
        out->min = s.min;
        out->median = s.median;
        out->mean = s.mean;
        out->max = s.max;
    }
    free(v);
}

static int cmp_host(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorting keeps this O(n log n) for jobs of 100k ranks. */
static int count_hosts(const struct pyn_rank_record *ranks, int nranks)
{
    const char **hosts = malloc((size_t)(nranks > 0 ? nranks : 1) * sizeof *hosts);
    if (!hosts)
        return -1;
    for (int i = 0; i < nranks; ++i)
        hosts[i] = ranks[i].host;
    qsort(hosts, (size_t)nranks, sizeof *hosts, cmp_host);
    int n = 0;
    for (int i = 0; i < nranks; ++i)
        n += i == 0 || strcmp(hosts[i - 1], hosts[i]) != 0;
    free(hosts);
    return n;
}

static const char *const fs_counter_keys[PYN_FS_NCOUNTERS] = {"opens", "enoent", "stats", "bytes", "local", "bindings"};

const char *pyn_fs_counter_key(int counter)
{
    return counter >= 0 && counter < PYN_FS_NCOUNTERS ? fs_counter_keys[counter] : NULL;
}

uint64_t pyn_fs_counter(const struct pyn_fs_counts *c, int counter)
{
    const uint64_t v[PYN_FS_NCOUNTERS] = {c->opens, c->enoent, c->stats, c->bytes, c->local, c->bindings};
    return counter >= 0 && counter < PYN_FS_NCOUNTERS ? v[counter] : 0;
}

static void summarise_fs(struct pyn_results *res)
{
    memset(res->fs, 0, sizeof res->fs);
    res->nfs_ok = 0;
    for (int i = 0; i < res->nranks; ++i) {
        const struct pyn_rank_record *r = &res->ranks[i];
        if (!r->fs_ok)
            continue;
        for (int k = 0; k < PYN_FS_SLOTS; ++k)
            for (int c = 0; c < PYN_FS_NCOUNTERS; ++c) {
                struct pyn_fs_stat *s = &res->fs[k][c];
                uint64_t v = pyn_fs_counter(&r->fs[k], c);
                if (res->nfs_ok == 0 || v < s->min)
                    s->min = v;
                if (res->nfs_ok == 0 || v > s->max) {
                    s->max = v;
                    s->max_rank = r->rank;
                }
                s->sum += v;
            }
        res->nfs_ok++;
    }
    for (int k = 0; k < PYN_FS_SLOTS; ++k)
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c)
            res->fs[k][c].mean = res->nfs_ok ? (double)res->fs[k][c].sum / res->nfs_ok : 0;
}

static void summarise_stage(struct pyn_results *res)
{
    struct pyn_stage_summary *t = &res->stage;
    memset(t, 0, sizeof *t);
    for (int i = 0; i < res->nranks; ++i) {
        const struct pyn_stage_record *s = &res->ranks[i].stage;
        t->read_max_s = fmax(t->read_max_s, s->read_s);
        t->bcast_max_s = fmax(t->bcast_max_s, s->bcast_s);
        t->write_max_s = fmax(t->write_max_s, s->write_s);
        t->files = s->files > t->files ? s->files : t->files;
        t->bytes_max = s->bytes > t->bytes_max ? s->bytes : t->bytes_max;
        t->shared_opens += s->shared_opens;
        t->shared_enoent += s->shared_enoent;
        t->leaders += s->leader;
    }
}

void pyn_results_summarise(struct pyn_results *res)
{
    res->nfailed = res->nstopped = res->nchecksum_ok = 0;
    for (int i = 0; i < res->nranks; ++i) {
        res->nfailed += res->ranks[i].failed != 0;
        res->nstopped += res->ranks[i].stopped != 0;
        res->nchecksum_ok += res->ranks[i].checksum_ok != 0;
    }
    res->nhosts = count_hosts(res->ranks, res->nranks);
    res->module_passed = res->nranks > 0 && res->nfailed == 0 && res->nchecksum_ok == res->nranks;
    res->passed = res->module_passed && pyn_fractal_summary_ok(&res->fractal);
    for (int m = 0; m < PYN_METRIC_COUNT; ++m)
        pyn_stat_compute(res->ranks, res->nranks, m, &res->summary[m]);
    summarise_fs(res);
    summarise_stage(res);
    summarise_rusage(res);
}

void pyn_static_summary_compute(struct pyn_static_summary *out, const struct pyn_manifest *m, const char *library_dir,
                                const char *exe_path)
{
    memset(out, 0, sizeof *out);
    snprintf(out->executable, sizeof out->executable, "%s", exe_path ? exe_path : "");
    int rc = pyn_elf_read_tree(m, library_dir, &out->tree, NULL, out->error, sizeof out->error);
    if (rc == 0 && exe_path)
        rc = pyn_elf_read(exe_path, &out->exe, out->error, sizeof out->error);
    out->ok = rc == 0;
}
