/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_checksum.h: the one definition of how generated code folds values into
 * a checksum. Included by the generator (to predict results), by every
 * generated source (to compute them) and by the runtime (to fold module
 * checksums into the run total), so the three can never disagree.
 *
 * Header-only and libc-only: the generator is built without the runtime.
 * All arithmetic is on uint64_t (wrapping is defined); every conversion to a
 * generated function's return type is exact, so the fold is the same at any
 * optimisation level and with -ffast-math. */
#ifndef PYN_CHECKSUM_H
#define PYN_CHECKSUM_H

#include <stdint.h>

/* Starting value of the run total (pyn_mix over the module checksums, in
 * manifest order); every generated function starts from its own constant. */
#define PYN_CHECKSUM_INIT UINT64_C(0x243f6a8885a308d3)

/* Mix one module checksum into the run total (a 64-bit finaliser-style
 * step; the runtime and the generator's manifest use it, generated code
 * does not). */
static inline uint64_t pyn_mix(uint64_t h, uint64_t v)
{
    h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 29;
    return h;
}

/* How a generated function proves it ran: its running sum starts from its
 * own constant, every callee's result is added to it, and it returns
 * PYN_RET_<TYPE>(sum). A wrong, missing or repeated call (a symbol bound to
 * another library's function, a chain cut short) changes the low bits of
 * every sum above it up to the module's entry, so the manifest's checksums
 * catch it. Macros, not functions, because the generated code is compiled
 * at -O0 like the original's, where a static inline function is still a
 * call: each fold is a few instructions inline, so the visit's cost stays
 * the original's call chains, not the proof. The conversions are exact:
 * int and long take 31 and 63 bits, float 24 and double 52 (integral
 * values, so the conversion back is exact at any optimisation level and
 * with -ffast-math), char* a pointer into a per-library text of at least
 * 16 letters. */
#define PYN_STEP(s, v) ((s) + (v))

/* clang-format would read `(s) & mask` as a cast of an address. */
/* clang-format off */
#define PYN_RET_INT(s) ((int)((s) & 0x7fffffffu))
#define PYN_RET_LONG(s) ((long)((s) & UINT64_C(0x7fffffffffffffff)))
#define PYN_RET_FLOAT(s) ((float)(int32_t)((s) & 0xffffffu))
#define PYN_RET_DOUBLE(s) ((double)(int64_t)((s) & UINT64_C(0xfffffffffffff)))
#define PYN_RET_STR(s, text) ((text) + ((s) & 15u))
/* clang-format on */

#define PYN_FOLD_INT(v) ((uint64_t)(uint32_t)(v))
#define PYN_FOLD_LONG(v) ((uint64_t)(v))
#define PYN_FOLD_FLOAT(v) ((uint64_t)(int32_t)(v))
#define PYN_FOLD_DOUBLE(v) ((uint64_t)(int64_t)(v))
#define PYN_FOLD_STR(v) ((uint64_t)(unsigned char)(v)[0])

/* The same conversions as functions, for the generator's prediction. */
static inline int pyn_ret_int(uint64_t s)
{
    return PYN_RET_INT(s);
}
static inline long pyn_ret_long(uint64_t s)
{
    return PYN_RET_LONG(s);
}
static inline float pyn_ret_float(uint64_t s)
{
    return PYN_RET_FLOAT(s);
}
static inline double pyn_ret_double(uint64_t s)
{
    return PYN_RET_DOUBLE(s);
}
static inline char *pyn_ret_str(uint64_t s, char *text)
{
    return PYN_RET_STR(s, text);
}
static inline uint64_t pyn_fold_int(int v)
{
    return PYN_FOLD_INT(v);
}
static inline uint64_t pyn_fold_long(long v)
{
    return PYN_FOLD_LONG(v);
}
static inline uint64_t pyn_fold_float(float v)
{
    return PYN_FOLD_FLOAT(v);
}
static inline uint64_t pyn_fold_double(double v)
{
    return PYN_FOLD_DOUBLE(v);
}
static inline uint64_t pyn_fold_str(const char *v)
{
    return PYN_FOLD_STR(v);
}

#endif
