/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of pyn_stats (src/runtime): min, median, mean, max and the
 * index of the max, over odd and even counts, one value, values not
 * measured (NaN), ties, negative values and zeros, infinities, and a large
 * count. Exit 0 when every check holds; otherwise one "CHECK FAILED: ..."
 * line per failed check and exit 1. */
#include "pyn_stats.h"

#include "pyn_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exact equality, NaN equal to NaN, and the sign of a zero told apart. */
static int same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b && signbit(a) == signbit(b);
}

struct want {
    int n, max_index;
    double min, median, mean, max;
};

/* Summarises a copy of values (the function reorders it) and compares every field. */
static void check(const char *what, const double *values, int count, struct want w)
{
    double *v = malloc((size_t)(count > 0 ? count : 1) * sizeof *v);
    if (!v) {
        CHECK(0, "%s: malloc", what);
        return;
    }
    if (count > 0)
        memcpy(v, values, (size_t)count * sizeof *v);
    struct pyn_stats s;
    memset(&s, 0x5a, sizeof s); /* nothing left over from before may pass */
    pyn_stats_compute(v, count, &s);
    CHECK(s.n == w.n, "%s: n = %d, expected %d", what, s.n, w.n);
    CHECK(s.max_index == w.max_index, "%s: max_index = %d, expected %d", what, s.max_index, w.max_index);
    CHECK(same(s.min, w.min), "%s: min = %.17g, expected %.17g", what, s.min, w.min);
    CHECK(same(s.median, w.median), "%s: median = %.17g, expected %.17g", what, s.median, w.median);
    CHECK(same(s.mean, w.mean), "%s: mean = %.17g, expected %.17g", what, s.mean, w.mean);
    CHECK(same(s.max, w.max), "%s: max = %.17g, expected %.17g", what, s.max, w.max);
    /* As documented: the measured values first, sorted. */
    int unsorted = 0;
    for (int i = 1; i < s.n && i < count && !unsorted; ++i)
        unsorted = !(v[i - 1] <= v[i]) ? i : 0;
    CHECK(!unsorted, "%s: values[%d] = %g > values[%d] = %g after the call", what, unsorted - 1,
          unsorted ? v[unsorted - 1] : 0, unsorted, unsorted ? v[unsorted] : 0);
    free(v);
}

#define COUNT(a) ((int)(sizeof(a) / sizeof(a)[0]))

static void test_small(void)
{
    const double odd[] = {3, 1, 2};
    check("odd count", odd, COUNT(odd), (struct want){3, 0, 1, 2, 2, 3});
    const double even[] = {4, 1, 3, 2};
    check("even count: the mean of the two middle values", even, COUNT(even), (struct want){4, 0, 1, 2.5, 2.5, 4});
    const double even_far[] = {10, 0, 1, 100};
    check("even count, middle values apart", even_far, COUNT(even_far), (struct want){4, 3, 0, 5.5, 27.75, 100});
    const double one[] = {0.125};
    check("one rank", one, COUNT(one), (struct want){1, 0, 0.125, 0.125, 0.125, 0.125});
    const double two[] = {1, 2};
    check("two ranks", two, COUNT(two), (struct want){2, 1, 1, 1.5, 1.5, 2});
    check("no values", NULL, 0, (struct want){0, -1, NAN, NAN, NAN, NAN});
}

static void test_not_measured(void)
{
    const double some[] = {NAN, 2, NAN, 4};
    check("NaN left out", some, COUNT(some), (struct want){2, 3, 2, 3, 3, 4});
    const double first[] = {NAN, 5, 1, 3};
    check("NaN at index 0: max and min from the rest", first, COUNT(first), (struct want){3, 1, 1, 3, 3, 5});
    const double last[] = {1, 2, 3, NAN};
    check("NaN last", last, COUNT(last), (struct want){3, 2, 1, 2, 2, 3});
    const double none[] = {NAN, NAN, NAN};
    check("nothing measured", none, COUNT(none), (struct want){0, -1, NAN, NAN, NAN, NAN});
    const double one[] = {NAN, NAN, 7};
    check("one measured of three", one, COUNT(one), (struct want){1, 2, 7, 7, 7, 7});
}

