/* pynamic-mode-dlopen: every module is dlopen'ed during the import phase,
 * by absolute path, as Python's importer loads an extension module; its
 * utility libraries come in as its DT_NEEDED entries, found by the loader
 * through the module's RUNPATH. */
#include "pyn_run.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

enum binding { BIND_NOW, BIND_LAZY };
static int binding = BIND_NOW;

static const struct pyn_option dlopen_options[] = {
    {"--now", NULL, PYN_OPT_CHOICE, &binding, BIND_NOW, "binding",
     "RTLD_NOW: resolve every symbol at dlopen, as Python does (default); binding lands in import"},
    {"--lazy", NULL, PYN_OPT_CHOICE, &binding, BIND_LAZY, "binding",
     "RTLD_LAZY: resolve functions at first call; binding moves into visit"},
    PYN_OPTIONS_END,
};

static int import_modules(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    int flags = (binding == BIND_NOW ? RTLD_NOW : RTLD_LAZY) | RTLD_LOCAL;
    char err[512];
    for (size_t i = 0; i < m->nmodules; ++i) {
        char *path = pyn_loader_path(pyn_run_library_dir(run), m->modules[i]->file);
        if (!path)
            return pyn_run_fail(run, -ENOMEM, "import: out of memory");
        pyn_run_loading(run, path);
        void *handle = pyn_loader_open(path, flags, err, sizeof err);
        pyn_run_loading(run, NULL);
        free(path);
        pyn_entry_fn entry = NULL;
        if (!handle || pyn_loader_entry(handle, m->modules[i], &entry, err, sizeof err))
            return pyn_run_fail(run, -ENOENT, "import: %s", err);
        pyn_run_set_entry(run, i, entry);
    }
    return 0;
}

static const struct pyn_mode mode = {
    "dlopen",       "Loads every generated module with dlopen() in the import phase, then calls each module's entry.",
    dlopen_options, import_modules,
    NULL, /* visit: the runtime calls the entries */
    1,    /* stages: modules by absolute path under pyn_run_library_dir() */
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
