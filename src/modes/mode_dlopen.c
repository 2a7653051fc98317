/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-dlopen: the vanilla interpreter's import without the
 * interpreter. As the original's driver imports libmodulebegin first, the
 * import phase dlopen()s it first, by absolute path: it has a DT_NEEDED on
 * every module, so this one call searches for, maps and (with RTLD_NOW)
 * binds the whole tree, every module and its utilities found by the loader
 * through RUNPATH, in one scope where each module's extern call resolves.
 * Then each module is dlopen'ed by path, as Python's importer loads an
 * extension module (the loader finds it already loaded), and its entry is
 * looked up; libmodulefinal comes last. */
#include "pyn_run.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

enum binding { BIND_NOW, BIND_LAZY };
static int binding = BIND_NOW;
static int load_each;

static const struct pyn_option dlopen_options[] = {
    PYN_OPTION_CHOICE("--now", &binding, BIND_NOW, "binding",
                      "RTLD_NOW: resolve every symbol at dlopen, as Python does (default); binding lands in import"),
    PYN_OPTION_CHOICE("--lazy", &binding, BIND_LAZY, "binding",
                      "RTLD_LAZY: resolve functions at first call; binding moves into visit"),
    PYN_OPTION_FLAG("--load-each", &load_each, "load_each",
                    "for analysis, not the original's load: dlopen every library by itself with RTLD_GLOBAL, "
                    "utilities first, then the modules, then libmodulebegin, so each call maps and relocates one "
                    "library against a scope one library larger than the last (docs/why.md)"),
    PYN_OPTIONS_END,
};

/* dlopen()s lib by absolute path under the library directory and looks up
 * its entry (a module's, or a marker's function; fn NULL: none). */
static int load(struct pyn_run *run, const struct pyn_library *lib, pyn_entry_fn *fn)
{
    int flags = (binding == BIND_NOW ? RTLD_NOW : RTLD_LAZY) | (load_each ? RTLD_GLOBAL : RTLD_LOCAL);
    char err[512];
    char *path = pyn_loader_path(pyn_run_library_dir(run), lib->file);
    if (!path)
        return pyn_run_fail(run, -ENOMEM, "import: out of memory");
    pyn_run_loading(run, path);
    void *handle = pyn_loader_open(path, flags, err, sizeof err);
    pyn_run_loading(run, NULL);
    free(path);
    if (!handle || (fn && pyn_loader_entry(handle, lib, fn, err, sizeof err)))
        return pyn_run_fail(run, -ENOENT, "import: %s", err);
    return 0;
}

static int import_modules(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    const struct pyn_library *begin = pyn_manifest_marker(m, PYN_MARKER_BEGIN);
    const struct pyn_library *final = pyn_manifest_marker(m, PYN_MARKER_FINAL);
    pyn_entry_fn fn = NULL;
    /* --load-each: the utilities first, so that each module's dlopen maps only the module. */
    for (size_t i = 0; load_each && i < m->nlibraries; ++i)
        if (m->libraries[i].kind == PYN_LIBRARY_UTILITY && load(run, &m->libraries[i], NULL))
            return -ENOENT;
    for (size_t i = 0; load_each && i < m->nmodules; ++i) {
        if (load(run, m->modules[i], &fn))
            return -ENOENT;
        pyn_run_set_entry(run, i, fn);
    }
    if (load(run, begin, &fn))
        return -ENOENT;
    pyn_run_set_marker(run, PYN_MARKER_BEGIN, fn);
    for (size_t i = 0; !load_each && i < m->nmodules; ++i) {
        if (load(run, m->modules[i], &fn))
            return -ENOENT;
        pyn_run_set_entry(run, i, fn);
    }
    if (load(run, final, &fn))
        return -ENOENT;
    pyn_run_set_marker(run, PYN_MARKER_FINAL, fn);
    return 0;
}

static const struct pyn_mode mode = {
    .name = "dlopen",
    .summary = "Loads libmodulebegin (and with it every module) with dlopen() in the import phase, then each "
               "module; calls each module's entry.",
    .options = dlopen_options,
    .stages = 1, /* modules by absolute path under pyn_run_library_dir() */
    .import = import_modules,
    /* visit: the runtime calls the markers and the entries */
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
