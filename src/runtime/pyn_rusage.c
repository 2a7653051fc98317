/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_rusage.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

void pyn_rusage_record_init(struct pyn_rusage_record *r)
{
    for (int p = 0; p < PYN_RUSAGE_PHASE_COUNT; ++p)
        r->minflt[p] = r->majflt[p] = -1;
    r->maxrss_kib = -1;
}

int pyn_rusage_sample(struct pyn_rusage_sample *s)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        int e = errno;
        memset(s, 0, sizeof *s);
        return -e;
    }
    s->minflt = ru.ru_minflt;
    s->majflt = ru.ru_majflt;
    return 0;
}

void pyn_rusage_record_phase(struct pyn_rusage_record *r, enum pyn_rusage_phase p,
                             const struct pyn_rusage_sample *begin, const struct pyn_rusage_sample *end)
{
    if ((unsigned)p >= PYN_RUSAGE_PHASE_COUNT)
        return;
    r->minflt[p] = end->minflt - begin->minflt;
    r->majflt[p] = end->majflt - begin->majflt;
}

void pyn_rusage_record_maxrss(struct pyn_rusage_record *r)
{
    struct rusage ru;
    /* Linux reports ru_maxrss in KiB. */
    r->maxrss_kib = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}
