/* SPDX-License-Identifier: BSD-3-Clause */
/* The padding's symbols are defined by the generated padding.s
 * (make_padding.cmake): its bounds, and the block's entry inside the first
 * and the last copy. */
#include "pyn_padding.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

extern const char pyn_padding_begin[], pyn_padding_end[];
uint64_t pyn_padding_first_entry(uint64_t x);
uint64_t pyn_padding_last_entry(uint64_t x);

size_t pyn_padding_bytes(void)
{
    return (size_t)(pyn_padding_end - pyn_padding_begin);
}

int pyn_padding_check(char *err, size_t errlen)
{
    /* Any seed: the block has no state, so copy and original must agree. */
    const uint64_t seed = UINT64_C(0x70796e616d6963);
    uint64_t want = pyn_padding_block_entry(seed);
    uint64_t first = pyn_padding_first_entry(seed), last = pyn_padding_last_entry(seed);
    if (first != want || last != want) {
        snprintf(err, errlen,
                 "padding: the %s copy of the block returned 0x%016" PRIx64 " but the block returns 0x%016" PRIx64
                 " (is padding.s assembled from this build's block?)",
                 first != want ? "first" : "last", first != want ? first : last, want);
        return -EIO;
    }
    return 0;
}
