/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: pynamic-gen's command line (and so every preset's
 * PYNAMIC_CONFIG, which CMake splits into it).
 *
 * Input: the arguments after "pynamic-gen", one per line (an empty line is
 * an empty argument). Properties checked, beyond "no crash, no leak, no
 * undefined behaviour" (ASan + UBSan):
 *   - an error is exactly one non-empty line;
 *   - a valid command line's normalised argument string (what the manifest
 *     records) parses back to the same configuration and normalises to
 *     itself;
 *   - for trees small enough to model here, the manifest the generator
 *     would write is accepted by the runtime's manifest parser with the
 *     same counts and checksum (generator and runtime agree on every
 *     manifest the generator can produce);
 *   - every argument, written as a CMake bracket argument the way
 *     targets.cmake records the build options (-i, --with-*, -c), reads
 *     back as exactly itself: the first closing bracket CMake would find is
 *     the one written after it;
 *   - an accepted command line's build-option strings hold no control
 *     character. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_argv.h"
#include "gen_buf.h"
#include "gen_cmake.h"
#include "gen_manifest.h"
#include "gen_model.h"
#include "gen_options.h"
#include "gen_predict.h"
#include "pyn_checksum.h"
#include "pyn_manifest.h"

#define MAX_ARGS 64
/* Larger trees are valid but too slow to model in a fuzzing loop. */
#define MAX_MODELLED_FUNCTIONS 3000u

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_gen_options: %s: %s\n", what, detail ? detail : "");
    abort();
}

static void check_one_line(const char *err, size_t cap)
{
    size_t n = strnlen(err, cap);
    if (n == cap)
        fail("error message not NUL-terminated", NULL);
    if (n == 0)
        fail("empty error message", NULL);
    if (strchr(err, '\n') || strchr(err, '\r'))
        fail("error message is not one line", err);
}

/* Splits text at spaces into argv (the normalised string has single spaces). */
static int split_spaces(char *text, char **argv, int max)
{
    int argc = 0;
    for (char *tok = strtok(text, " "); tok && argc < max; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    return argc;
}

static int same_tree(const pyn_gen_options *a, const pyn_gen_options *b)
{
    return a->num_files == b->num_files && a->avg_funcs == b->avg_funcs && a->num_util == b->num_util &&
           a->avg_util == b->avg_util && a->pad == b->pad && a->depth == b->depth && a->seed == b->seed &&
           a->cross_module == b->cross_module && a->print == b->print;
}

static void check_round_trip(const pyn_gen_options *o, const char *normalised)
{
    char copy[512], err[512];
    char *argv[MAX_ARGS];
    if (strlen(normalised) >= sizeof copy)
        fail("normalised arguments too long", normalised);
    strcpy(copy, normalised);
    argv[0] = "pynamic-gen";
    argv[1] = "-o";
    argv[2] = "out";
    int argc = 3 + split_spaces(copy, argv + 3, MAX_ARGS - 3);
    pyn_gen_options again;
    if (pyn_gen_options_parse(argc, argv, &again, err, sizeof err) != PYN_GEN_PARSE_RUN)
        fail("normalised arguments do not parse", normalised);
    if (!same_tree(o, &again))
        fail("normalised arguments parse to another tree", normalised);
    pyn_gen_buf b;
    pyn_gen_buf_init(&b);
    pyn_gen_options_arguments(&again, &b);
    if (pyn_gen_buf_failed(&b) || strcmp(b.data, normalised) != 0)
        fail("normalising twice changes the string", normalised);
    pyn_gen_buf_free(&b);
}

/* Reads a bracket argument as CMake does ("[" '='* "[", then everything up
 * to the first "]" '='* "]" with as many '='), independently of how the
 * writer chose the '=' count. */
static void check_bracket(const char *text)
{
    pyn_gen_buf b;
    pyn_gen_buf_init(&b);
    pyn_gen_cmake_bracket(text, &b);
    if (pyn_gen_buf_failed(&b)) {
        pyn_gen_buf_free(&b);
        return;
    }
    const char *p = b.data;
    if (*p++ != '[')
        fail("bracket argument does not open with '['", b.data);
    size_t neq = strspn(p, "=");
    p += neq;
    if (*p++ != '[')
        fail("bracket argument: no second '['", b.data);
    const char *body = p, *close = NULL;
    for (const char *q = strchr(body, ']'); q; q = strchr(q + 1, ']'))
        if (strspn(q + 1, "=") >= neq && q[1 + neq] == ']') {
            close = q;
            break;
        }
    if (!close)
        fail("bracket argument never closes", b.data);
    if ((size_t)(close - body) != strlen(text) || strncmp(body, text, strlen(text)) != 0 || close[2 + neq] != '\0')
        fail("bracket argument does not read back as its text", b.data);
    pyn_gen_buf_free(&b);
}

static void check_printable(const char *what, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; text && *c; ++c)
        if (*c < 0x20 || *c == 0x7f)
            fail("accepted a control character in a build option", what);
}

