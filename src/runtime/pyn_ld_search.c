/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include "pyn_ld_search.h"

#include "pyn_file.h"

#include <dlfcn.h>
#include <errno.h>
#include <gnu/lib-names.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

const char *pyn_ld_source_name(enum pyn_ld_source source)
{
    switch (source) {
    case PYN_LD_ENV:
        return "LD_LIBRARY_PATH";
    case PYN_LD_RUNPATH:
        return "RUNPATH";
    case PYN_LD_CACHE:
        return "/etc/ld.so.cache";
    case PYN_LD_DEFAULT:
        return "the default directories";
    }
    return "?";
}

void pyn_ld_candidates_free(struct pyn_ld_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        free(c[i].path);
        c[i].path = NULL;
    }
}

/* The ld.so.cache flags of this process's ABI (glibc's _DL_CACHE_DEFAULT_ID:
 * FLAG_ELF_LIBC6 with the architecture's bits); 0 when not known here, and
 * the cache is then not consulted. */
#if defined(__x86_64__) && defined(__LP64__)
#define CACHE_ABI_FLAGS 0x0303
#elif defined(__aarch64__) && defined(__LP64__)
#define CACHE_ABI_FLAGS 0x0a03
#else
#define CACHE_ABI_FLAGS 0
#endif

/* glibc's cache format since 2.32 (and written beside the old one since
 * 2.2): a 48-byte header, then entries of 24 bytes; string offsets count
 * from the start of the file. */
#define CACHE_MAGIC "glibc-ld.so.cache1.1"
#define CACHE_HEADER 48
#define CACHE_ENTRY 24
/* An entry of a glibc-hwcaps subdirectory (not modelled: see the header). */
#define CACHE_HWCAP_EXTENSION (UINT64_C(1) << 62)

static uint32_t get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

char *pyn_ld_cache_lookup(const char *cache_file, const char *name)
{
    if (!CACHE_ABI_FLAGS || !cache_file)
        return NULL;
    char *data = NULL, err[256];
    size_t len = 0;
    if (pyn_file_read_all(cache_file, &data, &len, err, sizeof err) != 0)
        return NULL;
    char *found = NULL;
    if (len >= CACHE_HEADER && memcmp(data, CACHE_MAGIC, strlen(CACHE_MAGIC)) == 0) {
        uint32_t n = get32(data + 20);
        for (uint32_t i = 0; !found && i < n && CACHE_HEADER + (size_t)(i + 1) * CACHE_ENTRY <= len; ++i) {
            const char *e = data + CACHE_HEADER + (size_t)i * CACHE_ENTRY;
            uint32_t flags = get32(e), key = get32(e + 4), value = get32(e + 8);
            uint64_t hwcap;
            memcpy(&hwcap, e + 16, sizeof hwcap);
            if (flags != CACHE_ABI_FLAGS || (hwcap & CACHE_HWCAP_EXTENSION) || key >= len || value >= len)
                continue;
            if (!memchr(data + key, '\0', len - key) || !memchr(data + value, '\0', len - value))
                continue;
            if (strcmp(data + key, name) == 0)
                found = strdup(data + value);
        }
    }
    free(data);
    return found;
}

struct list {
    struct pyn_ld_candidate *out;
    size_t n, cap;
    int more, nomem;
};

/* Adds dir/name (or the path itself when name is NULL) unless already listed. */
static void add(struct list *l, const char *dir, const char *name, enum pyn_ld_source source)
{
    if (l->nomem)
        return;
    char *path = NULL;
    if ((name ? asprintf(&path, "%s/%s", dir, name) : asprintf(&path, "%s", dir)) < 0) {
        l->nomem = 1;
        return;
    }
    for (size_t i = 0; i < l->n; ++i)
        if (strcmp(l->out[i].path, path) == 0) {
            free(path);
            return;
        }
    if (l->n == l->cap) {
        l->more = 1;
        free(path);
        return;
    }
    l->out[l->n].path = path;
    l->out[l->n].source = source;
    l->n++;
}

/* One LD_LIBRARY_PATH entry as ld.so uses it: trailing slashes dropped, an
 * empty entry is the working directory, $ORIGIN the executable's directory
 * and $PLATFORM AT_PLATFORM. Returns a malloc'd directory, or NULL for an
 * entry it cannot expand here (another token) or out of memory. */
