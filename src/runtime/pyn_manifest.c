/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include "pyn_manifest.h"

#include "pyn_checksum.h"
#include "pyn_tool.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PYN_MANIFEST_SCHEMA 1

/* Field readers: each returns 0 or -EINVAL with a message naming the field. */
static int get_long(json_t *obj, const char *where, const char *key, long min, long *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < min) {
        pyn_format_middle(err, errlen, "%s.%s: missing or not an integer >= %ld", where, key, min);
        return -EINVAL;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static int get_string(json_t *obj, const char *where, const char *key, char **out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0) {
        pyn_format_middle(err, errlen, "%s.%s: missing or not a non-empty string", where, key);
        return -EINVAL;
    }
    *out = strdup(json_string_value(v));
    return *out ? 0 : -ENOMEM;
}

static int get_bool(json_t *obj, const char *where, const char *key, int *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_boolean(v)) {
        pyn_format_middle(err, errlen, "%s.%s: missing or not true/false", where, key);
        return -EINVAL;
    }
    *out = json_is_true(v);
    return 0;
}

static int get_hex64(json_t *obj, const char *where, const char *key, uint64_t *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    char *end = NULL;
    if (s && strncmp(s, "0x", 2) == 0 && s[2] != '\0') {
        errno = 0;
        unsigned long long x = strtoull(s + 2, &end, 16);
        if (errno == 0 && *end == '\0') {
            *out = (uint64_t)x;
            return 0;
        }
    }
    pyn_format_middle(err, errlen, "%s.%s: missing or not a hex string like \"0x0123456789abcdef\"", where, key);
    return -EINVAL;
}

static int parse_config(json_t *c, struct pyn_config *cfg, char *err, size_t errlen)
{
    long seed = 0;
    int rc = 0;
    if (!json_is_object(c)) {
        pyn_format_middle(err, errlen, "config: missing or not an object");
        return -EINVAL;
    }
    if ((rc = get_string(c, "config", "arguments", &cfg->arguments, err, errlen)) ||
        (rc = get_long(c, "config", "num_files", 1, &cfg->num_files, err, errlen)) ||
        (rc = get_long(c, "config", "avg_functions", 1, &cfg->avg_functions, err, errlen)) ||
        (rc = get_long(c, "config", "num_utilities", 0, &cfg->num_utilities, err, errlen)) ||
        (rc = get_long(c, "config", "avg_utility_functions", 0, &cfg->avg_utility_functions, err, errlen)) ||
        (rc = get_long(c, "config", "name_pad", 0, &cfg->name_pad, err, errlen)) ||
        (rc = get_long(c, "config", "depth", 1, &cfg->depth, err, errlen)) ||
        (rc = get_long(c, "config", "seed", 0, &seed, err, errlen)) ||
        (rc = get_bool(c, "config", "cross_module", &cfg->cross_module, err, errlen)) ||
        (rc = get_bool(c, "config", "print", &cfg->print, err, errlen)))
        return rc;
    cfg->module_chain = 0;
    if (json_object_get(c, "module_chain") &&
        (rc = get_bool(c, "config", "module_chain", &cfg->module_chain, err, errlen)))
        return rc;
    cfg->search_dirs = 1;
    if (json_object_get(c, "search_dirs") &&
        (rc = get_long(c, "config", "search_dirs", 1, &cfg->search_dirs, err, errlen)))
        return rc;
    cfg->seed = seed;
    return 0;
}

static int parse_role(json_t *l, const char *where, enum pyn_marker_role *role, char *err, size_t errlen)
{
    const char *s = json_string_value(json_object_get(l, "role"));
    if (s && strcmp(s, "begin") == 0)
        *role = PYN_MARKER_BEGIN;
    else if (s && strcmp(s, "final") == 0)
        *role = PYN_MARKER_FINAL;
    else {
        pyn_format_middle(err, errlen, "%s.role: missing or not \"begin\" or \"final\"", where);
        return -EINVAL;
    }
    return 0;
}

