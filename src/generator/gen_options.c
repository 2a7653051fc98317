/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyn_gen_version.h"
#include "pyn_opt_value.h"
#include "pyn_tool.h"

/* One value of an option or a positional argument: a number in a range, or
 * (OPT_TEXT, OPT_ASSIGN) a string. The grammar is the original's (short
 * options, some with two values, positional counts), which the table parser
 * of pyn_options.h does not speak; every value is parsed by pyn_opt_value.h,
 * so a bad one reads as it does in every other program. */
typedef struct value_spec {
    const char *name;    /* as in the usage: NUM_UTIL, DEPTH, DIR, CMD ... */
    size_t field;        /* offsetof(pyn_gen_options, ...) */
    uint64_t lo, hi;     /* numbers: accepted range, inclusive */
    const char *allowed; /* strings: what a value is, for messages */
} value_spec;

typedef enum opt_kind {
    OPT_FLAG,   /* sets an int field to 1 */
    OPT_VALUES, /* reads nvalues numbers */
    OPT_DIR,    /* -o DIR */
    OPT_TEXT,   /* a string in the next argument (-i DIR) */
    OPT_ASSIGN, /* a string joined by '=' (--with-cc=CMD; flag ends with '=') */
    OPT_REST,   /* every remaining argument, uninterpreted (-c ARGS...) */
    OPT_HELP,
    OPT_VERSION
} opt_kind;

typedef struct opt_spec {
    const char *flag;
    opt_kind kind;
    size_t field; /* OPT_FLAG: the int to set */
    int nvalues;
    value_spec values[2];
    const char *help;
} opt_spec;

#define F(member) offsetof(pyn_gen_options, member)

static const value_spec positionals[] = {
    {"NUM_FILES", F(num_files), 1, PYN_GEN_MAX_FILES, NULL},
    {"AVG_FUNCS", F(avg_funcs), 1, PYN_GEN_MAX_AVG, NULL},
};
static const char *const positional_help[] = {
    "libraries to generate, utility libraries included",
    "average number of functions of a module library",
};
#define NUM_POSITIONALS (sizeof positionals / sizeof positionals[0])

