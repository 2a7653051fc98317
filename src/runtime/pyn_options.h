/* pyn_options.h: table-driven command-line options. One table feeds the
 * parser, --help and the "effective configuration" block of every report. */
#ifndef PYN_OPTIONS_H
#define PYN_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum pyn_option_kind {
    PYN_OPT_FLAG,   /* no value; sets *(int *)target = 1 */
    PYN_OPT_STRING, /* one value; stores the argv string in *(const char **)target */
    PYN_OPT_CHOICE, /* no value; stores choice_value in *(int *)target; options
                       sharing a target and key form one setting */
    PYN_OPT_END     /* terminates a table */
};

struct pyn_option {
    const char *name;     /* "--json" */
    const char *arg_name; /* "FILE" for PYN_OPT_STRING, else NULL */
    enum pyn_option_kind kind;
    void *target;
    int choice_value;
    const char *key;  /* name in the effective configuration; NULL: not reported */
    const char *help; /* one line */
};

#define PYN_OPTIONS_END                                                                                                \
    {                                                                                                                  \
        0, 0, PYN_OPT_END, 0, 0, 0, 0                                                                                  \
    }

/* Parses argv[1..argc-1] against the NULL-terminated list of tables.
 * Accepts "--name VALUE" and "--name=VALUE". Arguments that are not options
 * are stored in positional[] (at most max_positional of them, count in
 * *npositional). "--" ends option parsing.
 * Returns 0, or -EINVAL with a one-line message in err naming the argument
 * and what is allowed (control characters escaped: pyn_escape_controls). */
int pyn_options_parse(const struct pyn_option *const *tables, int argc, char **argv, const char **positional,
                      size_t max_positional, size_t *npositional, char *err, size_t errlen);

/* Prints one line per option ("  --json FILE   help") to out. */
void pyn_options_print_help(const struct pyn_option *const *tables, FILE *out);

/* Calls fn once per reported setting, with its current value as text:
 * flags "true"/"false", strings their value or NULL when unset, choices the
 * name of the chosen option without its leading dashes. */
void pyn_options_each_setting(const struct pyn_option *const *tables,
                              void (*fn)(const char *key, const char *value, void *ctx), void *ctx);

#endif
