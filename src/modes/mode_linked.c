/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-linked: every generated library and both markers are
 * DT_NEEDED entries of this executable, in the original's link order
 * (modules, utilities, libmodulebegin, libmodulefinal), so ld.so loads all
 * of them before main, into the global scope (the original's pynamic-pyMPI).
 * Loading falls into startup; with lazy binding (the default), resolving
 * functions falls into visit. The import phase only finds each module
 * already loaded (RTLD_NOLOAD) and looks up its entry. */
#include "pyn_run.h"

#include <dlfcn.h>
#include <errno.h>

/* By file name (the DT_NEEDED; the libraries have no SONAME): NOLOAD never loads, so a
 * library that ld.so did not load before main is an error. */
static int find(struct pyn_run *run, const struct pyn_library *lib, pyn_entry_fn *fn)
{
    char err[512];
    void *handle = pyn_loader_open(lib->file, RTLD_LAZY | RTLD_NOLOAD, err, sizeof err);
    if (!handle)
        return pyn_run_fail(run, -ENOENT,
                            "import: %s was not loaded before main (is it a DT_NEEDED of this executable?)", lib->file);
    if (pyn_loader_entry(handle, lib, fn, err, sizeof err))
        return pyn_run_fail(run, -ENOENT, "import: %s", err);
    return 0;
}

static int find_modules(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    pyn_entry_fn fn = NULL;
    for (size_t i = 0; i < m->nmodules; ++i) {
        if (find(run, m->modules[i], &fn))
            return -ENOENT;
        pyn_run_set_entry(run, i, fn);
    }
    for (int role = PYN_MARKER_BEGIN; role <= PYN_MARKER_FINAL; ++role) {
        if (find(run, pyn_manifest_marker(m, (enum pyn_marker_role)role), &fn))
            return -ENOENT;
        pyn_run_set_marker(run, (enum pyn_marker_role)role, fn);
    }
    return 0;
}

static const struct pyn_mode mode = {
    .name = "linked",
    .summary = "Every generated library is linked into this executable and loaded by ld.so before main; "
               "the import phase finds the modules, the visit calls them.",
    .stages = 0,            /* the generated code is linked or built in; --stage is refused */
    .loads_before_main = 1, /* --cold is refused */
    .import = find_modules,
    /* visit: the runtime calls the markers and the entries */
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
