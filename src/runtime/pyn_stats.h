/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stats.h: the one summary of a quantity across ranks (min, median,
 * mean, max and where the max is), for the results model's metrics and its
 * page-fault counts alike. libc only. */
#ifndef PYN_STATS_H
#define PYN_STATS_H

/* The summary of the values that were measured. */
struct pyn_stats {
    int n;                         /* values measured (not NaN); 0: the rest is NaN and max_index -1 */
    int max_index;                 /* index of the largest value in the caller's order, the lowest on ties */
    double min, median, mean, max; /* median of an even n: the mean of the two middle values */
};

/* Summarises values[0..count): a NaN is a value not measured and is left
 * out of everything; negative values, zeros and infinities count as they
 * are. The mean adds the values in index order. Reorders values (the
 * measured ones first, sorted, for the median); owns nothing. */
void pyn_stats_compute(double *values, int count, struct pyn_stats *out);

#endif
