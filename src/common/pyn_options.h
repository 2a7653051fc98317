/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_options.h: table-driven, typed command-line options. One table feeds
 * the parser, --help and the "effective configuration" block of every
 * report; each row carries its kind, its range and its default, so that a
 * caller receives numbers and never parses a string again. A bad value is
 * the one line of pyn_opt_value.h ("--NAME: 'VALUE' is not ALLOWED"). libc
 * only: every program links it (src/common). */
#ifndef PYN_OPTIONS_H
#define PYN_OPTIONS_H

#include "pyn_opt_value.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What target points to, per kind. */
enum pyn_option_kind {
    PYN_OPT_FLAG,     /* no value; sets int 1 */
    PYN_OPT_CHOICE,   /* no value; stores choice_value in an int; options sharing a target and key form one setting */
    PYN_OPT_STRING,   /* const char *: the argv string, non-empty */
    PYN_OPT_PATH,     /* const char *: the argv string, a path (pyn_opt_parse_path) */
    PYN_OPT_UNSIGNED, /* uint64_t in min..max */
    PYN_OPT_DOUBLE,   /* double in dmin..dmax */
    PYN_OPT_SIZE,     /* uint64_t bytes in min..max; K, M, G suffixes */
    PYN_OPT_ENUM,     /* int: the index of the value in names */
    PYN_OPT_END       /* terminates a table */
};

struct pyn_option {
    const char *name;     /* "--json" */
    const char *arg_name; /* "FILE" for the kinds with a value, else NULL */
    enum pyn_option_kind kind;
    void *target;
    int choice_value; /* PYN_OPT_CHOICE */
    const char *key;  /* name in the effective configuration; NULL: not reported */
    const char *help; /* one line */
    /* The typed kinds (rows of the first kinds leave these zero). */
    const char *def;          /* default text, parsed into target before argv; NULL: target keeps its value */
    const char **text;        /* NULL, or where the text in effect (given, else def) is kept for the report */
    uint64_t min, max;        /* PYN_OPT_UNSIGNED, PYN_OPT_SIZE */
    double dmin, dmax;        /* PYN_OPT_DOUBLE */
    const char *unit;         /* PYN_OPT_UNSIGNED, PYN_OPT_DOUBLE: "seconds" in "a number of seconds in 0..86400" */
    const char *const *names; /* PYN_OPT_ENUM: NULL-terminated */
};

#define PYN_OPTIONS_END                                                                                                \
    {                                                                                                                  \
        .kind = PYN_OPT_END                                                                                            \
    }

/* One row of a table per kind, its fields in the same order for every kind:
 * the option, its value's name, the target, the kind's range, the report's
 * key, the help line; then any further fields as designators (.def = "2",
 * .text = &slot). NULL key: not reported. */
#define PYN_OPTION_FLAG(NAME, TARGET, KEY, HELP, ...)                                                                  \
    {                                                                                                                  \
        .name = NAME, .kind = PYN_OPT_FLAG, .target = TARGET, .key = KEY, .help = HELP, __VA_ARGS__                    \
    }
#define PYN_OPTION_CHOICE(NAME, TARGET, VALUE, KEY, HELP, ...)                                                         \
    {                                                                                                                  \
        .name = NAME, .kind = PYN_OPT_CHOICE, .target = TARGET, .choice_value = VALUE, .key = KEY, .help = HELP,       \
        __VA_ARGS__                                                                                                    \
    }
#define PYN_OPTION_STRING(NAME, ARG, TARGET, KEY, HELP, ...)                                                           \
    {                                                                                                                  \
        .name = NAME, .arg_name = ARG, .kind = PYN_OPT_STRING, .target = TARGET, .key = KEY, .help = HELP, __VA_ARGS__ \
    }
#define PYN_OPTION_PATH(NAME, ARG, TARGET, KEY, HELP, ...)                                                             \
    {                                                                                                                  \
        .name = NAME, .arg_name = ARG, .kind = PYN_OPT_PATH, .target = TARGET, .key = KEY, .help = HELP, __VA_ARGS__   \
    }
#define PYN_OPTION_UNSIGNED(NAME, ARG, TARGET, MIN, MAX, UNIT, KEY, HELP, ...)                                         \
    {                                                                                                                  \
        .name = NAME, .arg_name = ARG, .kind = PYN_OPT_UNSIGNED, .target = TARGET, .min = MIN, .max = MAX,             \
        .unit = UNIT, .key = KEY, .help = HELP, __VA_ARGS__                                                            \
    }
#define PYN_OPTION_DOUBLE(NAME, ARG, TARGET, MIN, MAX, UNIT, KEY, HELP, ...)                                           \
    {                                                                                                                  \
        .name = NAME, .arg_name = ARG, .kind = PYN_OPT_DOUBLE, .target = TARGET, .dmin = MIN, .dmax = MAX,             \
        .unit = UNIT, .key = KEY, .help = HELP, __VA_ARGS__                                                            \
    }
#define PYN_OPTION_SIZE(NAME, ARG, TARGET, MIN, MAX, KEY, HELP, ...)                                                   \
    {                                                                                                                  \
        .name = NAME, .arg_name = ARG, .kind = PYN_OPT_SIZE, .target = TARGET, .min = MIN, .max = MAX, .key = KEY,     \
        .help = HELP, __VA_ARGS__                                                                                      \
    }
#define PYN_OPTION_ENUM(NAME, ARG, TARGET, NAMES, KEY, HELP, ...)                                                      \
    {                                                                                                                  \
        .name = NAME, .arg_name = ARG, .kind = PYN_OPT_ENUM, .target = TARGET, .names = NAMES, .key = KEY,             \
        .help = HELP, __VA_ARGS__                                                                                      \
    }

/* Parses argv[1..argc-1] against the NULL-terminated list of tables. First
 * every row with a def gets its default. Accepts "--name VALUE" and
 * "--name=VALUE". Arguments that are not options are stored in
 * positional[] (at most max_positional of them, count in *npositional).
 * "--" ends option parsing.
 * Returns 0, or -EINVAL with a one-line message in err naming the argument
 * and what is allowed (control characters escaped: pyn_escape_controls). */
int pyn_options_parse(const struct pyn_option *const *tables, int argc, char **argv, const char **positional,
                      size_t max_positional, size_t *npositional, char *err, size_t errlen);

/* Prints one line per option ("  --json FILE   help") to out, except the
 * options named in omit (NULL-terminated; NULL: none): what a program
 * refuses is not offered. */
void pyn_options_print_help(const struct pyn_option *const *tables, const char *const *omit, FILE *out);

/* Calls fn once per reported setting (a row with a key), with its value as
 * text. A row with a text slot shows the text in effect: the argument as
 * given, else the default's, else NULL. Otherwise: flags "true"/"false";
 * choices the chosen option's name without its dashes; enums the name of
 * the value; strings and paths their value (NULL: unset); numbers written
 * back (a size with the largest suffix that divides it). value is valid
 * during the call only: fn copies what it keeps. */
void pyn_options_each_setting(const struct pyn_option *const *tables,
                              void (*fn)(const char *key, const char *value, void *ctx), void *ctx);

#endif
