/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stage.h: the loading mitigations (--stage, docs/staging.md), run in
 * their own timed step before the import phase so that totals stay honest.
 *
 *   bcast  rank 0 reads every generated file once from the shared tree and
 *          broadcasts it, in chunks, to one leader rank per host, which
 *          writes it under the staging directory (/dev/shm by default);
 *          every rank then loads the node-local copies.
 *   cache  rank 0 searches the RUNPATH directories for every generated
 *          file, as ld.so would, and broadcasts the map of where each one
 *          lives; ld.so's auditor answers each search from it and Python's
 *          importer gets a meta-path finder: no rank probes anything.
 *   pilot  the same map, read from a file a cache run wrote (--pilot-map),
 *          so a run at any scale replays what a small run resolved.
 *
 * Every call is collective over MPI_COMM_WORLD and ends in an agreement,
 * so a failure on one rank stops every rank, never leaves one waiting. */
#ifndef PYN_STAGE_H
#define PYN_STAGE_H

#include "pyn_manifest.h"
#include "pyn_stage_kind.h"
#include "pyn_stage_record.h"

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

struct pyn_stage_options {
    enum pyn_stage_kind kind;
    const char *dir;       /* bcast: where leaders write (must exist) */
    const char *pilot_map; /* cache: write the map here; pilot: read it from here; else NULL */
    uint64_t chunk_bytes;  /* bcast: bytes per broadcast */
};

struct pyn_stage;

/* Stages the manifest's libraries and markers from library_dir. node: the
 * ranks of this host (MPI_COMM_TYPE_SHARED; its rank 0 is the leader).
 * Fills *rec (this rank's costs). Returns 0 on every rank, or a negative
 * errno with this rank's error in err (one line naming the file); a rank
 * whose own step worked but another's failed returns -ECANCELED with err
 * empty. *out is set whenever staging started (pass it to
 * pyn_stage_finish even on failure: it removes what was written). */
int pyn_stage_run(struct pyn_stage **out, const struct pyn_stage_options *opt, const struct pyn_manifest *m,
                  const char *library_dir, MPI_Comm node, struct pyn_stage_record *rec, char *err, size_t errlen);

/* A leader's note, one line, for the caller to print (NULL: none): the
 * staging directories of jobs no longer running it removed from
 * --stage-dir (pyn_stage_dir.h). */
#define PYN_STAGE_NOTE_MAX 1024
const char *pyn_stage_note(const struct pyn_stage *st);

/* Where the run loads its libraries from: the node-local copy (bcast), or
 * NULL (every other strategy loads from library_dir). */
const char *pyn_stage_library_dir(const struct pyn_stage *st);

/* The absolute path rank 0 resolved (cache, pilot) or staged (bcast) for a
 * generated file ("libmodule3.so"), or NULL (none, or not a generated file). */
const char *pyn_stage_path(const struct pyn_stage *st, const char *file);

/* Collective. Unhooks the auditor's map, removes this host's copies (the
 * leader), frees st. Returns 0, or -errno with err naming what could not
 * be removed. */
int pyn_stage_finish(struct pyn_stage *st, char *err, size_t errlen);

#endif
