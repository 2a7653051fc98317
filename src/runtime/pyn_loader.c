#define _GNU_SOURCE
#include "pyn_loader.h"

#include "pyn_elf_check.h"
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

void pyn_loader_explain(char *err, size_t errlen, const char *library_dir)
{
    const char *tail = NULL;
    int direct_ok = 0;
    for (size_t i = 0; !tail && i < sizeof skipped_tails / sizeof *skipped_tails; ++i)
        if ((tail = strstr(err, skipped_tails[i])))
            direct_ok = i == 0; /* a path of the wrong class is named by ld.so already */
    if (!tail)
        return;
    const char *name = tail;
    while (name > err && name[-1] != ' ')
        --name;
    size_t len = (size_t)(tail - name);
    int direct = name[0] == '/';
    if (len == 0 || (direct && !direct_ok) || (!direct && memchr(name, '/', len)) || (!direct && !library_dir))
        return;
    char *path = NULL;
    if ((direct ? asprintf(&path, "%.*s", (int)len, name) : asprintf(&path, "%s/%.*s", library_dir, (int)len, name)) <
        0)
        return;
    char why[256];
    int rc = pyn_elf_check_loadable(path, why, sizeof why);
    if (rc != 0 && rc != -ENOENT)
        pyn_format_middle(err, errlen, "%s (ld.so %s %s: %s)", err, direct ? "rejected" : "skipped", path, why);
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
