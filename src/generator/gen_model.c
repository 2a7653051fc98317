/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_model.h"

#include <errno.h>
#include <stdlib.h>

#include "pyn_checksum.h"

const char *const pyn_gen_type_c[PYN_GEN_NTYPES] = {"int", "long", "float", "double", "char *"};
const char *const pyn_gen_type_macro[PYN_GEN_NTYPES] = {"INT", "LONG", "FLOAT", "DOUBLE", "STR"};
const pyn_gen_marker pyn_gen_markers[PYN_GEN_NMARKERS] = {
    {"libmodulebegin", "begin", "begin_break_here", 1},
    {"libmodulefinal", "final", "break_here", 0},
};

/* Letters drawn from one 64-bit hash: 26^13 < 2^64, so 13 digits in base 26
 * are all usable. */
#define LETTERS_PER_HASH 13

static uint32_t draw_count(uint64_t key, uint32_t g, uint64_t avg)
{
    uint64_t lo = avg / 2 ? avg / 2 : 1;
    uint64_t hi = avg + avg / 2;
    uint64_t h = pyn_gen_hash(key, PYN_GEN_TAG_COUNT, g, 0, 0);
    return (uint32_t)(lo + h % (hi - lo + 1));
}

int pyn_gen_model_init(pyn_gen_model *m, const pyn_gen_options *o)
{
    m->key = pyn_gen_seed_key(o->seed);
    m->nlibs = (uint32_t)o->num_files;
    m->nutil = (uint32_t)o->num_util;
    m->nmod = m->nlibs - m->nutil;
    m->depth = (uint32_t)o->depth;
    m->pad = (uint32_t)o->pad;
    m->cross_module = o->cross_module;
    m->module_chain = o->module_chain;
    m->search_dirs = (uint32_t)o->search_dirs;
    m->print = o->print;
    m->total_functions = 0;
    m->nfuncs = malloc(sizeof *m->nfuncs * m->nlibs);
    if (!m->nfuncs)
        return -ENOMEM;
    for (uint32_t g = 0; g < m->nlibs; ++g) {
        uint64_t avg = g < m->nutil ? o->avg_util : o->avg_funcs;
        m->nfuncs[g] = draw_count(m->key, g, avg);
        m->total_functions += m->nfuncs[g];
    }
    return 0;
}

void pyn_gen_model_destroy(pyn_gen_model *m)
{
    free(m->nfuncs);
    m->nfuncs = NULL;
}

void pyn_gen_lib_name(const pyn_gen_model *m, uint32_t g, pyn_gen_buf *out)
{
    if (pyn_gen_is_module(m, g)) {
        pyn_gen_buf_puts(out, "libmodule");
        pyn_gen_buf_putu(out, g - m->nutil);
    } else {
        pyn_gen_buf_puts(out, "libutility");
        pyn_gen_buf_putu(out, g);
    }
}

pyn_gen_sig pyn_gen_fn_sig(const pyn_gen_model *m, uint32_t g, uint32_t fn)
{
    uint64_t h = pyn_gen_hash(m->key, PYN_GEN_TAG_SIG, g, fn, 0);
    pyn_gen_sig s = {0};
    s.ret = (uint8_t)(h % PYN_GEN_NTYPES);
    h /= PYN_GEN_NTYPES;
    s.nargs = (uint8_t)(h % (PYN_GEN_MAX_ARGS + 1));
    h /= PYN_GEN_MAX_ARGS + 1;
    for (unsigned i = 0; i < s.nargs; ++i) {
        s.arg[i] = (uint8_t)(h % PYN_GEN_NTYPES);
        h /= PYN_GEN_NTYPES;
    }
    return s;
}

/* Distinct hashes give distinct letters, so names of different functions
 * differ along their whole padded length, as in the original (long names
 * that share no suffix make the string tables and the symbol hashing as
 * expensive as they were there). */
static void put_pad(const pyn_gen_model *m, uint32_t g, uint32_t fn, pyn_gen_buf *out)
{
    char chunk[LETTERS_PER_HASH];
    for (uint32_t done = 0, part = 0; done < m->pad; ++part) {
        uint64_t h = pyn_gen_hash(m->key, PYN_GEN_TAG_NAME, g, fn, part);
        uint32_t n = m->pad - done < LETTERS_PER_HASH ? m->pad - done : LETTERS_PER_HASH;
        for (uint32_t i = 0; i < n; ++i) {
            chunk[i] = (char)('a' + h % 26);
            h /= 26;
        }
        pyn_gen_buf_putn(out, chunk, n);
        done += n;
    }
}

void pyn_gen_fn_name(const pyn_gen_model *m, uint32_t g, uint32_t fn, pyn_gen_buf *out)
{
    pyn_gen_lib_name(m, g, out);
    if (fn == PYN_GEN_FN_ENTRY) {
        /* Unpadded: the runtime finds it by this exact name. */
        pyn_gen_buf_puts(out, "_entry");
        return;
    }
    if (fn == PYN_GEN_FN_EXTERN) {
        pyn_gen_buf_puts(out, "_extern");
    } else {
        pyn_gen_buf_puts(out, "_fn");
        pyn_gen_buf_putu(out, fn);
    }
    put_pad(m, g, fn, out);
}

void pyn_gen_util_target(const pyn_gen_model *m, uint32_t g, uint32_t fn, uint32_t *ug, uint32_t *uf)
{
    uint64_t h = pyn_gen_hash(m->key, PYN_GEN_TAG_UTIL, g, fn, 0);
    *ug = (uint32_t)((h & 0xffffffffu) % m->nutil);
    *uf = (uint32_t)((h >> 32) % m->nfuncs[*ug]);
}

uint32_t pyn_gen_call_arg(const pyn_gen_model *m, uint32_t g, uint32_t fn, enum pyn_gen_site site, unsigned i,
                          unsigned type)
{
    uint64_t h = pyn_gen_hash(m->key, PYN_GEN_TAG_ARG, g, fn, (uint32_t)site << 8 | i);
    switch (type) {
    case PYN_GEN_INT:
    case PYN_GEN_LONG:
        return (uint32_t)(h % 65536);
    case PYN_GEN_FLOAT:
    case PYN_GEN_DOUBLE:
        return (uint32_t)(h % 4096);
    default:
        return (uint32_t)(h % 26);
    }
}

/* The generator's copy of every generated file's text array. */
static char text[] = PYN_GEN_TEXT;

uint64_t pyn_gen_fold_ret(unsigned type, uint64_t finished)
{
    switch (type) {
    case PYN_GEN_INT:
        return pyn_fold_int(pyn_ret_int(finished));
    case PYN_GEN_LONG:
        return pyn_fold_long(pyn_ret_long(finished));
    case PYN_GEN_FLOAT:
        return pyn_fold_float(pyn_ret_float(finished));
    case PYN_GEN_DOUBLE:
        return pyn_fold_double(pyn_ret_double(finished));
    default:
        return pyn_fold_str(pyn_ret_str(finished, text));
    }
}
