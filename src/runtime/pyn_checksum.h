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

/* Starting value of every fold (module checksum totals and function bodies
 * alike start from their own constants; the run total starts here). */
#define PYN_CHECKSUM_INIT UINT64_C(0x243f6a8885a308d3)

/* Mix one value into a running hash (a 64-bit finaliser-style step). */
static inline uint64_t pyn_mix(uint64_t h, uint64_t v)
{
    h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 29;
    return h;
}

/* Exact conversions of a hash to each generated return type ... */
static inline int pyn_ret_int(uint64_t h)
{
    return (int)(h & 0x7fffffffu);
}
static inline long pyn_ret_long(uint64_t h)
{
    return (long)(h & UINT64_C(0x7fffffffffffffff));
}
static inline float pyn_ret_float(uint64_t h)
{
    return (float)(h & 0xffffffu);
}
static inline double pyn_ret_double(uint64_t h)
{
    return (double)(h & UINT64_C(0xfffffffffffff));
}
/* char* results point into a per-library text of at least 16 letters. */
static inline char *pyn_ret_str(uint64_t h, char *text)
{
    return text + (h & 15u);
}

/* ... and back to a value to fold. */
static inline uint64_t pyn_fold_int(int v)
{
    return (uint64_t)(uint32_t)v;
}
static inline uint64_t pyn_fold_long(long v)
{
    return (uint64_t)v;
}
static inline uint64_t pyn_fold_float(float v)
{
    return (uint64_t)v;
}
static inline uint64_t pyn_fold_double(double v)
{
    return (uint64_t)v;
}
static inline uint64_t pyn_fold_str(const char *v)
{
    return (uint64_t)(unsigned char)v[0];
}

#endif
