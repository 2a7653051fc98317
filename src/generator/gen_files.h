/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_files.h: the output tree on disk.
 *
 * Files are rewritten only when their content changes (so reconfiguring
 * rebuilds nothing), always through a temporary file and rename() (so a
 * file is never seen half-written), and the manifest is removed before the
 * first change and written last (so an interrupted run never leaves a
 * manifest describing a tree that is not there).
 *
 * Error contract: functions return 0 or a negative errno and, on error,
 * leave one line (no newline) naming the file and the failure in err. */
#ifndef PYN_GEN_FILES_H
#define PYN_GEN_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "gen_buf.h"

typedef struct pyn_gen_tree {
    const char *dir;      /* DIR, borrowed */
    pyn_gen_buf src_dir;  /* DIR/src */
    pyn_gen_buf manifest; /* DIR/manifest.json */
    mode_t file_mode;     /* 0666 & ~umask, what open() would have given */
    int manifest_removed; /* this process already removed it */
} pyn_gen_tree;

/* Creates DIR and DIR/src (with parents) if missing. */
int pyn_gen_tree_open(pyn_gen_tree *t, const char *dir, char *err, size_t errlen);
void pyn_gen_tree_close(pyn_gen_tree *t);

/* Removes DIR/manifest.json once per process (missing is fine). Called
 * before any change to the tree. */
int pyn_gen_tree_invalidate(pyn_gen_tree *t, char *err, size_t errlen);

/* Removes the temporary files an interrupted run left (a SIGKILL gives no
 * chance to): DIR/src/*.c.tmp-XXXXXX, DIR/targets.cmake.tmp-XXXXXX and
 * DIR/manifest.json.tmp-XXXXXX; counts them in *removed. Two generators
 * writing one tree at once are not supported (each would remove the
 * other's). */
int pyn_gen_remove_temporaries(pyn_gen_tree *t, unsigned *removed, char *err, size_t errlen);

/* 1 if path holds exactly content, 0 if it differs or is missing, a
 * negative errno if it cannot be read. */
int pyn_gen_file_equals(const char *path, const pyn_gen_buf *content, char *err, size_t errlen);

/* Makes path hold exactly content. *written is set to 1 if the file was
 * (re)written, 0 if it already held that content. */
int pyn_gen_write_if_changed(pyn_gen_tree *t, const char *path, const pyn_gen_buf *content, int *written, char *err,
                             size_t errlen);

/* Removes DIR/src/libutility<i>.c and libmodule<i>.c files that are not
 * part of a tree of nutil utilities and nmod modules (and nothing else).
 * *removed counts them. */
int pyn_gen_remove_stale(pyn_gen_tree *t, unsigned nutil, unsigned nmod, unsigned *removed, char *err, size_t errlen);

#endif
