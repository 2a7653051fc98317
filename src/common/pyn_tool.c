/* SPDX-License-Identifier: BSD-3-Clause */
/* What every program shares (pyn_tool.h). */
#define _GNU_SOURCE
#include "pyn_tool.h"

#include <errno.h>
#include <stdarg.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

const char *pyn_prog_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    return slash ? slash + 1 : argv0;
}

char *pyn_exe_path(void)
{
    return realpath("/proc/self/exe", NULL);
}

char *pyn_exe_dir(void)
{
    char *exe = pyn_exe_path();
    if (!exe)
        return NULL;
    char *dir = strdup(dirname(exe));
    int saved = errno;
    free(exe);
    errno = saved;
    return dir;
}

char *pyn_exe_relative(const char *relative)
{
    char *dir = pyn_exe_dir(), *path = NULL;
    if (!dir)
        return NULL;
    if (asprintf(&path, "%s/%s", dir, relative) < 0) {
        path = NULL;
        errno = ENOMEM;
    }
    int saved = errno;
    free(dir);
    errno = saved;
    return path;
}

char *pyn_exe_resolve(const char *given, const char *default_rel, const char *what, char *err, size_t errlen)
{
    /* A default that cannot be placed (/proc/self/exe unresolved) is
     * reported as out of memory too, as the programs always have. */
    char *candidate = given ? strdup(given) : pyn_exe_relative(default_rel);
    if (!candidate) {
        pyn_format_middle(err, errlen, "%s: out of memory", what);
        return NULL;
    }
    char *abs = realpath(candidate, NULL);
    if (!abs)
        pyn_format_middle(err, errlen, "%s %s: %s", what, candidate, strerror(errno));
    free(candidate);
    return abs;
}

/* How c is shown: itself, \r \n \t, or \xNN; written to out (room for 4)
 * unless out is NULL. Returns the length. */
static size_t escape_one(unsigned char c, char *out)
{
    char buf[8];
    size_t n;
    if (c >= 0x20 && c != 0x7f) {
        buf[0] = (char)c;
        n = 1;
    } else if (c == '\r' || c == '\n' || c == '\t') {
        buf[0] = '\\';
        buf[1] = c == '\r' ? 'r' : c == '\n' ? 'n' : 't';
        n = 2;
    } else {
        n = (size_t)snprintf(buf, sizeof buf, "\\x%02x", c);
    }
    if (out)
        memcpy(out, buf, n);
    return n;
}

int pyn_has_controls(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c)
        if (*c < 0x20 || *c == 0x7f)
            return 1;
    return 0;
}

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when the byte
 * at s does not start one: no overlong forms, surrogates or values above
 * U+10FFFF (RFC 3629, as jansson checks). */
static size_t utf8_length(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; ++i) {
        if ((s[i] & 0xc0) != 0x80) /* the NUL ends it too */
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) || (n == 4 && (v < 0x10000 || v > 0x10ffff)))
        return 0;
    return n;
}

char *pyn_normalise_text(char *text)
{
    unsigned char *in = (unsigned char *)text, *out = in;
    int space = 0; /* a space is owed before the next character */
    while (*in) {
        if (*in <= 0x20 || *in == 0x7f) {
            space = out != (unsigned char *)text;
            ++in;
            continue;
        }
        if (space)
            *out++ = ' ';
        space = 0;
        size_t n = utf8_length(in);
        if (n == 0) {
            *out++ = '?';
            ++in;
            continue;
        }
        memmove(out, in, n);
        out += n;
        in += n;
    }
    *out = '\0';
    return text;
}

/* UTF-8 continuation bytes (10xxxxxx) never start a character. */
static int is_continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

/* Escapes text[from..to) into out (room for 4 bytes a character); returns the length written. */
static size_t escape_span(const char *text, size_t from, size_t to, char *out)
{
    size_t n = 0;
    for (size_t i = from; i < to; ++i)
        n += escape_one((unsigned char)text[i], out + n);
    return n;
}

/* The characters of text whose escapes fit in size bytes with the NUL,
 * escaped in place: what snprintf would keep. */
static void escape_start(char *text, size_t size)
{
    size_t in = 0, out = 0;
    while (text[in] && out + escape_one((unsigned char)text[in], NULL) < size)
        out += escape_one((unsigned char)text[in++], NULL);
    /* Backward, in place: each character's escape starts at or after the
     * character, so nothing is overwritten before it has been read. */
    text[out] = '\0';
    while (in > 0) {
        unsigned char c = (unsigned char)text[--in];
        out -= escape_one(c, NULL);
        escape_one(c, text + out);
    }
}

