/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stage_record.h: what --stage cost one rank, as the results model
 * holds it (pyn_results.h) and staging fills it (pyn_stage.h). */
#ifndef PYN_STAGE_RECORD_H
#define PYN_STAGE_RECORD_H

#include <stdint.h>

/* Plain data: gathered over MPI as bytes. */
struct pyn_stage_record {
    int32_t leader;    /* bcast: this rank wrote its host's copies */
    double read_s;     /* rank 0: reading the files (bcast) or searching for them (cache), or reading the map (pilot) */
    double bcast_s;    /* broadcasting them (rank 0 and leaders) or the map (every rank) */
    double write_s;    /* leaders: writing the node-local copies */
    double total_s;    /* barrier to agreement: the time staging added to this rank's run */
    uint64_t start_ns; /* when that step began, on CLOCK_MONOTONIC (the trace's clock); 0: not staged */
    int64_t files;     /* generated files staged (bcast) or mapped (cache, pilot) */
    int64_t bytes;     /* bcast: bytes rank 0 read, or a leader wrote */
    /* File-system operations this rank made on the shared tree while staging. */
    int64_t shared_opens;  /* files opened (rank 0) */
    int64_t shared_enoent; /* candidate paths that did not exist (rank 0, cache) */
};

#endif
