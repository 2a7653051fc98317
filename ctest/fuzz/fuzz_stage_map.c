/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the path cache's parser (rank 0 reads the file --stage
 * pilot --pilot-map names, checks it with pyn_stage_map_parse, broadcasts
 * it, and every rank loads the generated files by the paths it holds).
 *
 * The manifest is fixed (a 4-library tree with one utility, seed 1: six
 * files with the markers), parsed once; the input is the map text. Beyond
 * "no crash, no leak, no undefined behaviour": an error is one non-empty
 * line that names the map and holds no control character; an accepted map
 * gives every file of the manifest exactly one absolute path that ends in
 * /FILE and holds no control character, its text has exactly one line per
 * file after the two header lines, and the same paths written back in the
 * format a cache run writes parse to the same paths. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyn_manifest.h"
#include "pyn_stage_map.h"

#define ORIGIN "fuzz/pilot.map"

static const char manifest_text[] =
    "{\"schema_version\": 1, \"generator\": {\"name\": \"pynamic-gen\", \"version\": \"0.1.0\"},\n"
    " \"config\": {\"arguments\": \"4 10 -u 1 10 -s 1\", \"num_files\": 4, \"avg_functions\": 10,\n"
    "  \"num_utilities\": 1, \"avg_utility_functions\": 10, \"name_pad\": 0, \"depth\": 10, \"seed\": 1,\n"
    "  \"cross_module\": false, \"print\": false},\n"
    " \"totals\": {\"libraries\": 4, \"utilities\": 1, \"modules\": 3, \"markers\": 2, \"functions\": 38},\n"
    " \"expected_checksum\": \"0xf79f877d5bf26b7c\",\n"
    " \"libraries\": [\n"
    "  {\"name\": \"libutility0\", \"file\": \"libutility0.so\", \"kind\": \"utility\", \"functions\": 9, \"needed\": []},\n"
    "  {\"name\": \"libmodule0\", \"file\": \"libmodule0.so\", \"kind\": \"module\", \"functions\": 6,\n"
    "   \"entry\": \"libmodule0_entry\", \"checksum\": \"0xcd8fada44ea0fd3d\", \"needed\": [\"libutility0\"]},\n"
    "  {\"name\": \"libmodule1\", \"file\": \"libmodule1.so\", \"kind\": \"module\", \"functions\": 15,\n"
    "   \"entry\": \"libmodule1_entry\", \"checksum\": \"0xf7cd904c83916a55\", \"needed\": [\"libutility0\"]},\n"
    "  {\"name\": \"libmodule2\", \"file\": \"libmodule2.so\", \"kind\": \"module\", \"functions\": 8,\n"
    "   \"entry\": \"libmodule2_entry\", \"checksum\": \"0xcdb54168045f9a33\", \"needed\": [\"libutility0\"]},\n"
    "  {\"name\": \"libmodulebegin\", \"file\": \"libmodulebegin.so\", \"kind\": \"marker\", \"role\": \"begin\",\n"
    "   \"functions\": 0, \"entry\": \"libmodulebegin_marker\", \"needed\": []},\n"
    "  {\"name\": \"libmodulefinal\", \"file\": \"libmodulefinal.so\", \"kind\": \"marker\", \"role\": \"final\",\n"
    "   \"functions\": 0, \"entry\": \"libmodulefinal_marker\", \"needed\": []}]}\n";

static struct pyn_manifest *manifest;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_stage_map: %s: %s\n", what, detail ? detail : "");
    abort();
}

static int has_control(const char *s)
{
    for (; *s; ++s)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[1024];
    if (pyn_manifest_parse(manifest_text, sizeof manifest_text - 1, "fuzz/manifest.json", &manifest, err, sizeof err))
        fail("the fixed manifest does not parse", err);
    if (manifest->nlibraries + manifest->nmarkers != 6 || manifest->config.seed != 1)
        fail("the fixed manifest is not the 6-file tree of seed 1", NULL);
    return 0;
}

