/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_predict.h: the checksum every module's entry function will return.
 *
 * The prediction replays the generated code's arithmetic with the same
 * pyn_checksum.h functions, so a test that runs the generated code and
 * compares with the manifest proves both sides agree. */
#ifndef PYN_GEN_PREDICT_H
#define PYN_GEN_PREDICT_H

#include <stdint.h>

#include "gen_model.h"

typedef struct pyn_gen_predictor pyn_gen_predictor;

/* Builds the table of the utility libraries (8 bytes per utility
 * function: they are called from every module). Returns 0 or -ENOMEM;
 * *out is owned by the caller. */
int pyn_gen_predictor_create(const pyn_gen_model *m, pyn_gen_predictor **out);
void pyn_gen_predictor_destroy(pyn_gen_predictor *p);

/* The value module i's entry returns (i in 0..nmod-1). Uses no memory per
 * module. */
uint64_t pyn_gen_predict_module(const pyn_gen_predictor *p, uint32_t i);

#endif
