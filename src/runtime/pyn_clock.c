/* SPDX-License-Identifier: BSD-3-Clause */
/* Clock sources. Monotonic time for durations; boot time to compare with the
 * kernel's record of when this process started. */
#define _GNU_SOURCE
#include "pyn_clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t to_ns(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * UINT64_C(1000000000) + (uint64_t)ts->tv_nsec;
}

uint64_t pyn_clock_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return to_ns(&ts);
}

double pyn_clock_realtime_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int pyn_clock_process_age_s(double *age_s, double *resolution_s)
{
    /* Field 22 of /proc/self/stat is the start time in clock ticks since boot.
     * Field 2 (comm) may contain spaces and parentheses, so parse after the
     * last ')'. */
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return -errno;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -EINVAL;
    unsigned long long start_ticks = 0;
    /* After ')' come fields 3..: state is 3, starttime is 22, so skip 19. */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
               &start_ticks) != 1)
        return -EINVAL;
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        return -EINVAL;
    struct timespec now;
    if (clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return -errno;
    double now_s = (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
    *age_s = now_s - (double)start_ticks / (double)hz;
    *resolution_s = 1.0 / (double)hz;
    return 0;
}
