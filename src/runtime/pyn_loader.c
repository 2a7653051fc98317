#define _GNU_SOURCE
#include "pyn_loader.h"

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

/* ld.so reports a dependency it found but could not open (unreadable,
 * a directory) as "cannot open shared object file: No such file or
 * directory", having moved on to the next candidate. When the library sits
 * beside the one being opened (RUNPATH $ORIGIN), say what is really wrong.
 * Only on the error path: costs nothing in a run that loads. */
static void explain_skipped_dependency(const char *name, const char *why, char *err, size_t errlen)
{
    const char *tail = strstr(why, ": cannot open shared object file");
    const char *slash = strrchr(name, '/');
    if (!tail || !slash)
        return;
    const char *dep = tail;
    while (dep > why && dep[-1] != ' ')
        --dep;
    if (dep == tail || memchr(dep, '/', (size_t)(tail - dep)))
        return;
    char *path = NULL;
    if (asprintf(&path, "%.*s/%.*s", (int)(slash - name), name, (int)(tail - dep), dep) < 0)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int e = errno;
    if (fd >= 0)
        close(fd);
    else if (e != ENOENT)
        pyn_format_middle(err, errlen, "%s (ld.so skipped %s: open: %s)", err, path, strerror(e));
    free(path);
}

void *pyn_loader_open(const char *name, int flags, char *err, size_t errlen)
{
    void *h = dlopen(name, flags);
    if (!h) {
        const char *why = dlerror();
        if (!why)
            why = "unknown error";
        /* dlerror() usually names the file already: do not say it twice. */
        if (strstr(why, name))
            pyn_format_middle(err, errlen, "dlopen: %s", why);
        else
            pyn_format_middle(err, errlen, "dlopen %s: %s", name, why);
        explain_skipped_dependency(name, why, err, errlen);
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
