/* SPDX-License-Identifier: BSD-3-Clause */
/* The progress line (pyn_progress.h). On a terminal it is redrawn in place
 * and erased at the phase's end; elsewhere (a log file) each update is a
 * line of its own and nothing is erased. */
#define _GNU_SOURCE
#include "pyn_progress.h"

#include <unistd.h>

const char *const pyn_progress_when_names[] = {"auto", "always", "never", NULL};

void pyn_progress_setup(struct pyn_progress *p, enum pyn_progress_when when, double interval_s, int rank,
                        const char *prog, FILE *out)
{
    p->out = out;
    p->prog = prog;
    p->tty = isatty(fileno(out));
    p->on = rank == 0 && when != PYN_PROGRESS_NEVER && (when == PYN_PROGRESS_ALWAYS || p->tty);
    p->interval_ns = (uint64_t)(interval_s * 1e9);
}

void pyn_progress_arm(struct pyn_progress *p, uint64_t t0_ns, size_t total)
{
    p->t0_ns = t0_ns;
    p->total = total;
    p->next_ns = t0_ns + p->interval_ns;
}

void pyn_progress_draw(struct pyn_progress *p, enum pyn_phase phase, int done, uint64_t now_ns)
{
    fprintf(p->out, "%s%s: %s %d/%zu modules, %.1f s%s", p->tty ? "\r" : "", p->prog, pyn_phase_name(phase), done,
            p->total, (double)(now_ns - p->t0_ns) * 1e-9, p->tty ? "\033[K" : "\n");
    p->shown = p->tty;
    p->next_ns = now_ns + p->interval_ns;
}

void pyn_progress_clear(struct pyn_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
        p->shown = 0;
    }
}
