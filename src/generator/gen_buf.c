/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pyn_gen_buf_init(pyn_gen_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void pyn_gen_buf_free(pyn_gen_buf *b)
{
    free(b->data);
    pyn_gen_buf_init(b);
}

void pyn_gen_buf_clear(pyn_gen_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Room for n more bytes plus the terminating NUL. */
static int reserve(pyn_gen_buf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void pyn_gen_buf_putn(pyn_gen_buf *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pyn_gen_buf_puts(pyn_gen_buf *b, const char *s)
{
    pyn_gen_buf_putn(b, s, strlen(s));
}

void pyn_gen_buf_putc(pyn_gen_buf *b, char c)
{
    pyn_gen_buf_putn(b, &c, 1);
}

void pyn_gen_buf_putu(pyn_gen_buf *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pyn_gen_buf_putn(b, tmp + i, sizeof tmp - i);
}

void pyn_gen_buf_puthex16(pyn_gen_buf *b, unsigned long long v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[18];
    tmp[0] = '0';
    tmp[1] = 'x';
    for (int i = 17; i >= 2; --i) {
        tmp[i] = digits[v & 15u];
        v >>= 4;
    }
    pyn_gen_buf_putn(b, tmp, sizeof tmp);
}

void pyn_gen_buf_printf(pyn_gen_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int pyn_gen_buf_failed(const pyn_gen_buf *b)
{
    return b->failed;
}
