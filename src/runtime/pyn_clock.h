/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_clock.h: the clocks every phase is measured with. */
#ifndef PYN_CLOCK_H
#define PYN_CLOCK_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC: durations within one process. */
uint64_t pyn_clock_monotonic_ns(void);

/* Seconds since the epoch on CLOCK_REALTIME, nanosecond resolution: only for
 * comparing with a launch time taken on another node (clock skew leaks in). */
double pyn_clock_realtime_s(void);

/* Seconds since this process was created, as recorded by the kernel
 * (/proc/self/stat starttime against CLOCK_BOOTTIME). Needs no clock
 * agreement between nodes; its resolution is one clock tick (usually 10 ms),
 * which *resolution_s receives. Returns a negative errno on failure. */
int pyn_clock_process_age_s(double *age_s, double *resolution_s);

#endif
