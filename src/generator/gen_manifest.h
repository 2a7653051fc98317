/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_manifest.h: DIR/manifest.json, the runtime's description of the tree
 * (schema_version 1): configuration, libraries in load order, what each
 * links, and every module's predicted checksum; then the two marker
 * modules (kind "marker", counted in totals.markers only). */
#ifndef PYN_GEN_MANIFEST_H
#define PYN_GEN_MANIFEST_H

#include <stdint.h>

#include "gen_buf.h"
#include "gen_model.h"
#include "gen_options.h"

/* Appends the manifest. module_checksums has m->nmod entries; total is the
 * fold of them all from PYN_CHECKSUM_INIT. arguments is the normalised
 * argument string (pyn_gen_options_arguments). */
void pyn_gen_manifest(const pyn_gen_model *m, const pyn_gen_options *o, const char *arguments,
                      const uint64_t *module_checksums, uint64_t total, pyn_gen_buf *out);

#endif
