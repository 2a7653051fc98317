/* SPDX-License-Identifier: BSD-3-Clause */
/* The block of machine code that the big executables' padding repeats
 * (src/bigexe/CMakeLists.txt): 256 small functions, each a different
 * integer mix so none is folded into another, and an entry that calls all of
 * them. It is compiled once; its .text is copied as raw bytes, so it must
 * hold no relocation: every call is to a static function in the same
 * section (PC-relative, resolved by the assembler) and every constant is an
 * immediate (make_padding.cmake refuses an object with .text relocations).
 * The same object is linked into the executable too, so the runtime can
 * call a copy of the block and compare with the real thing. */
#include "pyn_padding.h"

/* clang-format off */ /* the tables read better as tables */
#define PAD_NOINLINE __attribute__((noinline))

#define PAD(n)                                                                                                         \
    static PAD_NOINLINE uint64_t pad_##n(uint64_t x)                                                                   \
    {                                                                                                                  \
        x ^= x >> (1 + (0x##n & 31));                                                                                  \
        x *= UINT64_C(0x9e3779b97f4a7c15) ^ (UINT64_C(0x100000001b3) * 0x##n);                                          \
        x += 0x##n;                                                                                                    \
        x ^= x << 7;                                                                                                   \
        return x;                                                                                                      \
    }
#define PAD16(p)                                                                                                       \
    PAD(p##0) PAD(p##1) PAD(p##2) PAD(p##3) PAD(p##4) PAD(p##5) PAD(p##6) PAD(p##7) PAD(p##8) PAD(p##9) PAD(p##a)      \
        PAD(p##b) PAD(p##c) PAD(p##d) PAD(p##e) PAD(p##f)
#define CALL(n) x = pad_##n(x);
#define CALL16(p)                                                                                                      \
    CALL(p##0) CALL(p##1) CALL(p##2) CALL(p##3) CALL(p##4) CALL(p##5) CALL(p##6) CALL(p##7) CALL(p##8) CALL(p##9)      \
        CALL(p##a) CALL(p##b) CALL(p##c) CALL(p##d) CALL(p##e) CALL(p##f)

PAD16(0) PAD16(1) PAD16(2) PAD16(3) PAD16(4) PAD16(5) PAD16(6) PAD16(7)
PAD16(8) PAD16(9) PAD16(a) PAD16(b) PAD16(c) PAD16(d) PAD16(e) PAD16(f)

uint64_t pyn_padding_block_entry(uint64_t x)
{
    CALL16(0) CALL16(1) CALL16(2) CALL16(3) CALL16(4) CALL16(5) CALL16(6) CALL16(7)
    CALL16(8) CALL16(9) CALL16(a) CALL16(b) CALL16(c) CALL16(d) CALL16(e) CALL16(f)
    return x;
}
/* clang-format on */
