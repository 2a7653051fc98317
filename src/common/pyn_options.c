/* SPDX-License-Identifier: BSD-3-Clause */
/* The table-driven option parser (pyn_options.h). Values are parsed by
 * pyn_opt_value.c, so every program's bad value reads the same. */
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

static int takes_value(const struct pyn_option *o)
{
    return o->kind != PYN_OPT_FLAG && o->kind != PYN_OPT_CHOICE;
}

/* Stores value (non-empty) in o's target, as o's kind; the text too when
 * o keeps it. */
static int set_value(const struct pyn_option *o, const char *value, char *err, size_t errlen)
{
    int rc = 0, index = 0;
    uint64_t u = 0;
    double d = 0;
    switch (o->kind) {
    case PYN_OPT_STRING:
        *(const char **)o->target = value;
        break;
    case PYN_OPT_PATH:
        if ((rc = pyn_opt_parse_path(o->name, value, err, errlen)) == 0)
            *(const char **)o->target = value;
        break;
    case PYN_OPT_UNSIGNED:
        if ((rc = pyn_opt_parse_unsigned(o->name, value, o->min, o->max, o->unit, &u, err, errlen)) == 0)
            *(uint64_t *)o->target = u;
        break;
    case PYN_OPT_SIZE:
        if ((rc = pyn_opt_parse_size(o->name, value, o->min, o->max, &u, err, errlen)) == 0)
            *(uint64_t *)o->target = u;
        break;
    case PYN_OPT_DOUBLE:
        if ((rc = pyn_opt_parse_double(o->name, value, o->dmin, o->dmax, o->unit, &d, err, errlen)) == 0)
            *(double *)o->target = d;
        break;
    case PYN_OPT_ENUM:
        if ((rc = pyn_opt_parse_enum(o->name, value, o->names, &index, err, errlen)) == 0)
            *(int *)o->target = index;
        break;
    case PYN_OPT_FLAG:
    case PYN_OPT_CHOICE:
    case PYN_OPT_END:
        break;
    }
    if (rc == 0 && o->text)
        *o->text = value;
    return rc ? -EINVAL : 0;
}

/* Defaults first, so that the report shows the value in effect. A default
 * that does not parse is the table's bug: said as such. */
static int set_defaults(const struct pyn_option *const *tables, char *err, size_t errlen)
{
    for (size_t t = 0; tables[t]; ++t)
        for (const struct pyn_option *o = tables[t]; o->kind != PYN_OPT_END; ++o)
            if (o->def && takes_value(o) && set_value(o, o->def, err, errlen)) {
                size_t n = strlen(err);
                snprintf(err + n, errlen - n, " (internal: the default of %s)", o->name);
                return -EINVAL;
            }
    return 0;
}

static int parse(const struct pyn_option *const *tables, int argc, char **argv, const char **positional,
                 size_t max_positional, size_t *npositional, char *err, size_t errlen)
{
    size_t npos = 0;
    int options_done = 0;
    if (set_defaults(tables, err, errlen))
        return -EINVAL;
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
                pyn_format_middle(err, errlen, "unknown option '%s' (options are long: see --help)", arg);
                return -EINVAL;
            }
            if (npos == max_positional) {
                pyn_format_middle(err, errlen,
                                  "unexpected argument '%s' (at most %zu positional argument%s allowed; see --help)",
                                  arg, max_positional, max_positional == 1 ? " is" : "s are");
                return -EINVAL;
            }
            positional[npos++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const struct pyn_option *o = find_option(tables, arg, name_len);
        if (!o) {
            pyn_format_middle(err, errlen, "unknown option '%.*s' (see --help)", (int)name_len, arg);
            return -EINVAL;
        }
        if (!takes_value(o)) {
            if (eq) {
                pyn_format_middle(err, errlen, "option %s takes no value (got '%s')", o->name, eq + 1);
                return -EINVAL;
            }
            *(int *)o->target = o->kind == PYN_OPT_FLAG ? 1 : o->choice_value;
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value || value[0] == '\0') {
            snprintf(err, errlen, "option %s needs a value %s", o->name, o->arg_name);
            return -EINVAL;
        }
        if (set_value(o, value, err, errlen))
            return -EINVAL;
    }
    *npositional = npos;
    return 0;
}

static int is_omitted(const char *name, const char *const *omit)
{
    for (size_t k = 0; omit && omit[k]; ++k)
        if (strcmp(name, omit[k]) == 0)
            return 1;
    return 0;
}

void pyn_options_print_help(const struct pyn_option *const *tables, const char *const *omit, FILE *out)
{
    for (size_t t = 0; tables[t]; ++t)
        for (const struct pyn_option *o = tables[t]; o->kind != PYN_OPT_END; ++o) {
            if (is_omitted(o->name, omit))
                continue;
            char left[64];
            snprintf(left, sizeof left, "%s%s%s", o->name, o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
            fprintf(out, "  %-24s %s\n", left, o->help);
        }
}

/* A number written back, for a row that keeps no text: a double with the
 * fewest digits that read back as itself (0.1, not 0.10000000000000001). */
static const char *number_text(const struct pyn_option *o, char *buf, size_t len)
{
    if (o->kind == PYN_OPT_SIZE) {
        pyn_opt_format_size(*(const uint64_t *)o->target, buf, len);
    } else if (o->kind == PYN_OPT_DOUBLE) {
        double v = *(const double *)o->target;
        for (int digits = 1; digits <= 17; ++digits) {
            snprintf(buf, len, "%.*g", digits, v);
            if (strtod(buf, NULL) == v)
                break;
        }
    } else {
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)o->target);
    }
    return buf;
}

static const char *enum_name(const struct pyn_option *o)
{
    int v = *(const int *)o->target;
    for (int i = 0; o->names[i]; ++i)
        if (i == v)
            return o->names[i];
    return NULL;
}

void pyn_options_each_setting(const struct pyn_option *const *tables,
                              void (*fn)(const char *key, const char *value, void *ctx), void *ctx)
{
    char buf[32];
    for (size_t t = 0; tables[t]; ++t)
        for (const struct pyn_option *o = tables[t]; o->kind != PYN_OPT_END; ++o) {
            if (!o->key)
                continue;
            if (o->text && takes_value(o)) {
                fn(o->key, *o->text, ctx);
                continue;
            }
            switch (o->kind) {
            case PYN_OPT_FLAG:
                fn(o->key, *(int *)o->target ? "true" : "false", ctx);
                break;
            case PYN_OPT_CHOICE:
                /* Report a choice once: at the option currently chosen. */
                if (*(int *)o->target == o->choice_value)
                    fn(o->key, o->name + 2, ctx);
                break;
            case PYN_OPT_STRING:
            case PYN_OPT_PATH:
                fn(o->key, *(const char **)o->target, ctx);
                break;
            case PYN_OPT_ENUM:
                fn(o->key, enum_name(o), ctx);
                break;
            case PYN_OPT_UNSIGNED:
            case PYN_OPT_SIZE:
            case PYN_OPT_DOUBLE:
                fn(o->key, number_text(o, buf, sizeof buf), ctx);
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
