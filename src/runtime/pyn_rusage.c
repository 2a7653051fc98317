#include "pyn_rusage.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

static const char *const phase_names[PYN_RUSAGE_PHASE_COUNT] = {"import", "visit"};

static const char *const metric_keys[PYN_RUSAGE_METRIC_COUNT] = {
    [PYN_RUSAGE_IMPORT_MINFLT] = "import_minflt", [PYN_RUSAGE_IMPORT_MAJFLT] = "import_majflt",
    [PYN_RUSAGE_VISIT_MINFLT] = "visit_minflt",   [PYN_RUSAGE_VISIT_MAJFLT] = "visit_majflt",
    [PYN_RUSAGE_MAXRSS_KIB] = "maxrss_kib",
};

const char *pyn_rusage_phase_name(enum pyn_rusage_phase p)
{
    return (unsigned)p < PYN_RUSAGE_PHASE_COUNT ? phase_names[p] : NULL;
}

const char *pyn_rusage_metric_key(enum pyn_rusage_metric m)
{
    return (unsigned)m < PYN_RUSAGE_METRIC_COUNT ? metric_keys[m] : NULL;
}

int64_t pyn_rusage_metric_value(const struct pyn_rusage_record *r, enum pyn_rusage_metric m)
{
    switch (m) {
    case PYN_RUSAGE_IMPORT_MINFLT:
        return r->minflt[PYN_RUSAGE_IMPORT];
    case PYN_RUSAGE_IMPORT_MAJFLT:
        return r->majflt[PYN_RUSAGE_IMPORT];
    case PYN_RUSAGE_VISIT_MINFLT:
        return r->minflt[PYN_RUSAGE_VISIT];
    case PYN_RUSAGE_VISIT_MAJFLT:
        return r->majflt[PYN_RUSAGE_VISIT];
    case PYN_RUSAGE_MAXRSS_KIB:
        return r->maxrss_kib;
    case PYN_RUSAGE_METRIC_COUNT:
        break;
    }
    return -1;
}

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

void pyn_rusage_record_phase(struct pyn_rusage_record *r, enum pyn_rusage_phase p, const struct pyn_rusage_sample *begin,
                             const struct pyn_rusage_sample *end)
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