static const opt_spec options[] = {
    {"-o",
     OPT_DIR,
     0,
     1,
     {{"DIR", 0, 0, 0, NULL}},
     "output directory (required; created if missing; only DIR is written)"},
    {"-e", OPT_FLAG, F(cross_module), 0, {{0}}, "cross-module calls: module i calls an extern function of module i-1"},
    {"-u",
     OPT_VALUES,
     0,
     2,
     {{"NUM_UTIL", F(num_util), 1, PYN_GEN_MAX_FILES - 1, NULL}, {"AVG_UTIL", F(avg_util), 1, PYN_GEN_MAX_AVG, NULL}},
     "NUM_UTIL of the NUM_FILES libraries are utility libraries with AVG_UTIL "
     "functions on average; every module links all of them (default: none)"},
    {"-n",
     OPT_VALUES,
     0,
     1,
     {{"PAD", F(pad), 0, PYN_GEN_MAX_PAD, NULL}},
     "letters appended to every function name (default 0)"},
    {"-d",
     OPT_VALUES,
     0,
     1,
     {{"DEPTH", F(depth), 1, PYN_GEN_MAX_DEPTH, NULL}},
     "call chain length: function i calls i+1 unless i % DEPTH == DEPTH-1 "
     "(default 10)"},
    {"-s",
     OPT_VALUES,
     0,
     1,
     {{"SEED", F(seed), 0, PYN_GEN_MAX_SEED, NULL}},
     "seed; the same arguments and seed give a byte-identical tree (default 1)"},
    {"-p", OPT_FLAG, F(print), 0, {{0}}, "every generated function prints its name when called"},
    {"-t", OPT_FLAG, F(compat_t), 0, {{0}}, "accepted and ignored (old Pynamic scripts still pass it)"},
    {"-b",
     OPT_FLAG,
     F(big_executables),
     0,
     {{0}},
     "also build the big executables (pynamic-mode-bigexe, pynamic-mode-python-bigexe) with the default target; "
     "without -b they are built only on request"},
    {"-j",
     OPT_VALUES,
     0,
     1,
     {{"N", F(jobs), 1, PYN_GEN_MAX_JOBS, NULL}},
     "write the sources with N processes (default 1; output is identical)"},
    {"--search-dirs",
     OPT_VALUES,
     0,
     1,
     {{"N", F(search_dirs), 1, PYN_GEN_MAX_SEARCH_DIRS, NULL}},
     "the libraries' RUNPATH lists N directories, the first N-1 empty: ld.so probes each of them for every "
     "library it searches for, as with a deep LD_LIBRARY_PATH (default 1: only their own directory)"},
    {"--module-chain",
     OPT_FLAG,
     F(module_chain),
     0,
     {{0}},
     "(ours) module i has a DT_NEEDED on module i-1, as packages that depend on each other: the first load of "
     "module i then walks a dependency closure of i+1 modules, work that grows with the square of the module "
     "count (default off: the original has no module-to-module dependency)"},
    /* The original's build options (config_pynamic.py): recorded in
     * targets.cmake for the outer build, never in the generated sources. */
    {"-i",
     OPT_TEXT,
     0,
     1,
     {{"DIR", F(include_dir), 0, 0, "a directory path"}},
     "include directory for the modules and markers, searched before Python's (a relative DIR is taken from "
     "the source tree; it must exist)"},
    {"--with-cc=",
     OPT_ASSIGN,
     0,
     1,
     {{"CMD", F(with_cc), 0, 0, "a command name or path"}},
     "the original's C compiler for the modules; configure compares it with CMAKE_C_COMPILER"},
    {"--with-python=",
     OPT_ASSIGN,
     0,
     1,
     {{"CMD", F(with_python), 0, 0, "a command name or path"}},
     "the original's Python; configure compares it with Python3_EXECUTABLE"},
    {"--with-mpi4py",
     OPT_FLAG,
     F(with_mpi4py),
     0,
     {{0}},
     "the original's mpi4py executable: accepted (the vanilla-interpreter mode here is pynamic_driver.py)"},
    {"--with-pympi",
     OPT_FLAG,
     F(with_pympi),
     0,
     {{0}},
     "the original's pyMPI build: accepted (pynamic_driver.py needs no pyMPI)"},
    {"-c",
     OPT_REST,
     0,
     1,
     {{"ARGS...", 0, 0, 0, "printable text"}},
     "every argument after -c: pyMPI's configure arguments in the original, recorded and not interpreted"},
    {"--help", OPT_HELP, 0, 0, {{0}}, "print this help and exit"},
    {"-h", OPT_HELP, 0, 0, {{0}}, "same as --help"},
    {"--version", OPT_VERSION, 0, 0, {{0}}, "print the version and exit"},
};
#define NUM_OPTIONS (sizeof options / sizeof options[0])

static uint64_t *field_u64(pyn_gen_options *o, size_t field)
{
    return (uint64_t *)((char *)o + field);
}

static void set_error(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    /* Messages echo the user's arguments: a control character in one (a CR
     * from a DOS-edited script, a newline) must not break the one-line
     * contract, and must be visible. */
    va_list ap;
    va_start(ap, fmt);
    pyn_vformat_middle(err, errlen, fmt, ap);
    va_end(ap);
    pyn_escape_controls(err, errlen);
}

/* Build options are written into targets.cmake and configure messages:
 * a control character (a newline, a CR from a DOS-edited script) has no
 * business in a command, directory or configure argument. */
static int check_text(const char *label, const char *text, char *err, size_t errlen)
{
    if (pyn_has_controls(text)) {
        pyn_opt_error(label, text, "printable text (it holds a control character)", err, errlen);
        return -EINVAL;
    }
    return 0;
}

/* "-u NUM_UTIL" for option values, "NUM_FILES" for positionals. */
static void value_label(char *out, size_t n, const opt_spec *opt, const value_spec *v)
{
    if (opt)
        snprintf(out, n, "%s %s", opt->flag, v->name);
    else
        snprintf(out, n, "%s", v->name);
}

static int parse_value(const char *text, const opt_spec *opt, const value_spec *v, uint64_t *out, char *err,
                       size_t errlen)
{
    char label[64];
    value_label(label, sizeof label, opt, v);
    return pyn_opt_parse_unsigned(label, text, v->lo, v->hi, NULL, out, err, errlen);
}

