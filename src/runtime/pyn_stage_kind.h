/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stage_kind.h: --stage's strategies and their names (no MPI: the
 * option table parses them, the report writers name them). */
#ifndef PYN_STAGE_KIND_H
#define PYN_STAGE_KIND_H

enum pyn_stage_kind { PYN_STAGE_NONE, PYN_STAGE_BCAST, PYN_STAGE_CACHE, PYN_STAGE_PILOT };

/* "none", "bcast", "cache", "pilot", NULL: indexed by enum pyn_stage_kind,
 * as the option table's PYN_OPT_ENUM takes names. */
extern const char *const pyn_stage_kind_names[];

/* The name of kind; "unknown" for any other value. */
const char *pyn_stage_kind_name(int kind);

/* --stage-chunk's range: bytes per broadcast. */
#define PYN_STAGE_CHUNK_MIN 4096u
#define PYN_STAGE_CHUNK_MAX (1u << 30)

#endif