static char *expand_env_entry(const char *entry, size_t len)
{
    while (len > 1 && entry[len - 1] == '/')
        --len;
    if (len == 0)
        return strdup(".");
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    if (!f)
        return NULL;
    int ok = 1;
    for (size_t i = 0; ok && i < len;) {
        if (entry[i] != '$') {
            fputc(entry[i++], f);
            continue;
        }
        const char *tokens[] = {"ORIGIN", "PLATFORM"};
        size_t used = 0;
        int which = -1;
        for (int t = 0; t < 2 && which < 0; ++t) {
            size_t tl = strlen(tokens[t]);
            if (i + 1 + tl <= len && strncmp(entry + i + 1, tokens[t], tl) == 0)
                which = t, used = 1 + tl;
            else if (i + 3 + tl <= len && entry[i + 1] == '{' && strncmp(entry + i + 2, tokens[t], tl) == 0 &&
                     entry[i + 2 + tl] == '}')
                which = t, used = 3 + tl;
        }
        if (which == 0) {
            char exe[PATH_MAX];
            ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
            if (n <= 0) {
                ok = 0;
                break;
            }
            exe[n] = '\0';
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
            fputs(exe, f);
        } else if (which == 1 && getauxval(AT_PLATFORM)) {
            fputs((const char *)getauxval(AT_PLATFORM), f);
        } else {
            ok = 0;
        }
        i += used;
    }
    if (fclose(f) != 0 || !ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* ld.so's own list for a requester without RUNPATH (libc, needed by the
 * executable): LD_LIBRARY_PATH's directories, then the default ones. The
 * flags dlinfo gives are all 0 (glibc does not fill them), so the default
 * directories are those after the leading entries that are
 * LD_LIBRARY_PATH's. */
static void add_default_dirs(struct list *l, const char *name, char **env, size_t nenv)
{
    void *libc = dlopen(LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);
    if (!libc)
        return;
    Dl_serinfo size;
    if (dlinfo(libc, RTLD_DI_SERINFOSIZE, &size) == 0 && size.dls_size >= sizeof size) {
        Dl_serinfo *si = malloc(size.dls_size);
        if (!si) {
            l->nomem = 1;
        } else {
            *si = size;
            if (dlinfo(libc, RTLD_DI_SERINFO, si) == 0) {
                unsigned i = 0;
                for (; i < si->dls_cnt; ++i) {
                    int in_env = 0;
                    for (size_t e = 0; !in_env && e < nenv; ++e)
                        in_env = env[e] && strcmp(env[e], si->dls_serpath[i].dls_name) == 0;
                    if (!in_env)
                        break;
                }
                for (; i < si->dls_cnt; ++i)
                    add(l, si->dls_serpath[i].dls_name, name, PYN_LD_DEFAULT);
            }
            free(si);
        }
    }
    dlclose(libc);
}

int pyn_ld_search_candidates(const char *name, const char *runpath_dir, const char *cache_file,
                             struct pyn_ld_candidate *out, size_t cap, int *more)
{
    struct list l = {out, 0, cap, 0, 0};
    /* LD_LIBRARY_PATH: ':' and ';' separate entries, as in ld.so. */
    const char *env = getenv("LD_LIBRARY_PATH");
    char **dirs = NULL;
    size_t ndirs = 0;
    if (env && *env) {
        size_t max = 1;
        for (const char *p = env; *p; ++p)
            max += *p == ':' || *p == ';';
        dirs = calloc(max, sizeof *dirs);
        if (!dirs)
            l.nomem = 1;
        for (const char *p = env; dirs && ndirs < max;) {
            size_t len = strcspn(p, ":;");
            dirs[ndirs] = expand_env_entry(p, len);
            if (dirs[ndirs])
                add(&l, dirs[ndirs], name, PYN_LD_ENV);
            ndirs++;
            if (!p[len])
                break;
            p += len + 1;
        }
    }
    if (runpath_dir)
        add(&l, runpath_dir, name, PYN_LD_RUNPATH);
    char *cached = pyn_ld_cache_lookup(cache_file, name);
    if (cached) {
        add(&l, cached, NULL, PYN_LD_CACHE);
        free(cached);
    }
    add_default_dirs(&l, name, dirs, ndirs);
    for (size_t i = 0; i < ndirs; ++i)
        free(dirs[i]);
    free(dirs);
    if (l.nomem) {
        pyn_ld_candidates_free(out, l.n);
        return -ENOMEM;
    }
    if (more)
        *more = l.more;
    return (int)l.n;
}
