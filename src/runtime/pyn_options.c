#define _GNU_SOURCE
#include "pyn_options.h"

#include "pyn_tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct pyn_option *find_option(const struct pyn_option *const *tables, const char *name, size_t name_len)
{
    for (size_t t = 0; tables[t]; ++t)
        for (const struct pyn_option *o = tables[t]; o->kind != PYN_OPT_END; ++o)
            if (strlen(o->name) == name_len && strncmp(o->name, name, name_len) == 0)
                return o;
    return NULL;
}

static int parse(const struct pyn_option *const *tables, int argc, char **argv, const char **positional,
                 size_t max_positional, size_t *npositional, char *err, size_t errlen)
{
    size_t npos = 0;
    int options_done = 0;
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        /* A lone "-" or a negative-looking number is positional, not an option. */
        int looks_like_option = arg[0] == '-' && arg[1] == '-' && !options_done;
        if (looks_like_option && arg[2] == '\0') {
            options_done = 1;
            continue;
        }
        if (!looks_like_option) {
            if (arg[0] == '-' && arg[1] != '\0' && !options_done && !(arg[1] >= '0' && arg[1] <= '9')) {
                snprintf(err, errlen, "unknown option '%s' (options are long: see --help)", arg);
                return -EINVAL;
            }
            if (npos == max_positional) {
                snprintf(err, errlen,
                         "unexpected argument '%s' (at most %zu positional argument%s allowed: the launch time)", arg,
                         max_positional, max_positional == 1 ? " is" : "s are");
                return -EINVAL;
            }
            positional[npos++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const struct pyn_option *o = find_option(tables, arg, name_len);
        if (!o) {
            snprintf(err, errlen, "unknown option '%.*s' (see --help)", (int)name_len, arg);
            return -EINVAL;
        }
        if (o->kind != PYN_OPT_STRING) {
            if (eq) {
                snprintf(err, errlen, "option %s takes no value (got '%s')", o->name, eq + 1);
                return -EINVAL;
            }
            if (o->kind == PYN_OPT_FLAG)
                *(int *)o->target = 1;
            else
                *(int *)o->target = o->choice_value;
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value || value[0] == '\0') {
            snprintf(err, errlen, "option %s needs a value %s", o->name, o->arg_name);
            return -EINVAL;
        }
        *(const char **)o->target = value;
    }
    *npositional = npos;
    return 0;
}

void pyn_options_print_help(const struct pyn_option *const *tables, FILE *out)
{
    for (size_t t = 0; tables[t]; ++t)
        for (const struct pyn_option *o = tables[t]; o->kind != PYN_OPT_END; ++o) {
            char left[64];
            snprintf(left, sizeof left, "%s%s%s", o->name, o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
            fprintf(out, "  %-24s %s\n", left, o->help);
        }
}

void pyn_options_each_setting(const struct pyn_option *const *tables,
                              void (*fn)(const char *key, const char *value, void *ctx), void *ctx)
{
    for (size_t t = 0; tables[t]; ++t)
        for (const struct pyn_option *o = tables[t]; o->kind != PYN_OPT_END; ++o) {
            if (!o->key)
                continue;
            switch (o->kind) {
            case PYN_OPT_FLAG:
                fn(o->key, *(int *)o->target ? "true" : "false", ctx);
                break;
            case PYN_OPT_STRING:
                fn(o->key, *(const char **)o->target, ctx);
                break;
            case PYN_OPT_CHOICE:
                /* Report a choice once: at the option currently chosen. */
                if (*(int *)o->target == o->choice_value)
                    fn(o->key, o->name + 2, ctx);
                break;
            case PYN_OPT_END:
                break;
            }
        }
}

int pyn_options_parse(const struct pyn_option *const *tables, int argc, char **argv, const char **positional,
                      size_t max_positional, size_t *npositional, char *err, size_t errlen)
{
    int rc = parse(tables, argc, argv, positional, max_positional, npositional, err, errlen);
    if (rc)
        pyn_escape_controls(err, errlen);
    return rc;
}
