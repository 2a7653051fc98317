/* pyn_stage_kind.h: --stage's strategies and the parsers of --stage and
 * --stage-chunk (no MPI: the report writers name the strategy too). */
#ifndef PYN_STAGE_KIND_H
#define PYN_STAGE_KIND_H

#include <stddef.h>
#include <stdint.h>

enum pyn_stage_kind { PYN_STAGE_NONE, PYN_STAGE_BCAST, PYN_STAGE_CACHE, PYN_STAGE_PILOT };

/* "none", "bcast", "cache", "pilot"; "unknown" for any other value. */
const char *pyn_stage_kind_name(int kind);

/* Parses --stage's value; -EINVAL with one line in err otherwise. */
int pyn_stage_parse_kind(const char *text, enum pyn_stage_kind *out, char *err, size_t errlen);

/* Parses --stage-chunk (bytes, with an optional K, M or G suffix; 4 KiB to
 * 1 GiB); -EINVAL with one line in err otherwise. */
int pyn_stage_parse_chunk(const char *text, uint64_t *out, char *err, size_t errlen);

#endif