static int parse_library(json_t *l, size_t index, struct pyn_library *lib, char *err, size_t errlen)
{
    char where[48];
    char *kind = NULL;
    int rc = 0;
    snprintf(where, sizeof where, "libraries[%zu]", index);
    if (!json_is_object(l)) {
        pyn_format_middle(err, errlen, "%s: not an object", where);
        return -EINVAL;
    }
    if ((rc = get_string(l, where, "name", &lib->name, err, errlen)) ||
        (rc = get_string(l, where, "file", &lib->file, err, errlen)) ||
        (rc = get_string(l, where, "kind", &kind, err, errlen)))
        goto out;
    /* Markers have no generated _fn functions; every other library has some. */
    if ((rc = get_long(l, where, "functions", strcmp(kind, "marker") == 0 ? 0 : 1, &lib->functions, err, errlen)))
        goto out;
    /* The generator caps a tree at 20 million functions; a bound here keeps sums from overflowing. */
    if (lib->functions > 100000000L) {
        pyn_format_middle(err, errlen, "%s.functions: %ld is more than 100000000", where, lib->functions);
        rc = -EINVAL;
        goto out;
    }
    if (strchr(lib->file, '/')) {
        pyn_format_middle(err, errlen, "%s.file: '%s' must be a plain file name", where, lib->file);
        rc = -EINVAL;
    } else if (strcmp(kind, "utility") == 0) {
        lib->kind = PYN_LIBRARY_UTILITY;
    } else if (strcmp(kind, "module") == 0) {
        lib->kind = PYN_LIBRARY_MODULE;
        if ((rc = get_string(l, where, "entry", &lib->entry, err, errlen)) == 0)
            rc = get_hex64(l, where, "checksum", &lib->checksum, err, errlen);
    } else if (strcmp(kind, "marker") == 0) {
        lib->kind = PYN_LIBRARY_MARKER;
        if ((rc = get_string(l, where, "entry", &lib->entry, err, errlen)) == 0)
            rc = parse_role(l, where, &lib->role, err, errlen);
    } else {
        pyn_format_middle(err, errlen, "%s.kind: '%s' is not \"utility\", \"module\" or \"marker\"", where, kind);
        rc = -EINVAL;
    }
out:
    free(kind);
    return rc;
}

/* Cross-checks that keep a damaged or hand-edited manifest from producing a
 * run that "passes" against the wrong expectations. */
static int check_consistency(struct pyn_manifest *m, json_t *totals, char *err, size_t errlen)
{
    long libraries, utilities, modules, functions, sum = 0;
    int rc;
    if (!json_is_object(totals)) {
        pyn_format_middle(err, errlen, "totals: missing or not an object");
        return -EINVAL;
    }
    if ((rc = get_long(totals, "totals", "libraries", 1, &libraries, err, errlen)) ||
        (rc = get_long(totals, "totals", "utilities", 0, &utilities, err, errlen)) ||
        (rc = get_long(totals, "totals", "modules", 1, &modules, err, errlen)) ||
        (rc = get_long(totals, "totals", "functions", 1, &functions, err, errlen)))
        return rc;
    /* Markers came later to schema 1: a manifest without them has none. */
    long markers = 0;
    if (json_object_get(totals, "markers") && (rc = get_long(totals, "totals", "markers", 0, &markers, err, errlen)))
        return rc;
    if ((size_t)markers != m->nmarkers) {
        pyn_format_middle(err, errlen, "totals.markers: %ld, but the libraries list %zu of kind \"marker\"", markers,
                          m->nmarkers);
        return -EINVAL;
    }
    for (size_t i = 0; i < m->nmarkers; ++i)
        for (size_t j = 0; j < i; ++j)
            if (m->markers[i].role == m->markers[j].role) {
                pyn_format_middle(err, errlen, "libraries: markers %s and %s have the same role", m->markers[j].name,
                                  m->markers[i].name);
                return -EINVAL;
            }
    for (size_t i = 0; i < m->nlibraries; ++i)
        sum += m->libraries[i].functions;
    if ((size_t)libraries != m->nlibraries || (size_t)utilities != m->nutilities || (size_t)modules != m->nmodules ||
        libraries != m->config.num_files || utilities != m->config.num_utilities) {
        snprintf(
            err, errlen,
            "totals: %ld libraries (%ld utility, %ld module) disagree with the %zu listed (%zu utility, %zu module) "
            "or with config num_files %ld / num_utilities %ld",
            libraries, utilities, modules, m->nlibraries, m->nutilities, m->nmodules, m->config.num_files,
            m->config.num_utilities);
        return -EINVAL;
    }
    if (sum != functions) {
        pyn_format_middle(err, errlen, "totals.functions: %ld, but the libraries list %ld", functions, sum);
        return -EINVAL;
    }
    uint64_t total = PYN_CHECKSUM_INIT;
    for (size_t i = 0; i < m->nmodules; ++i)
        total = pyn_mix(total, m->modules[i]->checksum);
    if (total != m->expected_checksum) {
        pyn_format_middle(err, errlen,
                          "expected_checksum: 0x%016" PRIx64 ", but the module checksums fold to 0x%016" PRIx64,
                          m->expected_checksum, total);
        return -EINVAL;
    }
    return 0;
}