/* The canonical text of an accepted map: what a cache run writes. */
static char *write_back(const struct pyn_stage_file *files, size_t n)
{
    size_t cap = 64;
    for (size_t i = 0; i < n; ++i)
        cap += strlen(files[i].name) + strlen(files[i].path) + 2;
    char *out = malloc(cap);
    if (!out)
        fail("out of memory", NULL);
    size_t len = (size_t)snprintf(out, cap, PYN_STAGE_MAP_HEADER "\nseed %lld files %zu\n", manifest->config.seed, n);
    for (size_t i = 0; i < n; ++i)
        len += (size_t)snprintf(out + len, cap - len, "%s\t%s\n", files[i].name, files[i].path);
    return out;
}

static void check_accepted(const char *input, struct pyn_stage_file *files, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        const char *p = files[i].path, *base = p ? strrchr(p, '/') : NULL;
        if (!p)
            fail("accepted a map without a path for", files[i].name);
        if (p[0] != '/' || !base || strcmp(base + 1, files[i].name) != 0)
            fail("accepted a path that is not absolute or does not end in the file's name", p);
        if (has_control(p))
            fail("accepted a path with a control character", files[i].name);
    }
    /* The input is the canonical text, its entries in any order, the last newline optional: nothing else. */
    char *text = write_back(files, n);
    size_t len = strlen(input);
    size_t found_n = 0;
    unsigned used = 0; /* canonical lines matched, one bit each (n + 2 <= 8) */
    const char *line = input;
    for (int lineno = 1; line < input + len; ++lineno) {
        const char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        int match = 0;
        const char *c = text;
        for (int k = 1; *c; ++k) {
            const char *cnl = strchr(c, '\n');
            if ((size_t)(cnl - c) == ll && memcmp(c, line, ll) == 0 && (lineno <= 2 ? k == lineno : k > 2))
                match = k;
            c = cnl + 1;
        }
        if (!match || (used & (1u << match)))
            fail("accepted a line that is not in the canonical text at its place, or twice", NULL);
        used |= 1u << match;
        found_n++;
        line += ll + (nl ? 1 : 0);
    }
    if (found_n != n + 2)
        fail("accepted a map whose line count is not two plus one per file", NULL);
    /* Round trip: the canonical text of these paths parses to the same paths. */
    struct pyn_stage_file *again = NULL;
    size_t m = 0;
    char err[1024];
    if (pyn_stage_files_list(manifest, &again, &m) || m != n)
        fail("pyn_stage_files_list", NULL);
    if (pyn_stage_map_parse(text, manifest, again, m, ORIGIN, err, sizeof err))
        fail("the canonical text of an accepted map is refused", err);
    for (size_t i = 0; i < n; ++i)
        if (strcmp(again[i].name, files[i].name) != 0 || strcmp(again[i].path, files[i].path) != 0)
            fail("the canonical text parses to other paths", files[i].name);
    pyn_stage_files_free(again, m);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Rank 0 refuses text with a NUL byte before parsing: the parser sees C strings. */
    if (memchr(data, '\0', size))
        return 0;
    char *text = malloc(size + 1), *input = malloc(size + 1);
    if (!text || !input)
        fail("out of memory", NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    memcpy(input, text, size + 1);
    struct pyn_stage_file *files = NULL;
    size_t n = 0;
    if (pyn_stage_files_list(manifest, &files, &n) || n != 6)
        fail("pyn_stage_files_list", NULL);
    char err[1024];
    memset(err, 'x', sizeof err);
    int rc = pyn_stage_map_parse(text, manifest, files, n, ORIGIN, err, sizeof err);
    if (rc == 0) {
        check_accepted(input, files, n);
    } else {
        if (rc != -EINVAL && rc != -ENOMEM)
            fail("an error other than -EINVAL or -ENOMEM", NULL);
        size_t len = strnlen(err, sizeof err);
        if (len == sizeof err || len == 0)
            fail("error message empty or not terminated", NULL);
        if (rc == -EINVAL && strncmp(err, "stage: " ORIGIN, strlen("stage: " ORIGIN)) != 0)
            fail("error message does not name the map", err);
        if (has_control(err))
            fail("error message is not one line of printable text", err);
    }
    pyn_stage_files_free(files, n);
    free(text);
    free(input);
    return 0;
}