/* An OPT_ASSIGN option matches "--with-cc=..." and also a bare
 * "--with-cc", which its handler reports as missing its value. */
static const opt_spec *find_option(const char *arg)
{
    for (size_t i = 0; i < NUM_OPTIONS; ++i) {
        const char *flag = options[i].flag;
        if (options[i].kind == OPT_ASSIGN) {
            size_t n = strlen(flag) - 1; /* without the '=' */
            if (strncmp(arg, flag, n) == 0 && (arg[n] == '\0' || arg[n] == '='))
                return &options[i];
        } else if (strcmp(arg, flag) == 0)
            return &options[i];
    }
    return NULL;
}

/* Prints text word-wrapped to the help's width, continuation lines
 * indented to the description column. */
#define HELP_WIDTH 79
#define HELP_INDENT 25
static void print_wrapped(FILE *f, const char *text, int column)
{
    const char *p = text;
    while (*p) {
        size_t word = strcspn(p, " ");
        if (column > HELP_INDENT && column + 1 + (int)word > HELP_WIDTH) {
            fprintf(f, "\n%*s", HELP_INDENT, "");
            column = HELP_INDENT;
        } else if (column > HELP_INDENT) {
            fputc(' ', f);
            ++column;
        }
        fprintf(f, "%.*s", (int)word, p);
        column += (int)word;
        p += word;
        while (*p == ' ')
            ++p;
    }
    fputc('\n', f);
}

static void print_help(FILE *f)
{
    fprintf(f, "Usage: pynamic-gen -o DIR NUM_FILES AVG_FUNCS [-e] "
               "[-u NUM_UTIL AVG_UTIL] [-n PAD]\n"
               "                   [-d DEPTH] [-s SEED] [-p] [-t] [-b] [-j N] "
               "[--search-dirs N]\n"
               "                   [-i DIR] [--with-cc=CMD] [--with-python=CMD] "
               "[--with-mpi4py]\n"
               "                   [--with-pympi] [-c ARGS...]\n"
               "\n"
               "Writes the C sources of a synthetic application of many shared "
               "libraries\n"
               "(the Pynamic benchmark's loading footprint), a manifest.json "
               "with every\n"
               "module's predicted checksum and a targets.cmake fragment into "
               "DIR.\n"
               "Options may come before or after the arguments; -c takes every "
               "argument\n"
               "after it. -b, -i, --with-* and -c (the original's build options) "
               "change\n"
               "nothing in the sources: they are recorded in targets.cmake for "
               "the build.\n\n"
               "Arguments:\n");
    char line[512];
    for (size_t i = 0; i < NUM_POSITIONALS; ++i) {
        fprintf(f, "  %-23s", positionals[i].name);
        snprintf(line, sizeof line, "%s (%llu..%llu)", positional_help[i], (unsigned long long)positionals[i].lo,
                 (unsigned long long)positionals[i].hi);
        print_wrapped(f, line, HELP_INDENT);
    }
    fprintf(f, "\nOptions:\n");
    for (size_t i = 0; i < NUM_OPTIONS; ++i) {
        const opt_spec *o = &options[i];
        char left[64];
        int n = snprintf(left, sizeof left, "%s", o->flag);
        for (int v = 0; v < o->nvalues && n > 0 && (size_t)n < sizeof left; ++v)
            n += snprintf(left + n, sizeof left - (size_t)n, o->kind == OPT_ASSIGN ? "%s" : " %s", o->values[v].name);
        fprintf(f, "  %-23s", left);
        int len = snprintf(line, sizeof line, "%s", o->help);
        if (o->kind == OPT_VALUES)
            for (int v = 0; v < o->nvalues && len > 0 && (size_t)len < sizeof line; ++v)
                len += snprintf(line + len, sizeof line - (size_t)len, "%s%s %llu..%llu%s", v ? ", " : " [",
                                o->values[v].name, (unsigned long long)o->values[v].lo,
                                (unsigned long long)o->values[v].hi, v + 1 == o->nvalues ? "]" : "");
        print_wrapped(f, line, HELP_INDENT);
    }
    fprintf(f,
            "\nLimits: NUM_UTIL < NUM_FILES (at least one module); at most "
            "%u functions\nin total when every library has its maximum of "
            "3*AVG/2 functions.\n"
            "Exit status: 0 success, 1 file system error, 2 invalid "
            "arguments.\n",
            PYN_GEN_MAX_TOTAL_FUNCTIONS);
}

