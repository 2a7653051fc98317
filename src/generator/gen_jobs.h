/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_jobs.h: writing every library's source, in one or several processes.
 *
 * Emission is the slow part (about a gigabyte of C for CORAL-2) and needs
 * only the model, which every process can recompute on its own; so -j N
 * forks N writers that take libraries round-robin and report back through
 * a pipe. The result is identical for any N. */
#ifndef PYN_GEN_JOBS_H
#define PYN_GEN_JOBS_H

#include <stddef.h>

#include "gen_files.h"
#include "gen_model.h"

typedef struct pyn_gen_emit_counts {
    unsigned long written;
    unsigned long unchanged;
} pyn_gen_emit_counts;

/* Writes DIR/src/<lib>.c for every library. Returns 0 or a negative errno
 * with one line in err (the first failure of any writer). */
int pyn_gen_emit_all(const pyn_gen_model *m, pyn_gen_tree *t, unsigned jobs, pyn_gen_emit_counts *counts, char *err,
                     size_t errlen);

#endif
