/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stage_map.h: the path cache's text format, which a cache run writes
 * (--stage cache --pilot-map) and any run reads (--stage pilot), and the
 * list of generated files it maps; no MPI (the fuzzer links it):
 *
 *   pynamic-path-cache 1
 *   seed S files N
 *   FILE<tab>ABSOLUTE-PATH      one line per generated file (libraries, markers)
 */
#ifndef PYN_STAGE_MAP_H
#define PYN_STAGE_MAP_H

#include "pyn_manifest.h"

#include <stddef.h>

/* A generated file and where the run loads it from. */
struct pyn_stage_file {
    const char *name; /* the manifest's file name ("libmodule3.so") */
    char *path;       /* NULL until staged or mapped */
};

/* The manifest's generated files (libraries, then markers), sorted by name,
 * paths NULL. Returns 0 or -ENOMEM. Free with pyn_stage_files_free. */
int pyn_stage_files_list(const struct pyn_manifest *m, struct pyn_stage_file **files, size_t *nfiles);
void pyn_stage_files_free(struct pyn_stage_file *files, size_t nfiles);

/* The file named name in a sorted list, or NULL. */
struct pyn_stage_file *pyn_stage_files_find(struct pyn_stage_file *files, size_t nfiles, const char *name);

/* Parses path-cache text (modified in place) for manifest m into the
 * files' paths. origin names the text in messages. Returns 0, or -EINVAL
 * (or -ENOMEM) with one line in err naming the line and what is wrong: a
 * header that is not ours, another seed or file count, a file not in the
 * manifest or listed twice, a path that is not absolute or does not end in
 * /FILE, a control character, a file missing. */
int pyn_stage_map_parse(char *text, const struct pyn_manifest *m, struct pyn_stage_file *files, size_t nfiles,
                        const char *origin, char *err, size_t errlen);

/* Formats one line into err and returns rc: staging's error helper. */
int pyn_stage_error(char *err, size_t errlen, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The first line of a path cache; the second is "seed S files N". */
#define PYN_STAGE_MAP_HEADER "pynamic-path-cache 1"

#endif
