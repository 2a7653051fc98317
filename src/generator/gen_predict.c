/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_predict.h"

#include <errno.h>
#include <stdlib.h>

#include "pyn_checksum.h"

/* The generated arithmetic (gen_emit.c, pyn_checksum.h): a function's sum
 * starts from its constant, takes PYN_STEP of every callee's folded result
 * in call order, and the function returns PYN_RET_<type>(sum).
 * Arguments are passed but not folded, so every function's result is a
 * constant of the tree. */

struct pyn_gen_predictor {
    const pyn_gen_model *m;
    uint64_t *folded; /* every utility function's result as its callers fold it, library after library */
    uint64_t *first;  /* index in folded of each utility's function 0 */
};

/* What a caller folds of the result of a function of return type ret
 * whose sum ended as sum. */
static uint64_t folded_result(unsigned ret, uint64_t sum)
{
    return pyn_gen_fold_ret(ret, sum);
}

int pyn_gen_predictor_create(const pyn_gen_model *m, pyn_gen_predictor **out)
{
    pyn_gen_predictor *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->m = m;
    uint64_t total = 0;
    p->first = malloc(sizeof *p->first * (m->nutil + 1));
    if (!p->first) {
        pyn_gen_predictor_destroy(p);
        return -ENOMEM;
    }
    for (uint32_t u = 0; u < m->nutil; ++u) {
        p->first[u] = total;
        total += m->nfuncs[u];
    }
    p->first[m->nutil] = total;
    p->folded = malloc(sizeof *p->folded * (total ? total : 1));
    if (!p->folded) {
        pyn_gen_predictor_destroy(p);
        return -ENOMEM;
    }
    /* From the end of each chain back: a function folds its successor's result. */
    for (uint32_t u = 0; u < m->nutil; ++u) {
        uint64_t *folded = p->folded + p->first[u];
        for (uint32_t j = m->nfuncs[u]; j-- > 0;) {
            uint64_t sum = pyn_gen_fn_const(m, u, j);
            if (pyn_gen_has_successor(m, u, j))
                sum = PYN_STEP(sum, folded[j + 1]);
            folded[j] = folded_result(pyn_gen_fn_sig(m, u, j).ret, sum);
        }
    }
    *out = p;
    return 0;
}

void pyn_gen_predictor_destroy(pyn_gen_predictor *p)
{
    if (!p)
        return;
    free(p->folded);
    free(p->first);
    free(p);
}

uint64_t pyn_gen_predict_module(const pyn_gen_predictor *p, uint32_t i)
{
    const pyn_gen_model *m = p->m;
    uint32_t g = m->nutil + i;
    uint32_t n = m->nfuncs[g];
    uint64_t entry = pyn_gen_fn_const(m, g, PYN_GEN_FN_ENTRY);

    /* Chain by chain, in the entry's call order; within a chain from the
     * tail back to the head, carrying only the successor's result. */
    for (uint32_t head = 0; head < n; head += m->depth) {
        uint32_t end = n - head > m->depth ? head + m->depth : n;
        uint64_t next = 0;
        for (uint32_t j = end; j-- > head;) {
            uint64_t sum = pyn_gen_fn_const(m, g, j);
            if (m->nutil) {
                uint32_t ug, uf;
                pyn_gen_util_target(m, g, j, &ug, &uf);
                uint64_t util = p->folded[p->first[ug] + uf];
                for (uint32_t k = 0; k < PYN_GEN_UTIL_CALLS; ++k)
                    sum = PYN_STEP(sum, util);
            }
            if (j + 1 < end)
                sum = PYN_STEP(sum, next);
            next = folded_result(pyn_gen_fn_sig(m, g, j).ret, sum);
        }
        entry = PYN_STEP(entry, next);
    }

    /* The predecessor's extern: a leaf. */
    if (m->cross_module && i > 0) {
        uint32_t prev = g - 1;
        uint64_t sum = pyn_gen_fn_const(m, prev, PYN_GEN_FN_EXTERN);
        entry = PYN_STEP(entry, folded_result(pyn_gen_fn_sig(m, prev, PYN_GEN_FN_EXTERN).ret, sum));
    }
    return entry;
}
