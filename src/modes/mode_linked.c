/* pynamic-mode-linked: every generated library is a DT_NEEDED entry of this
 * executable, so ld.so loads all of them before main (the original's
 * pynamic-pyMPI). Loading falls into startup; with lazy binding (the
 * default), resolving functions falls into visit. The import phase only
 * finds each module already loaded (RTLD_NOLOAD) and looks up its entry. */
#include "pyn_run.h"

#include <dlfcn.h>
#include <errno.h>

static int find_modules(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    char err[512];
    for (size_t i = 0; i < m->nmodules; ++i) {
        /* By file name (the DT_NEEDED and SONAME): NOLOAD never loads, so a
         * module that ld.so did not load before main is an error. */
        void *handle = pyn_loader_open(m->modules[i]->file, RTLD_LAZY | RTLD_NOLOAD, err, sizeof err);
        pyn_entry_fn entry = NULL;
        if (!handle)
            return pyn_run_fail(run, -ENOENT,
                                "import: %s was not loaded before main (is it a DT_NEEDED of this executable?)",
                                m->modules[i]->file);
        if (pyn_loader_entry(handle, m->modules[i], &entry, err, sizeof err))
            return pyn_run_fail(run, -ENOENT, "import: %s", err);
        pyn_run_set_entry(run, i, entry);
    }
    return 0;
}

static const struct pyn_mode mode = {
    "linked",
    "Every generated library is linked into this executable and loaded by ld.so before main; "
    "the import phase finds the modules, the visit calls them.",
    NULL,
    find_modules,
    NULL, /* visit: the runtime calls the entries */
    0, /* stages: the generated code is linked or built in; --stage is refused */
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
