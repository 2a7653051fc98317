/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of the job description (src/runtime/pyn_job.h) without MPI:
 * which scheduler and launcher the environment names (and in which order
 * when several are set), its values made one clean line, the compact rank
 * lists, and the hosts and agreement rank 0 builds from every rank's part.
 * Exit 0 when every check holds; otherwise one "CHECK FAILED: ..." line per
 * failed check and exit 1. */
#define _GNU_SOURCE
#include "pyn_job.h"

#include "pyn_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every variable pyn_job_env_read looks at, cleared before each case. */
static const char *const job_vars[] = {
    "FLUX_JOB_ID",        "SLURM_JOB_ID",   "SLURM_JOBID",        "SLURM_STEP_ID", "SLURM_STEPID", "SLURM_JOB_NAME",
    "SLURM_CLUSTER_NAME", "SLURM_PROCID",   "PBS_JOBID",          "PBS_JOBNAME",   "LSB_JOBID",    "LSB_JOBNAME",
    "HYDI_CONTROL_FD",    "FLUX_TASK_RANK", "JSM_NAMESPACE_RANK", "PMIX_RANK",     "PMI_RANK",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof job_vars / sizeof job_vars[0]; ++i)
        unsetenv(job_vars[i]);
}

/* Sets NAME=VALUE pairs (NULL-terminated), reads, and checks each field. */
static void check_env(const char *what, const char *const *vars, const char *scheduler, const char *id,
                      const char *step, const char *name, const char *cluster, const char *launcher)
{
    clear_env();
    for (; *vars; vars += 2)
        setenv(vars[0], vars[1], 1);
    struct pyn_job_env e;
    memset(&e, 0x5a, sizeof e);
    pyn_job_env_read(&e);
    const char *got[] = {e.scheduler, e.id, e.step, e.name, e.cluster, e.launcher};
    const char *want[] = {scheduler, id, step, name, cluster, launcher};
    const char *field[] = {"scheduler", "id", "step", "name", "cluster", "launcher"};
    for (int i = 0; i < 6; ++i)
        CHECK(strcmp(got[i], want[i]) == 0, "%s: %s = \"%s\", expected \"%s\"", what, field[i], got[i], want[i]);
}

