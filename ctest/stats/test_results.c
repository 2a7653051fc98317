/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of the results summary (pyn_results_summarise, pyn_results.h)
 * without MPI: four rank records built by hand, and the counts, verdicts,
 * per-metric spread (slowest rank, ties, a metric no rank measured), page
 * faults (counts not measured left out), file-system counts and staging
 * that the summary derives from them. Exit 0 when every check holds;
 * otherwise one "CHECK FAILED: ..." line per failed check and exit 1. */
#include "pyn_results.h"

#include "pyn_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NRANKS 4

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void check_stat(const struct pyn_results *res, const char *k, double min, double median, double mean, double max,
                       int max_rank)
{
    const struct pyn_stat *s = pyn_results_stat(res, k);
    if (!s) {
        CHECK(0, "%s: not a summarised field", k);
        return;
    }
    CHECK(same(s->min, min), "%s: min = %.17g, expected %.17g", k, s->min, min);
    CHECK(same(s->median, median), "%s: median = %.17g, expected %.17g", k, s->median, median);
    CHECK(same(s->mean, mean), "%s: mean = %.17g, expected %.17g", k, s->mean, mean);
    CHECK(same(s->max, max), "%s: max = %.17g, expected %.17g", k, s->max, max);
    CHECK(s->max_rank == max_rank, "%s: max_rank = %d, expected %d", k, s->max_rank, max_rank);
}

static void check_rusage(const struct pyn_results *res, const char *k, int n, double min, double median, double mean,
                         double max, int max_rank)
{
    const struct pyn_stat *s = pyn_results_stat(res, k);
    if (!s) {
        CHECK(0, "rusage %s: not a summarised field", k);
        return;
    }
    CHECK(s->n == n, "rusage %s: n = %d, expected %d", k, s->n, n);
    CHECK(same(s->min, min), "rusage %s: min = %.17g, expected %.17g", k, s->min, min);
    CHECK(same(s->median, median), "rusage %s: median = %.17g, expected %.17g", k, s->median, median);
    CHECK(same(s->mean, mean), "rusage %s: mean = %.17g, expected %.17g", k, s->mean, mean);
    CHECK(same(s->max, max), "rusage %s: max = %.17g, expected %.17g", k, s->max, max);
    CHECK(s->max_rank == max_rank, "rusage %s: max_rank = %d, expected %d", k, s->max_rank, max_rank);
}

/* Four ranks on three hosts; the figures are binary fractions, so every sum is exact. */
static void fill(struct pyn_rank_record *r)
{
    static const char *const hosts[NRANKS] = {"node-a", "node-b", "node-a", "node-c"};
    static const double mpi_init[NRANKS] = {0.25, 0.25, 0.25, 0.25};
    static const double startup[NRANKS] = {1.0, 0.5, 1.5, 1.0};
    static const double import[NRANKS] = {0.5, 2.0, 1.0, 2.0};
    static const double visit[NRANKS] = {0.25, 0.5, 0.25, 0.125};
    static const double stage[NRANKS] = {0.5, 0.25, 0.25, 0.0};
    static const int64_t import_minflt[NRANKS] = {10, -1, 30, 30};
    static const int64_t visit_minflt[NRANKS] = {4, 3, 2, 1};
    static const int64_t maxrss[NRANKS] = {1000, 3000, 2000, -1};
    static const int fs_ok[NRANKS] = {1, 0, 1, 1};
    static const uint64_t opens[NRANKS] = {5, 99, 9, 9};
    static const uint64_t bytes[NRANKS] = {100, 0, 50, 200};
    static const int leader[NRANKS] = {1, 0, 1, 0};
    static const int64_t stage_bytes[NRANKS] = {100, 0, 300, 0};
    memset(r, 0, NRANKS * sizeof *r);
    for (int i = 0; i < NRANKS; ++i) {
        r[i].rank = i;
        r[i].checksum_ok = 1;
        snprintf(r[i].host, sizeof r[i].host, "%s", hosts[i]);
        r[i].phase_s[PYN_PHASE_MPI_INIT] = mpi_init[i];
        r[i].phase_s[PYN_PHASE_STARTUP] = startup[i];
        r[i].phase_s[PYN_PHASE_IMPORT] = import[i];
        r[i].phase_s[PYN_PHASE_VISIT] = visit[i];
        r[i].stage.total_s = stage[i];
        r[i].stage.read_s = i == 0 ? 0.5 : 0;
        r[i].stage.leader = leader[i];
        r[i].stage.files = 10;
        r[i].stage.bytes = stage_bytes[i];
        r[i].stage.shared_opens = i == 0 ? 3 : 0;
        r[i].fractal.compute_s = NAN;
        r[i].modules_imported = 8;
        pyn_rusage_record_init(&r[i].rusage);
        r[i].rusage.minflt[PYN_RUSAGE_IMPORT] = import_minflt[i];
        r[i].rusage.minflt[PYN_RUSAGE_VISIT] = visit_minflt[i];
        r[i].rusage.maxrss_kib = maxrss[i];
        r[i].fs_ok = fs_ok[i];
        r[i].fs[PYN_PHASE_IMPORT].opens = opens[i];
        r[i].fs[PYN_PHASE_STARTUP].bytes = bytes[i];
    }
}

