/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_model.h: what is generated, independent of how it is written.
 *
 * Libraries have a global index g: utilities are 0..nutil-1, modules
 * nutil..nlibs-1 (module i is g = nutil + i). Functions of a library are
 * 0..nfuncs-1, plus two special indices for a module's extern and entry.
 * Every property (counts, signatures, names, constants, call targets) is
 * recomputed from gen_hash.h on demand, so the model holds only the
 * per-library function counts. */
#ifndef PYN_GEN_MODEL_H
#define PYN_GEN_MODEL_H

#include <stdint.h>

#include "gen_buf.h"
#include "gen_hash.h"
#include "gen_options.h"

/* The C types a generated function may take or return. */
enum pyn_gen_type { PYN_GEN_INT, PYN_GEN_LONG, PYN_GEN_FLOAT, PYN_GEN_DOUBLE, PYN_GEN_STR, PYN_GEN_NTYPES };

/* Spelling of each type in C, and the suffix of its PYN_RET_* / PYN_FOLD_*
 * conversion in pyn_checksum.h. */
extern const char *const pyn_gen_type_c[PYN_GEN_NTYPES];
extern const char *const pyn_gen_type_macro[PYN_GEN_NTYPES];

/* The letters every generated file keeps in its static `text` array; char*
 * results point into it. */
#define PYN_GEN_TEXT "abcdefghijklmnopqrstuvwxyz"

#define PYN_GEN_MAX_ARGS 5
/* How often a module function calls its utility function. */
#define PYN_GEN_UTIL_CALLS 10

/* Special function indices (never reached by real ones: counts are bounded
 * by PYN_GEN_MAX_TOTAL_FUNCTIONS). */
#define PYN_GEN_FN_EXTERN UINT32_C(0xfffffffe)
#define PYN_GEN_FN_ENTRY UINT32_C(0xffffffff)

/* Call sites whose constant arguments the model draws. Constants are keyed
 * by the callee for chain, entry and extern calls (each such function has
 * exactly one caller) and by the caller for utility calls (a utility
 * function may be called from many places). */
enum pyn_gen_site {
    PYN_GEN_SITE_INCOMING = 1, /* the one call of (g, fn) */
    PYN_GEN_SITE_UTIL = 2      /* (g, fn)'s call of its utility function */
};

typedef struct pyn_gen_sig {
    uint8_t ret;
    uint8_t nargs;
    uint8_t arg[PYN_GEN_MAX_ARGS];
} pyn_gen_sig;

typedef struct pyn_gen_model {
    uint64_t key; /* pyn_gen_seed_key(seed) */
    uint32_t nlibs;
    uint32_t nutil;
    uint32_t nmod;
    uint32_t depth;
    uint32_t pad;
    int cross_module;
    int module_chain; /* --module-chain: module i has a DT_NEEDED on module i-1 */
    int print;
    uint32_t search_dirs; /* RUNPATH directories of every library (--search-dirs) */
    uint32_t *nfuncs;     /* owned; per global library index */
    uint64_t total_functions;
} pyn_gen_model;

/* Returns 0 or -ENOMEM. Options must have been validated. */
int pyn_gen_model_init(pyn_gen_model *m, const pyn_gen_options *o);
void pyn_gen_model_destroy(pyn_gen_model *m);

static inline int pyn_gen_is_module(const pyn_gen_model *m, uint32_t g)
{
    return g >= m->nutil;
}

/* The two marker modules every tree has besides its NUM_FILES libraries,
 * as the original's libmodulebegin / libmodulefinal: one function each,
 * under the original's name (begin_break_here, break_here: debugger scripts
 * break there), called right before and right after the visit. They are
 * listed after the modules in the manifest and the CMake fragment and are
 * not counted in NUM_FILES. libmodulebegin has a DT_NEEDED on every module,
 * as the original's: loading it loads the whole tree into one scope. */
#define PYN_GEN_NMARKERS 2
typedef struct pyn_gen_marker {
    const char *name;     /* "libmodulebegin" */
    const char *role;     /* "begin": called before the visit; "final": after */
    const char *function; /* "begin_break_here" */
    int needs_modules;    /* 1: a DT_NEEDED on every module (libmodulebegin) */
} pyn_gen_marker;
extern const pyn_gen_marker pyn_gen_markers[PYN_GEN_NMARKERS];

/* The CPython extension module each module (and marker) also is: compiled
 * against the limited API of this version (3.8: every CPython since loads
 * it), with the Python functions it calls declared weak so the C modes can
 * load the same object without libpython. */
#define PYN_GEN_PY_LIMITED_API "0x03080000"

/* Appends "libutility<i>" or "libmodule<i>". */
void pyn_gen_lib_name(const pyn_gen_model *m, uint32_t g, pyn_gen_buf *out);

/* Signature of function fn (or PYN_GEN_FN_EXTERN) of library g. */
pyn_gen_sig pyn_gen_fn_sig(const pyn_gen_model *m, uint32_t g, uint32_t fn);

/* Appends the full symbol name: <lib>_fn<fn><pad>, <lib>_extern<pad> or
 * <lib>_entry. */
void pyn_gen_fn_name(const pyn_gen_model *m, uint32_t g, uint32_t fn, pyn_gen_buf *out);

/* The constant a function's sum starts from: 31 bits, so that at -O0 it is
 * one store of an immediate (a 64-bit constant takes a movabs as well). */
static inline uint64_t pyn_gen_fn_const(const pyn_gen_model *m, uint32_t g, uint32_t fn)
{
    return pyn_gen_hash(m->key, PYN_GEN_TAG_BODY, g, fn, 0) & 0x7fffffffu;
}

/* Nonzero if fn calls fn+1 (same chain). */
static inline int pyn_gen_has_successor(const pyn_gen_model *m, uint32_t g, uint32_t fn)
{
    return fn % m->depth != m->depth - 1 && fn + 1 < m->nfuncs[g];
}

/* The utility function (library *ug, function *uf) a module function calls
 * in its loop. Only for modules, and only when nutil > 0. */
void pyn_gen_util_target(const pyn_gen_model *m, uint32_t g, uint32_t fn, uint32_t *ug, uint32_t *uf);

/* The constant passed as argument i of a call site: 0..65535 for int and
 * long, 0..4095 for float and double (integral, so every conversion is
 * exact), 0..25 for char* (the letter 'a' + value). */
uint32_t pyn_gen_call_arg(const pyn_gen_model *m, uint32_t g, uint32_t fn, enum pyn_gen_site site, unsigned i,
                          unsigned type);

/* What a caller's PYN_FOLD_<TYPE>(result) yields when the callee returns
 * PYN_RET_<TYPE>(finished) (pyn_checksum.h). */
uint64_t pyn_gen_fold_ret(unsigned type, uint64_t finished);

#endif