#define VARS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_env(void)
{
    check_env("nothing set: a singleton", VARS(NULL), "", "", "", "", "", "none");
    check_env("mpiexec (hydra)", VARS("HYDI_CONTROL_FD", "7", "PMI_RANK", "0"), "", "", "", "", "", "hydra");
    check_env("srun in a Slurm job",
              VARS("SLURM_JOB_ID", "1234", "SLURM_STEP_ID", "0", "SLURM_PROCID", "0", "SLURM_JOB_NAME", "pyn",
                   "SLURM_CLUSTER_NAME", "local", "PMI_RANK", "0"),
              "slurm", "1234", "0", "pyn", "local", "srun");
    check_env("old Slurm names", VARS("SLURM_JOBID", "77", "SLURM_STEPID", "3", "SLURM_PROCID", "1"), "slurm", "77",
              "3", "", "", "none");
    check_env("a batch script (no step): a singleton", VARS("SLURM_JOB_ID", "9", "SLURM_PROCID", "0"), "slurm", "9", "",
              "", "", "none");
    check_env("hydra bootstrapped by srun inside Slurm",
              VARS("SLURM_JOB_ID", "5", "SLURM_STEP_ID", "1", "SLURM_PROCID", "0", "HYDI_CONTROL_FD", "9"), "slurm",
              "5", "1", "", "", "hydra");
    check_env("Flux inside a Slurm allocation: Flux's job",
              VARS("SLURM_JOB_ID", "5", "FLUX_JOB_ID",
                   "\xc6\x92"
                   "2xYz",
                   "FLUX_TASK_RANK", "0"),
              "flux",
              "\xc6\x92"
              "2xYz",
              "", "", "", "flux");
    check_env("PBS, its job name one clean line", VARS("PBS_JOBID", "42.server", "PBS_JOBNAME", " my\tjob\n"), "pbs",
              "42.server", "", "my job", "", "none");
    check_env("LSF under jsrun", VARS("LSB_JOBID", "8", "LSB_JOBNAME", "j", "JSM_NAMESPACE_RANK", "0"), "lsf", "8", "",
              "j", "", "jsrun");
    check_env("an empty id is no job", VARS("PBS_JOBID", "", "PMIX_RANK", "0"), "", "", "", "", "", "pmix");
    check_env("another PMI launcher", VARS("PMI_RANK", "2"), "", "", "", "", "", "pmi");
    char long_id[300];
    memset(long_id, '7', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    struct pyn_job_env e;
    clear_env();
    setenv("LSB_JOBID", long_id, 1);
    pyn_job_env_read(&e);
    CHECK(strlen(e.id) == sizeof e.id - 1, "a %zu-character id is cut to %zu, got %zu", strlen(long_id),
          sizeof e.id - 1, strlen(e.id));
    clear_env();
}

static void check_ranks(const int *ranks, int n, const char *want)
{
    char buf[64];
    size_t need = pyn_job_format_ranks(ranks, n, buf, sizeof buf);
    CHECK(strcmp(buf, want) == 0 && need == strlen(want), "rank list \"%s\" (%zu), expected \"%s\"", buf, need, want);
    char small[4];
    need = pyn_job_format_ranks(ranks, n, small, sizeof small);
    CHECK(need == strlen(want), "in 4 bytes: needs %zu, expected %zu", need, strlen(want));
}

static void test_ranks(void)
{
    check_ranks((const int[]){0}, 1, "0");
    check_ranks((const int[]){0, 1, 2, 3}, 4, "0-3");
    check_ranks((const int[]){0, 1, 2, 3, 8, 10, 11}, 7, "0-3,8,10-11");
    check_ranks((const int[]){1, 3, 5}, 3, "1,3,5");
    check_ranks(NULL, 0, "");
}

static struct pyn_job_rank part(const char *host, const char *launcher)
{
    struct pyn_job_rank r;
    memset(&r, 0, sizeof r);
    snprintf(r.host, sizeof r.host, "%s", host);
    snprintf(r.env.launcher, sizeof r.env.launcher, "%s", launcher);
    snprintf(r.env.scheduler, sizeof r.env.scheduler, "slurm");
    snprintf(r.env.id, sizeof r.env.id, "1234");
    return r;
}

static void test_build(void)
{
    /* Ranks placed round-robin over three hosts, b first. */
    const char *hosts[] = {"b", "a", "c", "b", "a", "c", "b"};
    struct pyn_job_rank all[7];
    for (int r = 0; r < 7; ++r)
        all[r] = part(hosts[r], "srun");
    struct pyn_job *job = pyn_job_build(all, 7);
    CHECK(job != NULL, "pyn_job_build returned NULL");
    if (!job)
        return;
    CHECK(job->uniform && job->first_other == -1, "uniform %d, first_other %d", job->uniform, job->first_other);
    CHECK(strcmp(job->env.id, "1234") == 0, "rank 0's id \"%s\"", job->env.id);
    const char *want_name[] = {"b", "a", "c"}, *want_ranks[] = {"0,3,6", "1,4", "2,5"};
    int want_n[] = {3, 2, 2};
    CHECK(job->nhosts == 3, "%d hosts, expected 3", job->nhosts);
    for (int h = 0; h < job->nhosts && h < 3; ++h)
        CHECK(strcmp(job->hosts[h].name, want_name[h]) == 0 && job->hosts[h].nranks == want_n[h] &&
                  strcmp(job->hosts[h].ranks, want_ranks[h]) == 0,
              "host %d: %s %d (%s), expected %s %d (%s)", h, job->hosts[h].name, job->hosts[h].nranks,
              job->hosts[h].ranks, want_name[h], want_n[h], want_ranks[h]);
    pyn_job_free(job);

    /* Rank 5 of 8 launched otherwise: not uniform, and named. */
    struct pyn_job_rank mixed[8];
    for (int r = 0; r < 8; ++r)
        mixed[r] = part(r < 4 ? "n1" : "n2", r == 5 || r == 7 ? "hydra" : "srun");
    job = pyn_job_build(mixed, 8);
    CHECK(job && !job->uniform && job->first_other == 5, "a rank launched otherwise: uniform %d, first_other %d",
          job ? job->uniform : -1, job ? job->first_other : -1);
    CHECK(job && job->nhosts == 2 && strcmp(job->hosts[0].ranks, "0-3") == 0 && strcmp(job->hosts[1].ranks, "4-7") == 0,
          "two blocks of four: %s, %s", job ? job->hosts[0].ranks : "",
          job && job->nhosts > 1 ? job->hosts[1].ranks : "");
    pyn_job_free(job);

    /* One rank. */
    job = pyn_job_build(all, 1);
    CHECK(job && job->nhosts == 1 && job->hosts[0].nranks == 1 && strcmp(job->hosts[0].ranks, "0") == 0,
          "one rank: one host with rank 0");
    pyn_job_free(job);
    pyn_job_free(NULL);
}

int main(void)
{
    test_env();
    test_ranks();
    test_build();
    return pyn_check_status();
}
