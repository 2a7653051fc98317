/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void pyn_stats_compute(double *values, int count, struct pyn_stats *out)
{
    out->n = 0;
    out->max_index = -1;
    out->min = out->median = out->mean = out->max = NAN;
    double sum = 0;
    int n = 0;
    /* One pass in the caller's order: the first of equal maxima wins, and the
     * sum is the same as the ranks' order gives. The measured values move to
     * the front as it goes (n <= i), so no copy is needed for the median. */
    for (int i = 0; i < count; ++i) {
        double x = values[i];
        if (isnan(x))
            continue;
        if (n == 0 || x > out->max) {
            out->max = x;
            out->max_index = i;
        }
        if (n == 0 || x < out->min)
            out->min = x;
        sum += x;
        values[n++] = x;
    }
    out->n = n;
    if (n == 0)
        return;
    out->mean = sum / n;
    /* No NaN is left among the n, so the comparison is a total order. */
    qsort(values, (size_t)n, sizeof *values, cmp_double);
    out->median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}
