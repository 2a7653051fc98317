/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_hash.h: the generator's only source of randomness.
 *
 * Every random choice is a pure function of (seed, tag, library, function,
 * site): no sequential RNG stream, so the model needs no tables, parts of it
 * can be evaluated in any order or in several processes, and equal inputs
 * always give equal trees. */
#ifndef PYN_GEN_HASH_H
#define PYN_GEN_HASH_H

#include <stdint.h>

/* What a hash value is used for; keeps unrelated choices independent. */
enum pyn_gen_tag {
    PYN_GEN_TAG_SEED = 0x5eed,
    PYN_GEN_TAG_COUNT, /* functions in a library */
    PYN_GEN_TAG_SIG,   /* return and argument types */
    PYN_GEN_TAG_NAME,  /* padding letters of a name */
    PYN_GEN_TAG_BODY,  /* the function's starting constant */
    PYN_GEN_TAG_UTIL,  /* which utility function a module function calls */
    PYN_GEN_TAG_ARG    /* constant arguments at call sites */
};

/* splitmix64's output function: a bijection with full avalanche. */
static inline uint64_t pyn_gen_splitmix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* The key of a seed, computed once per run. */
static inline uint64_t pyn_gen_seed_key(uint64_t seed)
{
    return pyn_gen_splitmix(pyn_gen_splitmix(seed) ^ PYN_GEN_TAG_SEED);
}

/* Hash of one tuple; chaining through the bijection makes tuples that
 * differ in any field give unrelated values. */
static inline uint64_t pyn_gen_hash(uint64_t key, uint32_t tag, uint32_t lib, uint32_t fn, uint32_t site)
{
    uint64_t h = pyn_gen_splitmix(key ^ ((uint64_t)tag << 32 | lib));
    return pyn_gen_splitmix(h ^ ((uint64_t)fn << 32 | site));
}

#endif
