/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_results.h"

#include "pyn_fields.h"
#include "pyn_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One SPREAD or MEASURED field across ranks; v is scratch for nranks values. */
static void summarise_field(const struct pyn_field *f, const struct pyn_rank_record *ranks, int nranks, double *v,
                            struct pyn_stat *out)
{
    memset(out, 0, sizeof *out);
    if (nranks <= 0 && f->summary == PYN_SUMMARY_SPREAD)
        return;
    out->min = out->median = out->mean = out->max = NAN;
    /* No rank measured it (fractal_s when the test did not run): the writers
     * still index ranks[] by a SPREAD field's max_rank, and print NaN as "-" or null. */
    out->max_rank = nranks > 0 && f->summary == PYN_SUMMARY_SPREAD ? ranks[0].rank : 0;
    if (!v)
        return;
    for (int i = 0; i < nranks; ++i)
        v[i] = pyn_field_number(f, &ranks[i], 0);
    struct pyn_stats s;
    pyn_stats_compute(v, nranks, &s);
    out->n = s.n;
    if (s.n == 0)
        return;
    out->max_rank = ranks[s.max_index].rank;
    out->min = s.min;
    out->median = s.median;
    out->mean = s.mean;
    out->max = s.max;
}

static void summarise_fields(struct pyn_results *res)
{
    double *v = malloc((size_t)(res->nranks > 0 ? res->nranks : 1) * sizeof *v);
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        if (f->summary == PYN_SUMMARY_SPREAD || f->summary == PYN_SUMMARY_MEASURED)
            summarise_field(f, res->ranks, res->nranks, v, &res->stats[i]);
    }
    free(v);
}

const struct pyn_stat *pyn_results_stat(const struct pyn_results *res, const char *key)
{
    const struct pyn_field *f = pyn_field_find(key);
    if (!f || (f->summary != PYN_SUMMARY_SPREAD && f->summary != PYN_SUMMARY_MEASURED))
        return NULL;
    return &res->stats[f - pyn_fields];
}

const char *pyn_results_cache_mode(const struct pyn_results *res)
{
    if (res->nranks <= 0 || !res->ranks[0].cache.measured)
        return NULL;
    return res->ranks[0].cache.cold ? "cold" : "warm";
}

int pyn_results_first_on_host(const struct pyn_results *res, int i)
{
    for (int j = 0; j < i; ++j)
        if (res->ranks[j].placement.measured && strcmp(res->ranks[j].host, res->ranks[i].host) == 0)
            return 0;
    return res->ranks[i].placement.measured;
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

/* Exact integers: sums and extremes of 64-bit counts, which a double would
 * round past 2^53 (bytes summed over many ranks); so not pyn_stats_compute. */
static void summarise_fs(struct pyn_results *res)
{
    memset(res->fs, 0, sizeof res->fs);
    res->nfs_ok = 0;
    for (int i = 0; i < res->nranks; ++i) {
        const struct pyn_rank_record *r = &res->ranks[i];
        if (!r->fs_ok)
            continue;
        int c = 0;
        for (size_t fi = 0; fi < pyn_field_count && c < PYN_FS_NCOUNTERS; ++fi) {
            const struct pyn_field *f = &pyn_fields[fi];
            if (f->summary != PYN_SUMMARY_SUM)
                continue;
            for (int k = 0; k < PYN_FS_SLOTS; ++k) {
                struct pyn_fs_stat *s = &res->fs[k][c];
                struct pyn_field_value v;
                pyn_field_get(f, r, k, &v);
                if (v.null)
                    continue;
                if (s->n == 0 || v.u < s->min)
                    s->min = v.u;
                if (s->n == 0 || v.u > s->max) {
                    s->max = v.u;
                    s->max_rank = r->rank;
                }
                s->sum += v.u;
                s->n++;
            }
            ++c;
        }
        res->nfs_ok++;
    }
    for (int k = 0; k < PYN_FS_SLOTS; ++k)
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c)
            res->fs[k][c].mean = res->fs[k][c].n ? (double)res->fs[k][c].sum / res->fs[k][c].n : 0;
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
    summarise_fields(res);
    summarise_fs(res);
    summarise_stage(res);
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
