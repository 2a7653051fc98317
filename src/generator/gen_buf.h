/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_buf.h: a growable in-memory text buffer.
 *
 * Every output file is built completely in memory first so that it can be
 * compared with what is on disk (write-if-changed). Appending never fails
 * loudly: an allocation failure sets a sticky flag that the caller checks
 * once, at the end, with pyn_gen_buf_failed(). */
#ifndef PYN_GEN_BUF_H
#define PYN_GEN_BUF_H

#include <stddef.h>

typedef struct pyn_gen_buf {
    char *data; /* owned; NUL-terminated while len < cap */
    size_t len;
    size_t cap;
    int failed; /* nonzero once an allocation failed */
} pyn_gen_buf;

/* An empty buffer; no allocation until the first append. */
void pyn_gen_buf_init(pyn_gen_buf *b);
/* Frees the data and returns the buffer to the empty state. */
void pyn_gen_buf_free(pyn_gen_buf *b);
/* Empties the buffer but keeps its memory for reuse. */
void pyn_gen_buf_clear(pyn_gen_buf *b);

void pyn_gen_buf_putn(pyn_gen_buf *b, const char *s, size_t n);
void pyn_gen_buf_puts(pyn_gen_buf *b, const char *s);
void pyn_gen_buf_putc(pyn_gen_buf *b, char c);
/* Unsigned decimal, the only number formatting the hot paths need. */
void pyn_gen_buf_putu(pyn_gen_buf *b, unsigned long long v);
/* 0x followed by exactly 16 lowercase hex digits. */
void pyn_gen_buf_puthex16(pyn_gen_buf *b, unsigned long long v);
void pyn_gen_buf_printf(pyn_gen_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Nonzero if any append since init/clear ran out of memory. */
int pyn_gen_buf_failed(const pyn_gen_buf *b);

#endif