static void test_passing_run(struct pyn_rank_record *r)
{
    fill(r);
    struct pyn_results res = {.nranks = NRANKS, .ranks = r};
    pyn_results_summarise(&res);
    CHECK(res.nhosts == 3, "nhosts = %d, expected 3", res.nhosts);
    CHECK(res.nfailed == 0 && res.nstopped == 0 && res.nchecksum_ok == NRANKS,
          "counts: failed %d, stopped %d, checksum_ok %d; expected 0, 0, %d", res.nfailed, res.nstopped,
          res.nchecksum_ok, NRANKS);
    CHECK(res.module_passed, "every rank verified: the module test passed");
    CHECK(!res.passed, "the MPI capability test did not run: the run did not pass");

    check_stat(&res, "mpi_init_s", 0.25, 0.25, 0.25, 0.25, 0); /* all equal: the lowest rank */
    check_stat(&res, "startup_s", 0.5, 1.0, 1.0, 1.5, 2);
    check_stat(&res, "import_s", 0.5, 1.5, 1.375, 2.0, 1); /* ranks 1 and 3 tie: rank 1 */
    check_stat(&res, "visit_s", 0.125, 0.25, 0.28125, 0.5, 1);
    /* totals 1.75, 3.0, 2.75, 3.125 */
    check_stat(&res, "total_s", 1.75, 2.875, 2.65625, 3.125, 3);
    check_stat(&res, "stage_s", 0.0, 0.25, 0.25, 0.5, 0);
    /* with staging: 2.25, 3.25, 3.0, 3.125 */
    check_stat(&res, "total_with_stage_s", 2.25, 3.0625, 2.90625, 3.25, 1);
    /* No rank ran it: NaN (the writers print "-" and null), and a rank the writers can index. */
    check_stat(&res, "fractal_s", NAN, NAN, NAN, NAN, 0);

    /* 8 modules over the imports: 16, 4, 8, 4 per second */
    check_stat(&res, "modules_per_s", 4, 6, 8, 16, 0);

    check_rusage(&res, "rusage.import.minflt", 3, 10, 30, (10.0 + 30.0 + 30.0) / 3, 30, 2);
    check_rusage(&res, "rusage.import.majflt", 0, NAN, NAN, NAN, NAN, 0);
    check_rusage(&res, "rusage.visit.minflt", 4, 1, 2.5, 2.5, 4, 0);
    check_rusage(&res, "rusage.maxrss_kib", 3, 1000, 2000, 2000, 3000, 1);

    CHECK(res.nfs_ok == 3, "nfs_ok = %d, expected 3", res.nfs_ok);
    const struct pyn_fs_stat *o = &res.fs[PYN_PHASE_IMPORT][0], *b = &res.fs[PYN_PHASE_STARTUP][3];
    CHECK(o->sum == 23 && o->min == 5 && o->max == 9 && o->max_rank == 2 && o->mean == 23.0 / 3,
          "fs import opens: sum %llu min %llu max %llu max_rank %d mean %g; expected 23 5 9 2 %g (rank 1 has none)",
          (unsigned long long)o->sum, (unsigned long long)o->min, (unsigned long long)o->max, o->max_rank, o->mean,
          23.0 / 3);
    CHECK(b->sum == 350 && b->min == 50 && b->max == 200 && b->max_rank == 3,
          "fs startup bytes: sum %llu min %llu max %llu max_rank %d; expected 350 50 200 3", (unsigned long long)b->sum,
          (unsigned long long)b->min, (unsigned long long)b->max, b->max_rank);

    const struct pyn_stage_summary *t = &res.stage;
    CHECK(t->read_max_s == 0.5 && t->leaders == 2 && t->files == 10 && t->bytes_max == 300 && t->shared_opens == 3,
          "stage: read_max %g leaders %d files %lld bytes_max %lld shared_opens %lld; expected 0.5 2 10 300 3",
          t->read_max_s, t->leaders, (long long)t->files, (long long)t->bytes_max, (long long)t->shared_opens);
}

