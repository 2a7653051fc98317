/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_rusage.h: page faults and peak memory from getrusage(RUSAGE_SELF).
 *
 * A phase's faults are the difference of two samples taken around it: the
 * runtime samples after the barrier that starts the phase and before its
 * clock starts, and again after the clock stops, so getrusage is never
 * inside a timed region. The peak RSS is the whole process's, taken at the
 * end of the run. docs/metrics.md says what these counts see and miss. */
#ifndef PYN_RUSAGE_H
#define PYN_RUSAGE_H

#include <stdint.h>

/* The phases that carry fault counts (a subset of enum pyn_phase). */
enum pyn_rusage_phase { PYN_RUSAGE_IMPORT, PYN_RUSAGE_VISIT, PYN_RUSAGE_PHASE_COUNT };

/* One getrusage reading. */
struct pyn_rusage_sample {
    int64_t minflt, majflt;
};

/* Per rank, in the gathered record (plain data, fixed sizes). -1: not
 * measured (the phase did not run, or getrusage failed). */
struct pyn_rusage_record {
    int64_t minflt[PYN_RUSAGE_PHASE_COUNT];
    int64_t majflt[PYN_RUSAGE_PHASE_COUNT];
    int64_t maxrss_kib; /* ru_maxrss at the end of the run: the process's peak resident set, KiB */
};

/* Marks every count of r as not measured. */
void pyn_rusage_record_init(struct pyn_rusage_record *r);

/* Takes a reading. Returns 0 or -errno (then *s is zeroed). */
int pyn_rusage_sample(struct pyn_rusage_sample *s);

/* Stores end - begin for phase p in r. */
void pyn_rusage_record_phase(struct pyn_rusage_record *r, enum pyn_rusage_phase p,
                             const struct pyn_rusage_sample *begin, const struct pyn_rusage_sample *end);

/* Stores the process's peak RSS so far in r. */
void pyn_rusage_record_maxrss(struct pyn_rusage_record *r);

#endif
