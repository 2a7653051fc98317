/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_check.h: what the C unit tests share, as ctest/pynamictest.py is for
 * the scripts. CHECK(cond, fmt, ...) prints one "CHECK FAILED: ..." line on
 * stderr when cond is false and counts it; pyn_check_status() is the
 * program's exit status. Header only: one copy of the count per test
 * program. */
#ifndef PYN_CHECK_H
#define PYN_CHECK_H

#include <stdio.h>

static int pyn_check_failures;

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "CHECK FAILED: " __VA_ARGS__);                                                             \
            fputc('\n', stderr);                                                                                       \
            ++pyn_check_failures;                                                                                      \
        }                                                                                                              \
    } while (0)

/* 0 when every check held; else 1, after a line on stderr counting the failed checks. */
static inline int pyn_check_status(void)
{
    if (pyn_check_failures)
        fprintf(stderr, "%d check%s failed\n", pyn_check_failures, pyn_check_failures == 1 ? "" : "s");
    return pyn_check_failures ? 1 : 0;
}

#endif