int pyn_manifest_parse(const char *text, size_t len, const char *origin, struct pyn_manifest **out, char *err,
                       size_t errlen)
{
    char detail[400] = "";
    int rc = 0;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    struct pyn_manifest *m = calloc(1, sizeof *m);
    if (!m) {
        json_decref(root);
        pyn_format_middle(err, errlen, "manifest %s: out of memory", origin);
        return -ENOMEM;
    }
    if (!root) {
        snprintf(detail, sizeof detail, "line %d: %s", jerr.line, jerr.text);
        rc = -EINVAL;
        goto out;
    }
    long schema = 0;
    json_t *gen = json_object_get(root, "generator");
    if ((rc = get_long(root, "manifest", "schema_version", 0, &schema, detail, sizeof detail)))
        goto out;
    if (schema != PYN_MANIFEST_SCHEMA) {
        snprintf(detail, sizeof detail, "schema_version %ld is not supported (this runtime reads %d)", schema,
                 PYN_MANIFEST_SCHEMA);
        rc = -EINVAL;
        goto out;
    }
    m->schema_version = (int)schema;
    if ((rc = get_string(json_is_object(gen) ? gen : root, "generator", "version", &m->generator_version, detail,
                         sizeof detail)) ||
        (rc = parse_config(json_object_get(root, "config"), &m->config, detail, sizeof detail)) ||
        (rc = get_hex64(root, "manifest", "expected_checksum", &m->expected_checksum, detail, sizeof detail)))
        goto out;
    json_t *libs = json_object_get(root, "libraries");
    if (!json_is_array(libs) || json_array_size(libs) == 0) {
        snprintf(detail, sizeof detail, "libraries: missing or empty");
        rc = -EINVAL;
        goto out;
    }
    size_t nlisted = json_array_size(libs);
    m->libraries = calloc(nlisted, sizeof *m->libraries);
    m->modules = calloc(nlisted, sizeof *m->modules);
    m->markers = calloc(nlisted, sizeof *m->markers);
    if (!m->libraries || !m->modules || !m->markers) {
        rc = -ENOMEM;
        snprintf(detail, sizeof detail, "out of memory");
        goto out;
    }
    /* Markers go to their own array, so libraries holds exactly the NUM_FILES
     * utility and module libraries. */
    for (size_t i = 0; i < nlisted; ++i) {
        struct pyn_library lib = {0};
        rc = parse_library(json_array_get(libs, i), i, &lib, detail, sizeof detail);
        if (rc == 0 && lib.kind == PYN_LIBRARY_MARKER)
            m->markers[m->nmarkers++] = lib;
        else if (rc == 0)
            m->libraries[m->nlibraries++] = lib;
        if (rc) {
            free(lib.name);
            free(lib.file);
            free(lib.entry);
            goto out;
        }
    }
    for (size_t i = 0; i < m->nlibraries; ++i) {
        struct pyn_library *lib = &m->libraries[i];
        if (lib->kind == PYN_LIBRARY_MODULE)
            m->modules[m->nmodules++] = lib;
        else
            m->nutilities++;
    }
    m->total_functions = 0;
    for (size_t i = 0; i < m->nlibraries; ++i)
        m->total_functions += m->libraries[i].functions;
    rc = check_consistency(m, json_object_get(root, "totals"), detail, sizeof detail);
out:
    json_decref(root);
    if (rc) {
        pyn_format_middle(err, errlen, "manifest %s: %s", origin, detail);
        /* Field values are echoed: a string holding a newline must not break the one-line message. */
        pyn_escape_controls(err, errlen);
        pyn_manifest_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

const struct pyn_library *pyn_manifest_marker(const struct pyn_manifest *m, enum pyn_marker_role role)
{
    for (size_t i = 0; i < m->nmarkers; ++i)
        if (m->markers[i].role == role)
            return &m->markers[i];
    return NULL;
}

static void free_libraries(struct pyn_library *libs, size_t n)
{
    for (size_t i = 0; i < n && libs; ++i) {
        free(libs[i].name);
        free(libs[i].file);
        free(libs[i].entry);
    }
    free(libs);
}

void pyn_manifest_free(struct pyn_manifest *m)
{
    if (!m)
        return;
    free_libraries(m->libraries, m->nlibraries);
    free_libraries(m->markers, m->nmarkers);
    free(m->modules);
    free(m->config.arguments);
    free(m->generator_version);
    free(m);
}
