/* pyn_stage_map.h: what --stage shares without MPI (the report writers and
 * the fuzzer link it): the strategies' names, the per-rank cost record, and
 * the path cache's text format, which a pilot run writes and any run reads:
 *
 *   pynamic-path-cache 1
 *   seed S files N
 *   FILE<tab>ABSOLUTE-PATH      one line per generated file (libraries, markers)
 */
#ifndef PYN_STAGE_MAP_H
#define PYN_STAGE_MAP_H

#include "pyn_manifest.h"

#include <stddef.h>
#include <stdint.h>

enum pyn_stage_kind { PYN_STAGE_NONE, PYN_STAGE_BCAST, PYN_STAGE_CACHE, PYN_STAGE_PILOT };

/* "none", "bcast", "cache", "pilot". */
const char *pyn_stage_kind_name(int kind);

/* Parses --stage's value; -EINVAL with one line in err otherwise. */
int pyn_stage_parse_kind(const char *text, enum pyn_stage_kind *out, char *err, size_t errlen);

/* Parses --stage-chunk (bytes, with an optional K, M or G suffix; 4 KiB to
 * 1 GiB); -EINVAL with one line in err otherwise. */
int pyn_stage_parse_chunk(const char *text, uint64_t *out, char *err, size_t errlen);

/* What staging cost one rank (plain data: gathered over MPI as bytes). */
struct pyn_stage_record {
    int32_t leader; /* bcast: this rank wrote its host's copies */
    double read_s;  /* rank 0: reading the files (bcast) or searching for them (cache), or reading the map (pilot) */
    double bcast_s; /* broadcasting them (rank 0 and leaders) or the map (every rank) */
    double write_s; /* leaders: writing the node-local copies */
    double total_s; /* barrier to agreement: the time staging added to this rank's run */
    int64_t files;  /* generated files staged (bcast) or mapped (cache, pilot) */
    int64_t bytes;  /* bcast: bytes rank 0 read, or a leader wrote */
    /* File-system operations this rank made on the shared tree while staging. */
    int64_t shared_opens;  /* files opened (rank 0) */
    int64_t shared_enoent; /* candidate paths that did not exist (rank 0, cache) */
};

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

/* The first lines of a path cache for m with nfiles entries. */
#define PYN_STAGE_MAP_HEADER "pynamic-path-cache 1"

#endif
