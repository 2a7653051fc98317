/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include "pyn_loader.h"

#include "pyn_elf_check.h"
#include "pyn_fs.h"
#include "pyn_ld_search.h"
#include "pyn_tool.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *pyn_loader_path(const char *dir, const char *file)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, file) < 0)
        return NULL;
    return path;
}

/* ld.so's messages for a library it passed over: while searching it skips
 * a candidate it cannot open or of another class or machine, and opening a
 * path of another machine it says "No such file or directory" too. */
static const char *const skipped_tails[] = {": cannot open shared object file", ": wrong ELF class"};

/* Most candidates the explanation looks at: a bound on the work done on
 * the error path, whatever LD_LIBRARY_PATH holds. */
#define EXPLAIN_CANDIDATES_MAX 32

/* Appends what is wrong with each file ld.so would have tried for name
 * before giving up, in its order. Stops at a file that looks loadable:
 * ld.so would have taken it. */
static void explain_search(char *err, size_t errlen, const char *name, const char *library_dir)
{
    struct pyn_ld_candidate c[EXPLAIN_CANDIDATES_MAX];
    int more = 0;
    int n = pyn_ld_search_candidates(name, library_dir, "/etc/ld.so.cache", c, EXPLAIN_CANDIDATES_MAX, &more);
    if (n < 0)
        return;
    int stopped = 0;
    for (int i = 0; i < n && !stopped; ++i) {
        char why[256];
        int rc = pyn_elf_check_loadable(c[i].path, why, sizeof why);
        if (rc == 0)
            stopped = 1;
        else if (rc != -ENOENT && rc != -ENOTDIR)
            pyn_format_middle(err, errlen, "%s (ld.so skipped %s from %s: %s)", err, c[i].path,
                              pyn_ld_source_name(c[i].source), why);
    }
    if (more && !stopped)
        pyn_format_middle(err, errlen, "%s (the first %d places ld.so searches were examined)", err,
                          EXPLAIN_CANDIDATES_MAX);
    pyn_ld_candidates_free(c, (size_t)n);
}

void pyn_loader_explain(char *err, size_t errlen, const char *library_dir)
{
    const char *tail = NULL;
    int direct_ok = 0;
    for (size_t i = 0; !tail && i < sizeof skipped_tails / sizeof *skipped_tails; ++i)
        if ((tail = strstr(err, skipped_tails[i])))
            direct_ok = i == 0; /* a path of the wrong class is named by ld.so already */
    if (!tail)
        return;
    const char *start = tail;
    while (start > err && start[-1] != ' ')
        --start;
    size_t len = (size_t)(tail - start);
    int direct = start[0] == '/';
    if (len == 0 || (direct && !direct_ok) || (!direct && memchr(start, '/', len)))
        return;
    char *name = strndup(start, len);
    if (!name)
        return;
    if (!direct) {
        explain_search(err, errlen, name, library_dir);
    } else {
        char why[256];
        int rc = pyn_elf_check_loadable(name, why, sizeof why);
        if (rc != 0 && rc != -ENOENT)
            pyn_format_middle(err, errlen, "%s (ld.so rejected %s: %s)", err, name, why);
    }
    free(name);
}

void *pyn_loader_open(const char *name, int flags, char *err, size_t errlen)
{
    pyn_fs_mark_call(name);
    void *h = dlopen(name, flags);
    pyn_fs_mark_return();
    if (!h) {
        const char *why = dlerror();
        if (!why)
            why = "unknown error";
        /* dlerror() usually names the file already: do not say it twice. */
        if (strstr(why, name))
            pyn_format_middle(err, errlen, "dlopen: %s", why);
        else
            pyn_format_middle(err, errlen, "dlopen %s: %s", name, why);
    }
    return h;
}

int pyn_loader_entry(void *handle, const struct pyn_library *lib, pyn_entry_fn *fn, char *err, size_t errlen)
{
    dlerror();
    void *sym = dlsym(handle, lib->entry);
    if (!sym) {
        const char *why = dlerror();
        pyn_format_middle(err, errlen, "dlsym %s in %s: %s", lib->entry, lib->file, why ? why : "symbol is NULL");
        return -ENOENT;
    }
    /* POSIX guarantees object and function pointers convert for dlsym. */
    *(void **)fn = sym;
    return 0;
}

struct count_ctx {
    const struct pyn_manifest *m;
    size_t count;
};

static int count_one(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct count_ctx *c = data;
    const char *name = info->dlpi_name;
    if (!name || !*name)
        return 0;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (size_t i = 0; i < c->m->nlibraries; ++i)
        if (strcmp(base, c->m->libraries[i].file) == 0) {
            c->count++;
            break;
        }
    return 0;
}

size_t pyn_loader_count_loaded(const struct pyn_manifest *m)
{
    struct count_ctx c = {m, 0};
    dl_iterate_phdr(count_one, &c);
    return c.count;
}

static int count_any(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)info, (void)size;
    ++*(size_t *)data;
    return 0;
}

size_t pyn_loader_count_objects(void)
{
    size_t n = 0;
    dl_iterate_phdr(count_any, &n);
    return n;
}
