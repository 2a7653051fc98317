/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_job.h: which job a run was part of, for the reports: the scheduler
 * and its job and step ids, the launcher that started the ranks, and the
 * hosts with the ranks on each. libc only (unit-tested in one process);
 * pyn_job_mpi.h gathers every rank's part at set-up.
 *
 * Every rank reads its own environment (pyn_job_env_read); rank 0 keeps its
 * own reading and says whether every rank's was the same (uniform). */
#ifndef PYN_JOB_H
#define PYN_JOB_H

#include <stddef.h>

/* A host name, as struct pyn_rank_record holds it (PYN_HOST_MAX). */
#define PYN_JOB_HOST_MAX 64

/* What one rank's environment says, as fixed-size text so it is gathered
 * as bytes and compared with memcmp. "" is "not set". */
struct pyn_job_env {
    char scheduler[8]; /* "slurm", "flux", "pbs", "lsf", or "" */
    char launcher[8];  /* "srun", "hydra", "flux", "jsrun", "pmix", "pmi", or "none" (a singleton) */
    char id[96];       /* the scheduler's job id */
    char step[32];     /* the job step (Slurm only) */
    char name[128];    /* the job's name */
    char cluster[64];  /* the cluster (Slurm only) */
};

/* One rank's part, gathered to rank 0. */
struct pyn_job_rank {
    char host[PYN_JOB_HOST_MAX];
    struct pyn_job_env env;
};

/* A host and its ranks. */
struct pyn_job_host {
    const char *name; /* points into the struct pyn_job */
    int nranks;
    const char *ranks; /* the rank list, compact: "0-3,8,10-11" */
};

struct pyn_job {
    struct pyn_job_env env; /* rank 0's */
    int uniform;            /* every rank's env was rank 0's */
    int first_other;        /* the lowest rank whose env differed; -1 when uniform */
    int nhosts;
    struct pyn_job_host *hosts; /* by lowest rank */
};

/* Reads this process's environment into *env. The scheduler is the first
 * of Flux (FLUX_JOB_ID), Slurm (SLURM_JOB_ID, else SLURM_JOBID), PBS
 * (PBS_JOBID) and LSF (LSB_JOBID) whose job id is set: Flux first because
 * a Flux instance runs inside another scheduler's allocation and its jobs
 * inherit that one's variables. The launcher is the first that its own
 * variable shows: hydra (MPICH's mpiexec: HYDI_CONTROL_FD, which hydra's
 * proxy sets for the processes it starts; before srun, whose variables the
 * ranks would inherit from proxies srun started), srun (SLURM_STEP_ID and
 * SLURM_PROCID), flux (FLUX_TASK_RANK), jsrun (JSM_NAMESPACE_RANK), pmix
 * (PMIX_RANK), pmi (PMI_RANK: another PMI launcher), else none. Values are
 * normalised (pyn_normalise_text) and cut to their field's size. */
void pyn_job_env_read(struct pyn_job_env *env);

/* Rank 0's description of the job from every rank's part (all[r] is rank
 * r's), malloc'd; NULL when out of memory. Hosts are grouped by name, in
 * the order of their lowest rank. Free with pyn_job_free. */
struct pyn_job *pyn_job_build(const struct pyn_job_rank *all, int nranks);

void pyn_job_free(struct pyn_job *job);

/* The value of an env field, or NULL when it is "" (the reports' null). */
const char *pyn_job_value(const char *field);

/* Writes the ranks (ascending) as a compact list, "0-3,8,10-11", into buf.
 * Returns the length the whole list needs (as snprintf), so a caller can
 * size buf. */
size_t pyn_job_format_ranks(const int *ranks, int n, char *buf, size_t len);

#endif