/* Checks that need every argument: run after the whole argv was read. */
static int validate(const pyn_gen_options *o, int npos, char *err, size_t errlen)
{
    if (npos < (int)NUM_POSITIONALS) {
        set_error(err, errlen,
                  "%s: missing (usage: pynamic-gen -o DIR NUM_FILES AVG_FUNCS "
                  "[options]; see --help)",
                  positionals[npos].name);
        return -EINVAL;
    }
    if (!o->out_dir) {
        set_error(err, errlen, "-o DIR: missing (the output directory is required)");
        return -EINVAL;
    }
    if (o->num_util >= o->num_files) {
        char allowed[160], given[32];
        size_t n = 0;
        pyn_opt_describe(PYN_OPT_VALUE_UNSIGNED, 1, o->num_files - 1, 0, 0, NULL, allowed, sizeof allowed);
        n = strlen(allowed);
        snprintf(allowed + n, sizeof allowed - n, " (fewer than NUM_FILES %llu, so that at least one module remains)",
                 (unsigned long long)o->num_files);
        snprintf(given, sizeof given, "%llu", (unsigned long long)o->num_util);
        pyn_opt_error("-u NUM_UTIL", given, allowed, err, errlen);
        return -ERANGE;
    }
    uint64_t mods = o->num_files - o->num_util;
    uint64_t mod_max = mods * (o->avg_funcs + o->avg_funcs / 2);
    uint64_t util_max = o->num_util * (o->avg_util + o->avg_util / 2);
    if (mod_max + util_max > PYN_GEN_MAX_TOTAL_FUNCTIONS) {
        if (mod_max >= util_max)
            set_error(err, errlen,
                      "AVG_FUNCS: '%llu' is too large for %llu modules: up to "
                      "%llu functions in total (allowed at most %u)",
                      (unsigned long long)o->avg_funcs, (unsigned long long)mods,
                      (unsigned long long)(mod_max + util_max), PYN_GEN_MAX_TOTAL_FUNCTIONS);
        else
            set_error(err, errlen,
                      "-u AVG_UTIL: '%llu' is too large for %llu utility "
                      "libraries: up to %llu functions in total (allowed at "
                      "most %u)",
                      (unsigned long long)o->avg_util, (unsigned long long)o->num_util,
                      (unsigned long long)(mod_max + util_max), PYN_GEN_MAX_TOTAL_FUNCTIONS);
        return -ERANGE;
    }
    return 0;
}

