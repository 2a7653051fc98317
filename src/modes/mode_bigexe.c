/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-bigexe: the code of every generated library is linked into
 * this executable from the static archives, with PYNAMIC_BIGEXE_TEXT_MB MiB
 * of extra machine code (the original's ~200 MB pynamic-bigexe, without the
 * interpreter). No generated shared object exists in the process: startup
 * holds the loading of the big executable (the kernel maps it, ld.so
 * relocates it); the import phase resolves each module's entry by name in
 * the executable's dynamic symbol table (dlsym); the visit calls them, and
 * since every call is inside one executable, nothing is bound lazily. */
#define _GNU_SOURCE
#include "pyn_padding.h"
#include "pyn_results.h"
#include "pyn_run.h"
#include "pyn_tool.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    void *self; /* the executable's handle: dlopen(NULL) */
    pyn_entry_fn *entries;
} big;

/* Outside every phase: the executable's handle, and proof that the padding
 * is code that runs (pyn_padding.h). */
static void prepare(struct pyn_run *run)
{
    char err[PYN_ERROR_MAX - 64];
    const struct pyn_manifest *m = pyn_run_manifest(run);
    if (!(big.entries = calloc(m->nmodules ? m->nmodules : 1, sizeof *big.entries))) {
        pyn_run_fail(run, -ENOMEM, "bigexe: out of memory");
        return;
    }
    if (!(big.self = dlopen(NULL, RTLD_LAZY))) {
        pyn_run_fail(run, -ENOENT, "bigexe: dlopen of the executable itself: %s", dlerror());
        return;
    }
    if (pyn_padding_check(err, sizeof err))
        pyn_run_fail(run, -EIO, "%s", err);
}

static int import_entries(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    for (size_t i = 0; i < m->nmodules; ++i) {
        dlerror();
        void *sym = dlsym(big.self, m->modules[i]->entry);
        if (!sym) {
            const char *why = dlerror();
            return pyn_run_fail(run, -ENOENT, "import: dlsym %s in this executable: %s (is %s built in?)",
                                m->modules[i]->entry, why ? why : "symbol is NULL", m->modules[i]->name);
        }
        *(void **)&big.entries[i] = sym; /* POSIX: dlsym's object pointer converts to a function pointer */
        pyn_run_module_imported(run, i);
    }
    return 0;
}

/* After the import phase: every entry was found in the executable, not in
 * some other object that happens to define the name. */
static void check_entries_built_in(struct pyn_run *run, enum pyn_phase phase, bool all_ok)
{
    if (phase != PYN_PHASE_IMPORT || !all_ok)
        return;
    const struct pyn_manifest *m = pyn_run_manifest(run);
    Dl_info self = {0}, where = {0};
    if (!dladdr((void *)prepare, &self))
        return (void)pyn_run_fail(run, -ENOENT, "bigexe: dladdr of the executable's own code failed");
    for (size_t i = 0; i < m->nmodules; ++i)
        if (!dladdr(*(void **)&big.entries[i], &where) || where.dli_fbase != self.dli_fbase)
            return (void)pyn_run_fail(run, -EINVAL, "import: %s was resolved in %s, not in this executable",
                                      m->modules[i]->entry, where.dli_fname ? where.dli_fname : "no object");
}

static int visit_entries(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    for (size_t i = 0; i < m->nmodules; ++i)
        pyn_run_visit_result(run, i, big.entries[i]());
    return 0;
}

/* After the reports, on rank 0: what this executable holds. */
static void epilogue(struct pyn_run *run, int status)
{
    (void)status;
    const struct pyn_manifest *m = pyn_run_manifest(run);
    if (pyn_run_rank(run) == 0)
        printf("%s: %zu modules and %zu utility libraries built into the executable (no generated shared object "
               "loaded), with %.1f MiB of padding in its .text\n",
               pyn_run_prog(run), m->nmodules, m->nutilities, (double)pyn_padding_bytes() / 1048576.0);
}

static int cleanup(struct pyn_run *run, int status)
{
    (void)run;
    free(big.entries);
    return status;
}

static const struct pyn_mode mode = {
    .name = "bigexe",
    .summary = "Every generated library's code and extra machine code (the padding) linked into this one "
               "executable; the import phase resolves each module's entry in it with dlsym, the visit calls them.",
    .stages = 0, /* the generated code is linked or built in; --stage is refused */
    .prepare = prepare,
    .import = import_entries,
    .after_phase = check_entries_built_in,
    .visit = visit_entries,
    .epilogue = epilogue,
    .cleanup = cleanup,
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
