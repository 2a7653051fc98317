/* SPDX-License-Identifier: BSD-3-Clause */
/* The job a run was part of (pyn_job.h). */
#define _GNU_SOURCE
#include "pyn_job.h"

#include "pyn_tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first of names that is set (and not empty), or NULL. */
static const char *first_set(const char *const *names)
{
    for (; *names; ++names) {
        const char *v = getenv(*names);
        if (v && *v)
            return v;
    }
    return NULL;
}

static void put(char *field, size_t size, const char *value)
{
    snprintf(field, size, "%s", value ? value : "");
    pyn_normalise_text(field);
}

#define PUT(field, value) put(field, sizeof field, value)
#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

struct scheduler {
    const char *name;
    const char *const *id, *const *step, *const *job_name, *const *cluster;
};

void pyn_job_env_read(struct pyn_job_env *env)
{
    static const char *const none[] = {NULL};
    /* Flux first: its instances run inside other schedulers' allocations. */
    const struct scheduler schedulers[] = {
        {"flux", NAMES("FLUX_JOB_ID"), none, none, none},
        {"slurm", NAMES("SLURM_JOB_ID", "SLURM_JOBID"), NAMES("SLURM_STEP_ID", "SLURM_STEPID"), NAMES("SLURM_JOB_NAME"),
         NAMES("SLURM_CLUSTER_NAME")},
        {"pbs", NAMES("PBS_JOBID"), none, NAMES("PBS_JOBNAME"), none},
        {"lsf", NAMES("LSB_JOBID"), none, NAMES("LSB_JOBNAME"), none},
    };
    memset(env, 0, sizeof *env);
    for (size_t i = 0; i < sizeof schedulers / sizeof schedulers[0]; ++i) {
        const struct scheduler *s = &schedulers[i];
        const char *id = first_set(s->id);
        if (!id)
            continue;
        PUT(env->scheduler, s->name);
        PUT(env->id, id);
        PUT(env->step, first_set(s->step));
        PUT(env->name, first_set(s->job_name));
        PUT(env->cluster, first_set(s->cluster));
        break;
    }
    /* hydra before srun: hydra's proxies may be srun's tasks (its Slurm bootstrap), and the ranks inherit
     * srun's variables from them. */
    const char *launcher = "none";
    if (getenv("HYDI_CONTROL_FD"))
        launcher = "hydra";
    else if (getenv("SLURM_STEP_ID") && getenv("SLURM_PROCID"))
        launcher = "srun";
    else if (getenv("FLUX_TASK_RANK"))
        launcher = "flux";
    else if (getenv("JSM_NAMESPACE_RANK"))
        launcher = "jsrun";
    else if (getenv("PMIX_RANK"))
        launcher = "pmix";
    else if (getenv("PMI_RANK"))
        launcher = "pmi";
    PUT(env->launcher, launcher);
}

const char *pyn_job_value(const char *field)
{
    return field[0] ? field : NULL;
}

size_t pyn_job_format_ranks(const int *ranks, int n, char *buf, size_t len)
{
    size_t need = 0;
    if (len)
        buf[0] = '\0';
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && ranks[j + 1] == ranks[j] + 1)
            ++j;
        char item[32];
        int k = j == i ? snprintf(item, sizeof item, "%s%d", i ? "," : "", ranks[i])
                       : snprintf(item, sizeof item, "%s%d-%d", i ? "," : "", ranks[i], ranks[j]);
        if (need + (size_t)k < len)
            memcpy(buf + need, item, (size_t)k + 1);
        need += (size_t)k;
        i = j + 1;
    }
    return need;
}

/* Sorting the ranks by host, then rank, groups each host's ranks in order. */
static int by_host_then_rank(const void *a, const void *b, void *ctx)
{
    const struct pyn_job_rank *all = ctx;
    int x = *(const int *)a, y = *(const int *)b;
    int c = strncmp(all[x].host, all[y].host, PYN_JOB_HOST_MAX);
    return c ? c : (x > y) - (x < y);
}

void pyn_job_free(struct pyn_job *job)
{
    if (!job)
        return;
    for (int h = 0; h < job->nhosts; ++h) {
        free((char *)job->hosts[h].name);
        free((char *)job->hosts[h].ranks);
    }
    free(job->hosts);
    free(job);
}

/* One host's ranks: order[first .. first + count), ascending. */
struct group {
    int first, count;
    int lowest; /* its lowest rank */
};

static int by_lowest_rank(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return (x->lowest > y->lowest) - (x->lowest < y->lowest);
}

struct pyn_job *pyn_job_build(const struct pyn_job_rank *all, int nranks)
{
    struct pyn_job *job = calloc(1, sizeof *job);
    int *order = malloc((size_t)(nranks > 0 ? nranks : 1) * sizeof *order);
    struct group *groups = malloc((size_t)(nranks > 0 ? nranks : 1) * sizeof *groups);
    if (!job || !order || !groups)
        goto oom;
    job->first_other = -1;
    if (nranks > 0)
        job->env = all[0].env;
    for (int r = 0; r < nranks; ++r) {
        order[r] = r;
        if (job->first_other < 0 && memcmp(&all[r].env, &all[0].env, sizeof all[0].env) != 0)
            job->first_other = r;
    }
    job->uniform = job->first_other < 0;
    qsort_r(order, (size_t)nranks, sizeof *order, by_host_then_rank, (void *)all);
    int ngroups = 0;
    for (int i = 0; i < nranks; ++i) {
        if (i == 0 || strncmp(all[order[i]].host, all[order[i - 1]].host, PYN_JOB_HOST_MAX) != 0)
            groups[ngroups++] = (struct group){i, 0, order[i]};
        groups[ngroups - 1].count++;
    }
    /* Hosts in the order of their lowest rank, as the report's topology lists them. */
    qsort(groups, (size_t)ngroups, sizeof *groups, by_lowest_rank);
    if (!(job->hosts = calloc((size_t)(ngroups > 0 ? ngroups : 1), sizeof *job->hosts)))
        goto oom;
    for (int g = 0; g < ngroups; ++g) {
        const int *ranks = order + groups[g].first;
        struct pyn_job_host *h = &job->hosts[job->nhosts++];
        h->nranks = groups[g].count;
        h->name = strndup(all[ranks[0]].host, PYN_JOB_HOST_MAX - 1);
        size_t need = pyn_job_format_ranks(ranks, h->nranks, NULL, 0);
        char *list = malloc(need + 1);
        if (list)
            pyn_job_format_ranks(ranks, h->nranks, list, need + 1);
        h->ranks = list;
        if (!h->name || !list)
            goto oom;
    }
    free(order);
    free(groups);
    return job;
oom:
    free(order);
    free(groups);
    pyn_job_free(job);
    return NULL;
}