static void test_fractal_ran(struct pyn_rank_record *r)
{
    static const double compute[NRANKS] = {0.5, 0.75, 0.25, 0.75};
    fill(r);
    for (int i = 0; i < NRANKS; ++i) {
        r[i].fractal.ran = 1;
        r[i].fractal.compute_s = compute[i];
    }
    struct pyn_results res = {.nranks = NRANKS, .ranks = r, .fractal = {.ran = 1, .passed = 1}};
    pyn_results_summarise(&res);
    CHECK(res.module_passed && res.passed, "module test and MPI capability test passed: the run passed");
    check_stat(&res, "fractal_s", 0.25, 0.625, 0.5625, 0.75, 1);

    res.fractal.passed = 0;
    pyn_results_summarise(&res);
    CHECK(res.module_passed && !res.passed, "the MPI capability test failed: the run did not pass");
}

static void test_failed_run(struct pyn_rank_record *r)
{
    fill(r);
    r[3].failed = 1;
    r[3].checksum_ok = 0;
    r[1].stopped = 1;
    r[1].checksum_ok = 0;
    struct pyn_results res = {.nranks = NRANKS, .ranks = r, .fractal = {.ran = 1, .passed = 1}};
    pyn_results_summarise(&res);
    CHECK(res.nfailed == 1 && res.nstopped == 1 && res.nchecksum_ok == 2,
          "counts: failed %d, stopped %d, checksum_ok %d; expected 1, 1, 2", res.nfailed, res.nstopped,
          res.nchecksum_ok);
    CHECK(!res.module_passed && !res.passed, "a rank failed: neither the module test nor the run passed");

    /* Every rank ran but one checksum was wrong. */
    fill(r);
    r[2].checksum_ok = 0;
    pyn_results_summarise(&res);
    CHECK(res.nfailed == 0 && res.nchecksum_ok == 3 && !res.module_passed && !res.passed,
          "one checksum not verified: failed %d checksum_ok %d module_passed %d passed %d; expected 0 3 0 0",
          res.nfailed, res.nchecksum_ok, res.module_passed, res.passed);
}

static void test_one_rank(struct pyn_rank_record *r)
{
    fill(r);
    struct pyn_results res = {.nranks = 1, .ranks = r, .fractal = {.ran = 1, .passed = 1}};
    pyn_results_summarise(&res);
    CHECK(res.nhosts == 1 && res.module_passed && res.passed, "one rank: nhosts %d module_passed %d passed %d",
          res.nhosts, res.module_passed, res.passed);
    check_stat(&res, "import_s", 0.5, 0.5, 0.5, 0.5, 0);
    check_rusage(&res, "rusage.import.minflt", 1, 10, 10, 10, 10, 0);
}

static void test_no_ranks(void)
{
    struct pyn_results res = {.nranks = 0, .ranks = NULL, .fractal = {.ran = 1, .passed = 1}};
    pyn_results_summarise(&res);
    CHECK(!res.module_passed && !res.passed && res.nhosts == 0, "no ranks: module_passed %d passed %d nhosts %d",
          res.module_passed, res.passed, res.nhosts);
    check_stat(&res, "import_s", 0, 0, 0, 0, 0);
    check_rusage(&res, "rusage.maxrss_kib", 0, NAN, NAN, NAN, NAN, 0);
}

int main(void)
{
    struct pyn_rank_record *r = calloc(NRANKS, sizeof *r);
    if (!r) {
        fprintf(stderr, "CHECK FAILED: calloc of %d rank records\n", NRANKS);
        return 1;
    }
    test_passing_run(r);
    test_fractal_ran(r);
    test_failed_run(r);
    test_one_rank(r);
    test_no_ranks();
    free(r);
    return pyn_check_status();
}