void pyn_escape_controls(char *text, size_t size)
{
    if (size == 0)
        return;
    size_t len = strlen(text), need = 0;
    for (size_t i = 0; i < len; ++i)
        need += escape_one((unsigned char)text[i], NULL);
    static const char dots[] = "...";
    const size_t ndots = sizeof dots - 1;
    char *copy = need < size || size <= ndots + 2 ? NULL : malloc(len + 1);
    if (!copy) { /* it fits; or no room for both ends, or no memory: the start */
        escape_start(text, size);
        return;
    }
    /* Too long once escaped: the start and the end (which holds the cause)
     * as pyn_shorten_middle keeps them, cut between characters, never
     * inside an escape or a UTF-8 sequence. */
    size_t room = size - 1 - ndots, head_room = room * 2 / 5, tail_room = room - head_room;
    size_t head = 0, w = 0;
    while (head < len && w + escape_one((unsigned char)text[head], NULL) <= head_room)
        w += escape_one((unsigned char)text[head++], NULL);
    while (head > 0 && is_continuation((unsigned char)text[head]))
        --head;
    size_t from = len;
    w = 0;
    while (from > head && w + escape_one((unsigned char)text[from - 1], NULL) <= tail_room)
        w += escape_one((unsigned char)text[--from], NULL);
    while (from < len && is_continuation((unsigned char)text[from]))
        ++from;
    memcpy(copy, text, len + 1);
    size_t out = escape_span(copy, 0, head, text);
    memcpy(text + out, dots, ndots);
    out += ndots;
    out += escape_span(copy, from, len, text + out);
    text[out] = '\0';
    free(copy);
}

void pyn_shorten_middle(char *buf, size_t size, const char *text)
{
    if (size == 0)
        return;
    size_t len = strlen(text);
    if (len < size) {
        memmove(buf, text, len + 1);
        return;
    }
    static const char dots[] = "...";
    const size_t ndots = sizeof dots - 1;
    if (size <= ndots + 2) { /* no room for both ends: the start, as snprintf would */
        memmove(buf, text, size - 1);
        buf[size - 1] = '\0';
        return;
    }
    /* The end holds the cause, so it gets the larger half. */
    size_t room = size - 1 - ndots, head = room * 2 / 5, tail = room - head;
    while (head > 0 && is_continuation((unsigned char)text[head]))
        --head;
    size_t from = len - tail;
    while (from < len && is_continuation((unsigned char)text[from]))
        ++from;
    tail = len - from;
    /* The tail moves left (from >= head + ndots), so memmove is safe when text is buf. */
    memmove(buf, text, head);
    memmove(buf + head + ndots, text + from, tail);
    memcpy(buf + head, dots, ndots);
    buf[head + ndots + tail] = '\0';
}

void pyn_shorten_pair(char *abuf, char *bbuf, size_t buflen, size_t line_size, const char *a, const char *b)
{
    if (buflen == 0)
        return;
    size_t budget = line_size * 2 / 3, half = budget / 2, la = strlen(a), lb = strlen(b);
    size_t room_a = la, room_b = lb;
    if (la + lb > budget) {
        if (la <= half)
            room_b = budget - la;
        else if (lb <= half)
            room_a = budget - lb;
        else
            room_a = room_b = half;
    }
    pyn_shorten_middle(abuf, room_a < buflen ? room_a + 1 : buflen, a);
    pyn_shorten_middle(bbuf, room_b < buflen ? room_b + 1 : buflen, b);
}

int pyn_vformat_middle(char *buf, size_t size, const char *fmt, va_list ap)
{
    /* Formatted apart from buf, since the arguments may point into it. */
    char local[2048], *whole = local;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(local, sizeof local, fmt, ap);
    if (n >= (int)sizeof local && vasprintf(&whole, fmt, copy) < 0)
        whole = local; /* out of memory: the first 2 KiB, shortened like the rest */
    va_end(copy);
    if (n < 0) {
        if (size)
            buf[0] = '\0';
        return n;
    }
    pyn_shorten_middle(buf, size, whole);
    if (whole != local)
        free(whole);
    return n;
}

int pyn_format_middle(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = pyn_vformat_middle(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* The first stream whose flush failed, and why: a process has one standard output. */
static FILE *failed_stream;
static int failed_errno;

int pyn_flush(FILE *f)
{
    /* Unbuffered or line-buffered (MPI_Init may make it so), the write failed in fprintf, and left its errno. */
    int e = ferror(f) ? errno : 0;
    errno = 0;
    if (fflush(f) != 0)
        e = errno;
    else if (!ferror(f))
        return 0;
    if (!e)
        e = EIO;
    if (!failed_stream) {
        failed_stream = f;
        failed_errno = e;
    }
    return -e;
}

int pyn_flush_check(FILE *f)
{
    int rc = pyn_flush(f);
    if (rc == 0 && !ferror(f))
        return 0;
    return failed_stream == f ? -failed_errno : rc ? rc : -EIO;
}