enum pyn_gen_parse_status pyn_gen_options_parse(int argc, char **argv, pyn_gen_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->depth = 10;
    o->seed = 1;
    o->jobs = 1;
    o->search_dirs = 1;
    int npos = 0;

    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        const opt_spec *opt = find_option(arg);
        if (!opt) {
            /* "-5" is a (bad) number, not an option. */
            int numeric = arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9';
            if (arg[0] == '-' && arg[1] != '\0' && !numeric) {
                set_error(err, errlen, "unknown option '%s' (see --help)", arg);
                return PYN_GEN_PARSE_ERROR;
            }
            if (npos >= (int)NUM_POSITIONALS) {
                set_error(err, errlen,
                          "unexpected argument '%s': only NUM_FILES and "
                          "AVG_FUNCS are positional (see --help)",
                          arg);
                return PYN_GEN_PARSE_ERROR;
            }
            const value_spec *v = &positionals[npos++];
            if (parse_value(arg, NULL, v, field_u64(o, v->field), err, errlen))
                return PYN_GEN_PARSE_ERROR;
            continue;
        }
        switch (opt->kind) {
        case OPT_HELP:
            print_help(stdout);
            return PYN_GEN_PARSE_DONE;
        case OPT_VERSION:
            printf("pynamic-gen %s\n", PYN_GEN_VERSION);
            return PYN_GEN_PARSE_DONE;
        case OPT_FLAG:
            *(int *)((char *)o + opt->field) = 1;
            break;
        case OPT_DIR:
            if (i + 1 >= argc) {
                set_error(err, errlen, "-o DIR: missing value (see --help)");
                return PYN_GEN_PARSE_ERROR;
            }
            o->out_dir = argv[++i];
            if (pyn_opt_parse_path("-o DIR", o->out_dir, err, errlen))
                return PYN_GEN_PARSE_ERROR;
            break;
        case OPT_TEXT:
        case OPT_ASSIGN: {
            const value_spec *vs = &opt->values[0];
            char label[64];
            snprintf(label, sizeof label, opt->kind == OPT_ASSIGN ? "%s%s" : "%s %s", opt->flag, vs->name);
            const char *text;
            if (opt->kind == OPT_TEXT) {
                if (i + 1 >= argc) {
                    set_error(err, errlen, "%s: missing value (allowed: %s)", label, vs->allowed);
                    return PYN_GEN_PARSE_ERROR;
                }
                text = argv[++i];
            } else {
                const char *eq = strchr(arg, '=');
                if (!eq) {
                    set_error(err, errlen, "%s: missing '=%s' (the original's syntax is %s, one argument)", label,
                              vs->name, label);
                    return PYN_GEN_PARSE_ERROR;
                }
                text = eq + 1;
            }
            int bad = opt->kind == OPT_TEXT ? pyn_opt_parse_path(label, text, err, errlen) : 0;
            if (!bad && text[0] == '\0') {
                pyn_opt_error(label, text, vs->allowed, err, errlen);
                bad = -EINVAL;
            }
            if (bad || check_text(label, text, err, errlen))
                return PYN_GEN_PARSE_ERROR;
            *(const char **)((char *)o + vs->field) = text;
            break;
        }
        case OPT_REST:
            /* As the original: everything after -c is pyMPI's, not ours. */
            for (int a = i + 1; a < argc; ++a) {
                char label[64];
                snprintf(label, sizeof label, "%s %s (argument %d)", opt->flag, opt->values[0].name, a - i);
                if (check_text(label, argv[a], err, errlen))
                    return PYN_GEN_PARSE_ERROR;
            }
            o->configure = 1;
            o->configure_args = argv + i + 1;
            o->nconfigure_args = argc - i - 1;
            i = argc;
            break;
        case OPT_VALUES:
            for (int v = 0; v < opt->nvalues; ++v) {
                const value_spec *vs = &opt->values[v];
                if (i + 1 >= argc) {
                    char allowed[128];
                    pyn_opt_describe(PYN_OPT_VALUE_UNSIGNED, vs->lo, vs->hi, 0, 0, NULL, allowed, sizeof allowed);
                    set_error(err, errlen, "%s %s: missing value (allowed: %s)", opt->flag, vs->name, allowed);
                    return PYN_GEN_PARSE_ERROR;
                }
                if (parse_value(argv[++i], opt, vs, field_u64(o, vs->field), err, errlen))
                    return PYN_GEN_PARSE_ERROR;
            }
            break;
        }
    }
    if (validate(o, npos, err, errlen))
        return PYN_GEN_PARSE_ERROR;
    return PYN_GEN_PARSE_RUN;
}

void pyn_gen_options_arguments(const pyn_gen_options *o, pyn_gen_buf *out)
{
    pyn_gen_buf_printf(out, "%llu %llu", (unsigned long long)o->num_files, (unsigned long long)o->avg_funcs);
    if (o->cross_module)
        pyn_gen_buf_puts(out, " -e");
    if (o->num_util)
        pyn_gen_buf_printf(out, " -u %llu %llu", (unsigned long long)o->num_util, (unsigned long long)o->avg_util);
    if (o->pad)
        pyn_gen_buf_printf(out, " -n %llu", (unsigned long long)o->pad);
    if (o->depth != 10)
        pyn_gen_buf_printf(out, " -d %llu", (unsigned long long)o->depth);
    pyn_gen_buf_printf(out, " -s %llu", (unsigned long long)o->seed);
    if (o->print)
        pyn_gen_buf_puts(out, " -p");
    if (o->search_dirs != 1)
        pyn_gen_buf_printf(out, " --search-dirs %llu", (unsigned long long)o->search_dirs);
    if (o->module_chain)
        pyn_gen_buf_puts(out, " --module-chain");
}
