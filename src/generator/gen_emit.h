/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_emit.h: the C source of one generated library or marker. Modules
 * and markers are also CPython extension modules (PyInit_<name>). */
#ifndef PYN_GEN_EMIT_H
#define PYN_GEN_EMIT_H

#include <stdint.h>

#include "gen_buf.h"
#include "gen_model.h"

/* Appends the complete source of library g to out. Returns 0 or -ENOMEM. */
int pyn_gen_emit_library(const pyn_gen_model *m, uint32_t g, pyn_gen_buf *out);

/* Appends the complete source of a marker module. Returns 0 or -ENOMEM. */
int pyn_gen_emit_marker(const pyn_gen_marker *mk, pyn_gen_buf *out);

#endif