/* What gen_main.c does before writing: model, predict, describe. */
static void check_manifest(const pyn_gen_options *o, const char *arguments)
{
    pyn_gen_model m;
    pyn_gen_predictor *p = NULL;
    if (pyn_gen_model_init(&m, o) != 0)
        return; /* out of memory: not a defect */
    uint64_t *sums = malloc(sizeof *sums * (m.nmod ? m.nmod : 1));
    if (sums && pyn_gen_predictor_create(&m, &p) == 0) {
        uint64_t total = PYN_CHECKSUM_INIT;
        for (uint32_t i = 0; i < m.nmod; ++i) {
            sums[i] = pyn_gen_predict_module(p, i);
            total = pyn_mix(total, sums[i]);
        }
        pyn_gen_buf text;
        pyn_gen_buf_init(&text);
        pyn_gen_manifest(&m, o, arguments, sums, total, &text);
        if (!pyn_gen_buf_failed(&text)) {
            struct pyn_manifest *parsed = NULL;
            char err[1024];
            if (pyn_manifest_parse(text.data, text.len, "generated", &parsed, err, sizeof err) != 0)
                fail("the runtime rejects the generator's manifest", err);
            if (parsed->nlibraries != m.nlibs || parsed->nutilities != m.nutil || parsed->nmodules != m.nmod ||
                (uint64_t)parsed->total_functions != m.total_functions || parsed->expected_checksum != total ||
                strcmp(parsed->config.arguments, arguments) != 0)
                fail("the runtime reads the generator's manifest differently", arguments);
            for (uint32_t i = 0; i < m.nmod; ++i)
                if (parsed->modules[i]->checksum != sums[i])
                    fail("a module checksum differs after parsing", parsed->modules[i]->name);
            pyn_manifest_free(parsed);
        }
        pyn_gen_buf_free(&text);
    }
    pyn_gen_predictor_destroy(p);
    free(sums);
    pyn_gen_model_destroy(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *argv[MAX_ARGS + 1], *text = NULL;
    int argc = fuzz_argv(data, size, "pynamic-gen", argv, MAX_ARGS, &text);

    pyn_gen_options o;
    char err[512];
    memset(err, 'x', sizeof err);
    err[sizeof err - 1] = '\0';
    enum pyn_gen_parse_status st = pyn_gen_options_parse(argc, argv, &o, err, sizeof err);
    /* (An argument never holds a newline, which CMake would drop right after
     * the opening bracket: fuzz_argv splits the input there.) */
    for (int i = 1; i < argc; ++i)
        check_bracket(argv[i]);
    if (st == PYN_GEN_PARSE_ERROR) {
        check_one_line(err, sizeof err);
    } else if (st == PYN_GEN_PARSE_RUN) {
        if (o.num_util >= o.num_files || o.depth == 0 || !o.out_dir)
            fail("accepted an invalid configuration", NULL);
        check_printable("-i", o.include_dir);
        check_printable("--with-cc=", o.with_cc);
        check_printable("--with-python=", o.with_python);
        for (int i = 0; i < o.nconfigure_args; ++i)
            check_printable("-c", o.configure_args[i]);
        pyn_gen_buf args;
        pyn_gen_buf_init(&args);
        pyn_gen_options_arguments(&o, &args);
        if (!pyn_gen_buf_failed(&args)) {
            check_round_trip(&o, args.data);
            uint64_t most = (o.num_files - o.num_util) * (o.avg_funcs + o.avg_funcs / 2) +
                            o.num_util * (o.avg_util + o.avg_util / 2);
            if (most <= MAX_MODELLED_FUNCTIONS)
                check_manifest(&o, args.data);
        }
        pyn_gen_buf_free(&args);
    }
    free(text);
    return 0;
}
