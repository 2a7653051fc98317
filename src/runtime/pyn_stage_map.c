/* SPDX-License-Identifier: BSD-3-Clause */
/* The path cache's text (pyn_stage_map.h). */
#define _GNU_SOURCE
#include "pyn_stage_map.h"

#include "pyn_tool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pyn_stage_error(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    /* A long path loses its middle, never the cause at the end. */
    va_list ap;
    va_start(ap, fmt);
    pyn_vformat_middle(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

#define fail pyn_stage_error

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct pyn_stage_file *)a)->name, ((const struct pyn_stage_file *)b)->name);
}

int pyn_stage_files_list(const struct pyn_manifest *m, struct pyn_stage_file **files, size_t *nfiles)
{
    size_t n = m->nlibraries + m->nmarkers;
    struct pyn_stage_file *f = calloc(n ? n : 1, sizeof *f);
    if (!f)
        return -ENOMEM;
    for (size_t i = 0; i < m->nlibraries; ++i)
        f[i].name = m->libraries[i].file;
    for (size_t i = 0; i < m->nmarkers; ++i)
        f[m->nlibraries + i].name = m->markers[i].file;
    qsort(f, n, sizeof *f, cmp_file);
    *files = f;
    *nfiles = n;
    return 0;
}

void pyn_stage_files_free(struct pyn_stage_file *files, size_t nfiles)
{
    for (size_t i = 0; files && i < nfiles; ++i)
        free(files[i].path);
    free(files);
}

struct pyn_stage_file *pyn_stage_files_find(struct pyn_stage_file *files, size_t nfiles, const char *name)
{
    if (!files)
        return NULL;
    struct pyn_stage_file key = {name, NULL};
    return bsearch(&key, files, nfiles, sizeof key, cmp_file);
}

/* The next line of text, terminated in place, or NULL at the end. A final
 * newline ends the last line; it does not start an empty one. */
static char *next_line(char **cursor)
{
    char *line = *cursor;
    if (!*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = line + strlen(line);
    }
    return line;
}

/* Checks map text against the manifest and fills files[].path. origin
 * names it in messages (a pilot map's file). Rank 0 checks before the
 * broadcast, so every rank parses text known to be good. Messages quote
 * the text only once it is known to hold no control character, and name
 * lines by their number in the file (empty lines count, and are refused). */
int pyn_stage_map_parse(char *text, const struct pyn_manifest *m, struct pyn_stage_file *files, size_t nfiles,
                        const char *origin, char *err, size_t errlen)
{
    char *cursor = text, *line = next_line(&cursor);
    long long seed = 0;
    size_t listed = 0;
    if (!line || strcmp(line, PYN_STAGE_MAP_HEADER) != 0)
        return fail(err, errlen, -EINVAL, "stage: %s: line 1: not a pynamic path cache (expected '%s')", origin,
                    PYN_STAGE_MAP_HEADER);
    /* Exactly as a cache run writes it: no sign, no leading zeros, single spaces, nothing after. */
    line = next_line(&cursor);
    char canonical[96] = "";
    if (line && sscanf(line, "seed %lld files %zu", &seed, &listed) == 2)
        snprintf(canonical, sizeof canonical, "seed %lld files %zu", seed, listed);
    if (!line || strcmp(line, canonical) != 0)
        return fail(err, errlen, -EINVAL, "stage: %s: line 2: expected 'seed S files N'", origin);
    if (seed != m->config.seed || listed != nfiles)
        return fail(err, errlen, -EINVAL,
                    "stage: %s was recorded for seed %lld with %zu files; this manifest has seed %lld and %zu: "
                    "record it again with --stage cache --pilot-map",
                    origin, seed, listed, m->config.seed, nfiles);
    for (int lineno = 3; (line = next_line(&cursor)) != NULL; ++lineno) {
        if (!*line)
            return fail(err, errlen, -EINVAL, "stage: %s: line %d: empty line", origin, lineno);
        char *tab = strchr(line, '\t');
        if (!tab)
            return fail(err, errlen, -EINVAL, "stage: %s: line %d: expected 'FILE<tab>PATH'", origin, lineno);
        *tab = '\0';
        const char *path = tab + 1, *base = strrchr(path, '/');
        if (pyn_has_controls(line) || pyn_has_controls(path))
            return fail(err, errlen, -EINVAL, "stage: %s: line %d: holds a control character", origin, lineno);
        struct pyn_stage_file *f = pyn_stage_files_find(files, nfiles, line);
        if (!f)
            return fail(err, errlen, -EINVAL, "stage: %s: line %d: '%.128s' is not a file of this manifest", origin,
                        lineno, line);
        if (f->path)
            return fail(err, errlen, -EINVAL, "stage: %s: line %d: %.128s is listed twice", origin, lineno, line);
        if (path[0] != '/' || !base || strcmp(base + 1, line) != 0)
            return fail(err, errlen, -EINVAL, "stage: %s: line %d: '%.256s' is not an absolute path ending in /%s",
                        origin, lineno, path, line);
        if (!(f->path = strdup(path)))
            return fail(err, errlen, -ENOMEM, "stage: out of memory");
    }
    /* The header's count matched and nothing was listed twice: a file not listed is the only way left to fail. */
    for (size_t i = 0; i < nfiles; ++i)
        if (!files[i].path)
            return fail(err, errlen, -EINVAL, "stage: %s does not list %s, a file of this manifest", origin,
                        files[i].name);
    return 0;
}
