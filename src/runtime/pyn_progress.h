/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_progress.h: the progress line on rank 0's terminal during the import
 * and visit phases ("PROG: import 12/100 modules, 1.5 s").
 *
 * The instrument must not change what it measures: inside a timed phase
 * the only cost is one branch per module when the line is off, and one
 * monotonic clock read per module when it is on (pyn_progress_tick is
 * inline for that). Lines are written at most every interval, and only
 * after the phase has run that long. Arming and clearing happen outside
 * the clock.
 */
#ifndef PYN_PROGRESS_H
#define PYN_PROGRESS_H

#include "pyn_clock.h"
#include "pyn_phase.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pyn_progress {
    int on;
    int shown; /* a line is on the terminal and must be cleared */
    int tty;   /* out is a terminal: redraw in place */
    FILE *out;
    const char *prog;
    size_t total; /* modules in the phase */
    uint64_t interval_ns;
    uint64_t t0_ns; /* the phase's start */
    uint64_t next_ns;
};

/* --progress: when the line is on. Indexed as pyn_progress_when_names. */
enum pyn_progress_when { PYN_PROGRESS_AUTO, PYN_PROGRESS_ALWAYS, PYN_PROGRESS_NEVER };
extern const char *const pyn_progress_when_names[]; /* "auto", "always", "never", NULL */

/* Turns the line on for rank 0 only (auto: when out is a terminal), an
 * update every interval_s seconds (the option table checked both values).
 * prog names the program in each line; it and out must outlive p. */
void pyn_progress_setup(struct pyn_progress *p, enum pyn_progress_when when, double interval_s, int rank,
                        const char *prog, FILE *out);

/* At a phase's start (t0_ns: its clock's start): the first line one interval away. */
void pyn_progress_arm(struct pyn_progress *p, uint64_t t0_ns, size_t total);

/* Writes a line for the phase now. Called by pyn_progress_tick. */
void pyn_progress_draw(struct pyn_progress *p, enum pyn_phase phase, int done, uint64_t now_ns);

/* Inside the phase, once per module done: a line when one is due. */
static inline void pyn_progress_tick(struct pyn_progress *p, enum pyn_phase phase, int done)
{
    if (!p->on)
        return;
    uint64_t now = pyn_clock_monotonic_ns();
    if (now >= p->next_ns)
        pyn_progress_draw(p, phase, done, now);
}

/* At a phase's end: erases the line left on a terminal, so the report starts clean. */
void pyn_progress_clear(struct pyn_progress *p);

#endif
