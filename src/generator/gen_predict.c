#include "gen_predict.h"

#include <errno.h>
#include <stdlib.h>

#include "pyn_checksum.h"

/* A utility function's value depends on its arguments only through the
 * folds at the start of its body; what follows (the successor's result) is
 * a constant of the tree, computed once and kept in `tail`. */
typedef struct util_fn {
    uint64_t start; /* the body's starting constant */
    uint64_t tail;  /* fold of the successor's result, if has_tail */
    pyn_gen_sig sig;
    uint8_t has_tail;
} util_fn;

struct pyn_gen_predictor {
    const pyn_gen_model *m;
    util_fn *fns;    /* all utility functions, library after library */
    uint64_t *first; /* index in fns of each utility's function 0 */
};

/* The callee's view of a call: what pyn_fold_<ret> of its result gives.
 * args[] are already folded argument values. */
static uint64_t eval_util(const util_fn *f, const uint64_t *args)
{
    uint64_t h = f->start;
    for (unsigned i = 0; i < f->sig.nargs; ++i)
        h = pyn_mix(h, args[i]);
    if (f->has_tail)
        h = pyn_mix(h, f->tail);
    return pyn_gen_fold_ret(f->sig.ret, h);
}

/* Folded incoming arguments of a function with a single caller. */
static void incoming_args(const pyn_gen_model *m, uint32_t g, uint32_t fn, const pyn_gen_sig *s, uint64_t *args)
{
    for (unsigned i = 0; i < s->nargs; ++i)
        args[i] = pyn_gen_fold_arg(s->arg[i], pyn_gen_call_arg(m, g, fn, PYN_GEN_SITE_INCOMING, i, s->arg[i]));
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
    p->fns = malloc(sizeof *p->fns * (total ? total : 1));
    if (!p->fns) {
        pyn_gen_predictor_destroy(p);
        return -ENOMEM;
    }
    /* Chain tails first: a function's tail is its successor's result. */
    for (uint32_t u = 0; u < m->nutil; ++u) {
        util_fn *fns = p->fns + p->first[u];
        for (uint32_t j = m->nfuncs[u]; j-- > 0;) {
            util_fn *f = &fns[j];
            f->start = pyn_gen_fn_const(m, u, j);
            f->sig = pyn_gen_fn_sig(m, u, j);
            f->has_tail = (uint8_t)pyn_gen_has_successor(m, u, j);
            f->tail = 0;
            if (f->has_tail) {
                const util_fn *next = &fns[j + 1];
                uint64_t args[PYN_GEN_MAX_ARGS];
                incoming_args(m, u, j + 1, &next->sig, args);
                f->tail = eval_util(next, args);
            }
        }
    }
    *out = p;
    return 0;
}

void pyn_gen_predictor_destroy(pyn_gen_predictor *p)
{
    if (!p)
        return;
    free(p->fns);
    free(p->first);
    free(p);
}

/* The fold of the 10 results of module function (g, fn)'s utility loop,
 * mixed into h. The loop passes k (as the first argument's type; char*:
 * text + k) and the call site's constants for the other arguments. */
static uint64_t mix_util_loop(const pyn_gen_predictor *p, uint32_t g, uint32_t fn, uint64_t h)
{
    const pyn_gen_model *m = p->m;
    uint32_t ug, uf;
    pyn_gen_util_target(m, g, fn, &ug, &uf);
    const util_fn *f = &p->fns[p->first[ug] + uf];
    uint64_t args[PYN_GEN_MAX_ARGS];
    for (unsigned i = 1; i < f->sig.nargs; ++i)
        args[i] = pyn_gen_fold_arg(f->sig.arg[i], pyn_gen_call_arg(m, g, fn, PYN_GEN_SITE_UTIL, i, f->sig.arg[i]));
    for (uint32_t k = 0; k < PYN_GEN_UTIL_CALLS; ++k) {
        if (f->sig.nargs)
            args[0] = pyn_gen_fold_arg(f->sig.arg[0], k);
        h = pyn_mix(h, eval_util(f, args));
    }
    return h;
}

uint64_t pyn_gen_predict_module(const pyn_gen_predictor *p, uint32_t i)
{
    const pyn_gen_model *m = p->m;
    uint32_t g = m->nutil + i;
    uint32_t n = m->nfuncs[g];
    uint64_t entry = pyn_gen_fn_const(m, g, PYN_GEN_FN_ENTRY);
    uint64_t args[PYN_GEN_MAX_ARGS];

    /* Chain by chain, in the entry's call order; within a chain from the
     * tail back to the head, carrying only the successor's result. */
    for (uint32_t head = 0; head < n; head += m->depth) {
        uint32_t end = n - head > m->depth ? head + m->depth : n;
        uint64_t tail = 0;
        for (uint32_t j = end; j-- > head;) {
            pyn_gen_sig s = pyn_gen_fn_sig(m, g, j);
            uint64_t h = pyn_gen_fn_const(m, g, j);
            incoming_args(m, g, j, &s, args);
            for (unsigned a = 0; a < s.nargs; ++a)
                h = pyn_mix(h, args[a]);
            if (m->nutil)
                h = mix_util_loop(p, g, j, h);
            if (j + 1 < end)
                h = pyn_mix(h, tail);
            tail = pyn_gen_fold_ret(s.ret, h);
        }
        entry = pyn_mix(entry, tail);
    }

    if (m->cross_module && i > 0) {
        /* The predecessor's extern: a leaf that folds its arguments. */
        uint32_t prev = g - 1;
        pyn_gen_sig s = pyn_gen_fn_sig(m, prev, PYN_GEN_FN_EXTERN);
        uint64_t h = pyn_gen_fn_const(m, prev, PYN_GEN_FN_EXTERN);
        incoming_args(m, prev, PYN_GEN_FN_EXTERN, &s, args);
        for (unsigned a = 0; a < s.nargs; ++a)
            h = pyn_mix(h, args[a]);
        entry = pyn_mix(entry, pyn_gen_fold_ret(s.ret, h));
    }
    return entry;
}
