/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_opt_value.h: the parsers of one typed value, and the one line every
 * program prints for a bad value:
 *
 *     NAME: 'VALUE' is not ALLOWED
 *
 * e.g. "--stage-chunk: '12X' is not a size in 4K..1G (bytes, or a whole
 * number with K, M or G)". NAME is the option ("--stage-chunk") or the
 * argument ("NUM_FILES", "-u NUM_UTIL"); VALUE is the text as given, its
 * control characters escaped (pyn_escape_controls); ALLOWED is what the kind
 * accepts, with its range (pyn_opt_describe).
 *
 * The table parser (pyn_options.h) uses these for every typed option; a
 * program calls them directly for a value that is not an option's (a
 * positional argument, one of a short option's two values). libc only.
 *
 * Each parser returns 0 and stores the value; or -EINVAL (not of the kind)
 * or -ERANGE (of the kind, outside the range) with the line in err, and
 * stores nothing. A NULL name leaves "NAME: " out, for a caller that names
 * the value in its own words. */
#ifndef PYN_OPT_VALUE_H
#define PYN_OPT_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits only: no sign, space, "0x" or suffix. unit (NULL: none)
 * reads "a whole number of UNIT in MIN..MAX". */
int pyn_opt_parse_unsigned(const char *name, const char *text, uint64_t min, uint64_t max, const char *unit,
                           uint64_t *out, char *err, size_t errlen);

/* A finite decimal number ("0.5", "1e-3", "-2"; not "nan", "inf" or hex).
 * unit (NULL: none) reads "a number of UNIT in MIN..MAX". */
int pyn_opt_parse_double(const char *name, const char *text, double min, double max, const char *unit, double *out,
                         char *err, size_t errlen);

/* Bytes: a whole number, optionally followed by K, M or G (1024-based,
 * upper case only). The range is in bytes and is printed with the largest
 * suffix that divides it (4096: "4K"). */
int pyn_opt_parse_size(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out, char *err,
                       size_t errlen);

/* One of names (NULL-terminated), exactly; stores its index. */
int pyn_opt_parse_enum(const char *name, const char *text, const char *const *names, int *out, char *err,
                       size_t errlen);

/* A path: non-empty and shorter than PATH_MAX (4096) bytes. Nothing is
 * looked up: whether it must exist is the caller's to say. */
int pyn_opt_parse_path(const char *name, const char *text, char *err, size_t errlen);

/* bytes with the largest of G, M, K that divides it: 4096 "4K", 1 GiB
 * "1G", 1000 "1000" (what pyn_opt_parse_size reads back to bytes). */
void pyn_opt_format_size(uint64_t bytes, char *out, size_t outlen);

/* The kinds, for pyn_opt_describe. */
enum pyn_opt_value_kind { PYN_OPT_VALUE_UNSIGNED, PYN_OPT_VALUE_DOUBLE, PYN_OPT_VALUE_SIZE };

/* Writes ALLOWED for a numeric kind into out (e.g. "a whole number in
 * 0..10000", "a number of seconds in 0..86400"); min and max are read as
 * the kind's (doubles for PYN_OPT_VALUE_DOUBLE, else integers). For a caller
 * whose range depends on other arguments, so that its line has the same
 * shape. */
void pyn_opt_describe(enum pyn_opt_value_kind kind, uint64_t umin, uint64_t umax, double dmin, double dmax,
                      const char *unit, char *out, size_t outlen);

/* Writes "NAME: 'VALUE' is not ALLOWED" (NAME: left out when NULL) into err,
 * control characters escaped. For a caller that checks a range of its own
 * with pyn_opt_describe's words. */
void pyn_opt_error(const char *name, const char *text, const char *allowed, char *err, size_t errlen);

#endif
