/* SPDX-License-Identifier: BSD-3-Clause */
/* The typed value parsers and the one error line (pyn_opt_value.h). The
 * only number parsing of the programs' arguments is here: strtoull and
 * strtod accept leading spaces, signs, hex and "nan", so the text is checked
 * character by character first. */
#include "pyn_opt_value.h"

#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

void pyn_opt_error(const char *name, const char *text, const char *allowed, char *err, size_t errlen)
{
    if (!errlen)
        return;
    pyn_format_middle(err, errlen, "%s%s'%s' is not %s", name ? name : "", name ? ": " : "", text, allowed);
    pyn_escape_controls(err, errlen);
}

void pyn_opt_format_size(uint64_t bytes, char *out, size_t outlen)
{
    static const char suffix[] = {'G', 'M', 'K'};
    for (int i = 0; i < 3; ++i) {
        uint64_t unit = UINT64_C(1) << (10 * (3 - i));
        if (bytes && bytes % unit == 0) {
            snprintf(out, outlen, "%llu%c", (unsigned long long)(bytes / unit), suffix[i]);
            return;
        }
    }
    snprintf(out, outlen, "%llu", (unsigned long long)bytes);
}

void pyn_opt_describe(enum pyn_opt_value_kind kind, uint64_t umin, uint64_t umax, double dmin, double dmax,
                      const char *unit, char *out, size_t outlen)
{
    const char *of = unit ? " of " : "", *u = unit ? unit : "";
    char lo[32], hi[32];
    switch (kind) {
    case PYN_OPT_VALUE_UNSIGNED:
        snprintf(out, outlen, "a whole number%s%s in %llu..%llu", of, u, (unsigned long long)umin,
                 (unsigned long long)umax);
        break;
    case PYN_OPT_VALUE_DOUBLE:
        snprintf(out, outlen, "a number%s%s in %.15g..%.15g", of, u, dmin, dmax);
        break;
    case PYN_OPT_VALUE_SIZE:
        pyn_opt_format_size(umin, lo, sizeof lo);
        pyn_opt_format_size(umax, hi, sizeof hi);
        snprintf(out, outlen, "a size in %s..%s (bytes, or a whole number with K, M or G)", lo, hi);
        break;
    }
}

static int is_digits(const char *text, size_t n)
{
    return n > 0 && strspn(text, "0123456789") == n;
}

/* The digits of text[0..n) as a number; -ERANGE beyond 2^64-1. */
static int digits_value(const char *text, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -ERANGE;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int pyn_opt_parse_unsigned(const char *name, const char *text, uint64_t min, uint64_t max, const char *unit,
                           uint64_t *out, char *err, size_t errlen)
{
    uint64_t v = 0;
    size_t n = strlen(text);
    int rc = is_digits(text, n) ? digits_value(text, n, &v) : -EINVAL;
    if (rc == 0 && (v < min || v > max))
        rc = -ERANGE;
    if (rc) {
        char allowed[128];
        pyn_opt_describe(PYN_OPT_VALUE_UNSIGNED, min, max, 0, 0, unit, allowed, sizeof allowed);
        pyn_opt_error(name, text, allowed, err, errlen);
        return rc;
    }
    *out = v;
    return 0;
}

int pyn_opt_parse_double(const char *name, const char *text, double min, double max, const char *unit, double *out,
                         char *err, size_t errlen)
{
    size_t n = strlen(text);
    int rc = -EINVAL;
    double v = 0;
    /* Digits, one sign, a point, an exponent: strtod then decides the shape. */
    if (n > 0 && strspn(text, "0123456789+-.eE") == n && strpbrk(text, "0123456789")) {
        char *end = NULL;
        errno = 0;
        v = strtod(text, &end);
        if (end == text + n && isfinite(v) && errno != ERANGE)
            rc = v < min || v > max ? -ERANGE : 0;
        else if (end == text + n)
            rc = -ERANGE; /* a number, beyond a double */
    }
    if (rc) {
        char allowed[160];
        pyn_opt_describe(PYN_OPT_VALUE_DOUBLE, 0, 0, min, max, unit, allowed, sizeof allowed);
        pyn_opt_error(name, text, allowed, err, errlen);
        return rc;
    }
    *out = v;
    return 0;
}

int pyn_opt_parse_size(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out, char *err,
                       size_t errlen)
{
    size_t n = strlen(text), digits = strspn(text, "0123456789");
    uint64_t v = 0, scale = 1;
    int rc = -EINVAL;
    if (digits > 0 && (digits == n || digits + 1 == n)) {
        char s = text[digits];
        scale = s == '\0'  ? 1
                : s == 'K' ? UINT64_C(1) << 10
                : s == 'M' ? UINT64_C(1) << 20
                : s == 'G' ? UINT64_C(1) << 30
                           : 0;
        if (scale)
            rc = digits_value(text, digits, &v);
        if (rc == 0 && v > UINT64_MAX / scale)
            rc = -ERANGE;
        if (rc == 0 && (v * scale < min || v * scale > max))
            rc = -ERANGE;
    }
    if (rc) {
        char allowed[128];
        pyn_opt_describe(PYN_OPT_VALUE_SIZE, min, max, 0, 0, NULL, allowed, sizeof allowed);
        pyn_opt_error(name, text, allowed, err, errlen);
        return rc;
    }
    *out = v * scale;
    return 0;
}

int pyn_opt_parse_enum(const char *name, const char *text, const char *const *names, int *out, char *err, size_t errlen)
{
    for (int i = 0; names[i]; ++i)
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char allowed[256] = "one of ";
    size_t len = strlen(allowed);
    for (int i = 0; names[i] && len < sizeof allowed; ++i)
        len += (size_t)snprintf(allowed + len, sizeof allowed - len, "%s%s", i ? ", " : "", names[i]);
    pyn_opt_error(name, text, allowed, err, errlen);
    return -EINVAL;
}

int pyn_opt_parse_path(const char *name, const char *text, char *err, size_t errlen)
{
    size_t n = strlen(text);
    if (n > 0 && n < PATH_MAX)
        return 0;
    char allowed[96];
    snprintf(allowed, sizeof allowed, "a path (a file name of 1 to %d bytes)", PATH_MAX - 1);
    pyn_opt_error(name, text, allowed, err, errlen);
    return n ? -ENAMETOOLONG : -EINVAL;
}
