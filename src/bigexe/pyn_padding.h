/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_padding.h: the extra machine code of the big executables
 * (pynamic-mode-bigexe, pynamic-mode-python-bigexe), as the original's
 * ~200 MB pynamic-bigexe carried.
 *
 * The padding is PYNAMIC_BIGEXE_TEXT_MB MiB (at least) of real, callable
 * code in the executable's .text: copies of one compiled block
 * (pyn_padding_block.c), assembled with .incbin (make_padding.cmake), so it
 * costs seconds to build whatever its size. Error contract as the
 * runtime's: 0 or a negative errno with one line in the caller's buffer. */
#ifndef PYN_PADDING_H
#define PYN_PADDING_H

#include <stddef.h>
#include <stdint.h>

/* The block's entry, as compiled: calls every function of the block. */
uint64_t pyn_padding_block_entry(uint64_t x);

/* Bytes of padding in this executable's .text (all copies, with the
 * alignment between them). */
size_t pyn_padding_bytes(void);

/* Calls the entry of the first and of the last copy of the block and
 * compares what each returns with pyn_padding_block_entry(): the padding is
 * machine code that runs, not filler. Touches two pages of it, so it costs
 * microseconds; the modes call it outside every timed phase. Returns 0, or
 * -EIO with "padding: ..." in err naming the copy and both values. */
int pyn_padding_check(char *err, size_t errlen);

#endif
