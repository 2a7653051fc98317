/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the runtime's table-driven option parser (every mode's
 * command line, on every rank), with tables shaped like the real ones:
 * string and path options, flags, a choice pair sharing one setting, and
 * the typed kinds (unsigned, double, size, enum) with ranges and defaults.
 *
 * Input: the arguments after the program name, one per line. Beyond "no
 * crash, no undefined behaviour": an error is one non-empty line; on
 * success every string option is unset or points into argv, positionals
 * are argv elements in order and within the limit, every typed value is
 * within its range, and the effective configuration reports each setting
 * exactly once with a valid value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_argv.h"
#include "pyn_options.h"

#define MAX_ARGS 64
#define MAX_POSITIONAL 1

static const char *json, *csv, *launch, *manifest, *libdir;
static int help, version, binding, when;
static uint64_t depth, chunk;
static double interval;
static const char *depth_text, *chunk_text;
static const char *const when_names[] = {"auto", "always", "never", NULL};

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_run_options: %s: %s\n", what, detail ? detail : "");
    abort();
}

static int points_into(const char *value, char **argv, int argc)
{
    for (int i = 0; i < argc; ++i)
        if (value >= argv[i] && value <= argv[i] + strlen(argv[i]))
            return 1;
    return 0;
}

struct seen {
    int binding, json, typed;
};

static void each(const char *key, const char *value, void *ctx)
{
    struct seen *s = ctx;
    if (strcmp(key, "binding") == 0) {
        s->binding++;
        if (!value || (strcmp(value, "now") != 0 && strcmp(value, "lazy") != 0))
            fail("binding reported with a value that is not a choice", value);
    } else if (strcmp(key, "json") == 0) {
        s->json++;
    } else if (strcmp(key, "depth") == 0 || strcmp(key, "chunk") == 0 || strcmp(key, "interval") == 0 ||
               strcmp(key, "when") == 0) {
        s->typed++;
        if (!value || !*value)
            fail("a typed setting reported without a value", key);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct pyn_option common[] = {
        PYN_OPTION_PATH("--json", "FILE", &json, "json", "report"),
        PYN_OPTION_PATH("--csv", "FILE", &csv, "csv", "rows"),
        PYN_OPTION_STRING("--launch-time", "T", &launch, "launch_time", "launch time"),
        PYN_OPTION_PATH("--manifest", "FILE", &manifest, "manifest", "manifest"),
        PYN_OPTION_PATH("--lib-dir", "DIR", &libdir, "library_dir", "libraries"),
        PYN_OPTION_UNSIGNED("--search-depth", "N", &depth, 0, 10000, NULL, "depth", "depth", .def = "2",
                            .text = &depth_text),
        PYN_OPTION_SIZE("--stage-chunk", "SIZE", &chunk, 4096, 1u << 30, "chunk", "chunk", .def = "64M",
                        .text = &chunk_text),
        PYN_OPTION_DOUBLE("--progress-interval", "S", &interval, 0, 86400, "seconds", "interval", "interval",
                          .def = "0.5"),
        PYN_OPTION_ENUM("--progress", "WHEN", &when, when_names, "when", "when", .def = "auto"),
        PYN_OPTION_FLAG("--help", &help, NULL, "help"),
        PYN_OPTION_FLAG("--version", &version, NULL, "version"),
        PYN_OPTIONS_END,
    };
    const struct pyn_option mode[] = {
        PYN_OPTION_CHOICE("--now", &binding, 0, "binding", "RTLD_NOW"),
        PYN_OPTION_CHOICE("--lazy", &binding, 1, "binding", "RTLD_LAZY"),
        PYN_OPTIONS_END,
    };
    const struct pyn_option *const tables[] = {common, mode, NULL};
    json = csv = launch = manifest = libdir = NULL;
    help = version = binding = 0;
    when = -1;
    depth = chunk = UINT64_MAX;
    interval = -1;
    depth_text = chunk_text = NULL;

    char *argv[MAX_ARGS + 1], *text = NULL;
    int argc = fuzz_argv(data, size, "pynamic-mode-dlopen", argv, MAX_ARGS, &text);

    const char *positional[MAX_POSITIONAL];
    size_t npos = 0;
    char err[512];
    memset(err, 'x', sizeof err);
    if (pyn_options_parse(tables, argc, argv, positional, MAX_POSITIONAL, &npos, err, sizeof err) != 0) {
        size_t n = strnlen(err, sizeof err);
        if (n == 0 || n == sizeof err)
            fail("error message empty or not terminated", NULL);
        if (strchr(err, '\n') || strchr(err, '\r'))
            fail("error message is not one line", err);
    } else {
        if (npos > MAX_POSITIONAL)
            fail("more positionals than allowed", NULL);
        for (size_t i = 0; i < npos; ++i)
            if (!points_into(positional[i], argv, argc))
                fail("a positional that is not an argument", NULL);
        const char *strings[] = {json, csv, launch, manifest, libdir};
        for (size_t i = 0; i < sizeof strings / sizeof strings[0]; ++i)
            if (strings[i] && (!*strings[i] || !points_into(strings[i], argv, argc)))
                fail("a string option that is empty or not from argv", strings[i]);
        if (binding != 0 && binding != 1)
            fail("binding is not one of its choices", NULL);
        if (depth > 10000 || chunk < 4096 || chunk > (1u << 30) || !(interval >= 0 && interval <= 86400) || when < 0 ||
            when > 2)
            fail("a typed value outside its range", NULL);
        if (!depth_text || !chunk_text || (strcmp(depth_text, "2") != 0 && !points_into(depth_text, argv, argc)))
            fail("a typed option's text is neither its default nor from argv", depth_text);
        struct seen s = {0, 0, 0};
        pyn_options_each_setting(tables, each, &s);
        if (s.binding != 1 || s.json != 1 || s.typed != 4)
            fail("a setting reported other than once", NULL);
        FILE *devnull = fopen("/dev/null", "w");
        if (devnull) {
            pyn_options_print_help(tables, NULL, devnull);
            fclose(devnull);
        }
    }
    free(text);
    return 0;
}
