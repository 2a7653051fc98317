/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_outputs.h: every file a run writes, checked before the run spends a
 * second (STYLE.md habit 17).
 *
 * A run's outputs (--json, --csv, --pilot-map when recorded,
 * --fractal-image, and any later one: a row of the caller's list) must each
 * be a file of its own: distinct from one another and from every file the
 * run reads (the manifest, the generated libraries, the executable, a
 * pilot map replayed), not a directory, device or link, in a directory
 * that exists and where a file can be created. Otherwise the report would
 * silently replace an input or another report, or a run would measure for
 * an hour and then fail to write. No MPI: rank 0 calls it, the caller
 * agrees on the outcome across ranks.
 */
#ifndef PYN_OUTPUTS_H
#define PYN_OUTPUTS_H

#include <stddef.h>

/* One output: the option that names it (for messages) and its path as
 * given (NULL: not asked for, skipped). */
struct pyn_output {
    const char *option;
    const char *path;
};

/* One file the run reads: what it is in messages ("the manifest", "the
 * generated library") and its path: name, or dir/name when dir is not NULL
 * (so a thousand libraries need no joined copies). dir must be resolved
 * already (realpath), and such inputs are compared by name without a look
 * at the file (see pyn_outputs_check). A NULL name is skipped. */
struct pyn_input {
    const char *what;
    const char *dir;
    const char *name;
};

/* Checks each output given, in order: against the earlier outputs and every
 * input (the same file: the same device and inode when both exist, else
 * the same resolved directory and name, so "./a/../r.json" and a hard link
 * are caught; an input given as dir/name is looked at only when the output
 * is a hard link, so the check touches no library of the tree), then the path itself (an existing file must be a
 * regular one, since it is replaced), then its directory (exists; a file can be created in it: tried with a temporary
 * file that is removed, since permission bits do not tell about root, read-only mounts or ACLs). Returns 0, or a
 * negative errno with one line in err naming the option, the path and the reason ("--json PATH: the same file as --csv
 * PATH; give each output its own path"); control characters escaped. */
int pyn_outputs_check(const struct pyn_output *outs, size_t nouts, const struct pyn_input *ins, size_t nins, char *err,
                      size_t errlen);

#endif