static void test_ties(void)
{
    const double ties[] = {1, 7, 3, 7, 7};
    check("equal maxima: the lowest index", ties, COUNT(ties), (struct want){5, 1, 1, 7, 5, 7});
    const double all[] = {2, 2, 2, 2};
    check("all equal: index 0", all, COUNT(all), (struct want){4, 0, 2, 2, 2, 2});
    const double after_nan[] = {NAN, 9, 9};
    check("equal maxima after a NaN", after_nan, COUNT(after_nan), (struct want){2, 1, 9, 9, 9, 9});
    const double last[] = {1, 2, 3, 4, 8};
    check("max at the last index", last, COUNT(last), (struct want){5, 4, 1, 3, 3.6, 8});
}

static void test_signs(void)
{
    const double neg[] = {-2, -0.5, -5};
    check("all negative", neg, COUNT(neg), (struct want){3, 1, -5, -2, -2.5, -0.5});
    const double negtie[] = {-3, -3};
    check("equal negative maxima", negtie, COUNT(negtie), (struct want){2, 0, -3, -3, -3, -3});
    const double zeros[] = {0, 0, 0};
    check("zeros", zeros, COUNT(zeros), (struct want){3, 0, 0, 0, 0, 0});
    const double mixed[] = {-2, 0, -5, 1};
    check("negative, zero, positive", mixed, COUNT(mixed), (struct want){4, 3, -5, -1, -1.5, 1});
    /* A launch-time startup can be negative when clocks disagree: it counts, it is not "not measured". */
    const double neg_one[] = {-1};
    check("one negative value", neg_one, COUNT(neg_one), (struct want){1, 0, -1, -1, -1, -1});
    const double inf[] = {1, INFINITY, -INFINITY};
    check("infinities count as they are", inf, COUNT(inf), (struct want){3, 1, -INFINITY, 1, NAN, INFINITY});
}

static void test_large(void)
{
    /* 7919 is prime and does not divide 100001: i * 7919 mod 100001 visits 0..100000 once each. */
    enum { N = 100001 };
    double *v = malloc(N * sizeof *v);
    double *w = malloc(2 * (N - 1) * sizeof *w);
    if (!v || !w) {
        CHECK(0, "large counts: malloc");
        free(v);
        free(w);
        return;
    }
    int where_max = -1;
    for (int i = 0; i < N; ++i) {
        v[i] = (double)((long long)i * 7919 % N);
        if (v[i] == N - 1)
            where_max = i;
    }
    check("100001 values, odd", v, N, (struct want){N, where_max, 0, 50000, 50000, 100000});

    /* 0..99999 twice, every other value not measured: 100000 measured of 200000, each value twice. */
    int first_max = -1;
    for (int i = 0; i < 2 * (N - 1); ++i) {
        w[i] = i % 2 ? NAN : (double)((long long)(i / 2) * 7919 % (N - 1));
    }
    for (int i = 0; i < 2 * (N - 1); ++i) {
        if (!isnan(w[i]) && (first_max < 0 || w[i] > w[first_max]))
            first_max = i;
    }
    double maxv = w[first_max];
    double sum = 0;
    int n = 0;
    for (int i = 0; i < 2 * (N - 1); ++i)
        if (!isnan(w[i])) {
            sum += w[i];
            ++n;
        }
    /* 7919 and 100000 are coprime, so the measured values are 0..99999 once each. */
    check("200000 values, half not measured, even", w, 2 * (N - 1),
          (struct want){N - 1, first_max, 0, 49999.5, sum / n, maxv});
    CHECK(maxv == N - 2 && sum == 4999950000.0, "large counts: the test's own arithmetic (max %g, sum %.17g)", maxv,
          sum);
    free(v);
    free(w);
}

int main(void)
{
    test_small();
    test_not_measured();
    test_ties();
    test_signs();
    test_large();
    return pyn_check_status();
}
