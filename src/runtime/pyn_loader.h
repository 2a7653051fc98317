/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_loader.h: what the C modes ask of the dynamic loader. */
#ifndef PYN_LOADER_H
#define PYN_LOADER_H

#include "pyn_manifest.h"

#include <stddef.h>
#include <stdint.h>

/* Every module's entry: runs the module's call chains, returns its checksum. */
typedef uint64_t (*pyn_entry_fn)(void);

/* Joins dir and file into a malloc'd path (caller frees); NULL when out of memory. */
char *pyn_loader_path(const char *dir, const char *file);

/* dlopen(name, flags). On failure returns NULL with "dlopen <name>: <dlerror>"
 * in err. */
void *pyn_loader_open(const char *name, int flags, char *err, size_t errlen);

/* After a failed import, outside the timed phases: when err (one line)
 * holds ld.so's message for a library it passed over ("NAME: cannot open
 * shared object file", "NAME: wrong ELF class", which ld.so says of a file
 * that exists but it cannot use), looks at what ld.so looked at with
 * pyn_elf_check_loadable and appends what is wrong with each: for an
 * absolute NAME that file (" (ld.so rejected PATH: an ELF file for AArch64
 * ...)"); for a bare NAME every place ld.so searches for a library of the
 * tree, in its order (pyn_ld_search.h: LD_LIBRARY_PATH, library_dir, where
 * the generated libraries' RUNPATH $ORIGIN points, /etc/ld.so.cache, the
 * default directories; 32 places at most), up to the first file that looks
 * loadable: " (ld.so skipped PATH from LD_LIBRARY_PATH: open: Permission
 * denied)", one such note per file. Leaves err as it is when no file is
 * there or the first looks loadable. For every mode: the Python modes'
 * ImportError carries ld.so's text. */
void pyn_loader_explain(char *err, size_t errlen, const char *library_dir);

/* Looks up lib->entry in handle. Returns 0, or -ENOENT with
 * "dlsym <entry> in <file>: <dlerror>" in err. */
int pyn_loader_entry(void *handle, const struct pyn_library *lib, pyn_entry_fn *fn, char *err, size_t errlen);

/* Counts the objects mapped into this process (dl_iterate_phdr) whose file
 * name is one of the manifest's libraries: what the loader really loaded,
 * whoever asked for it. */
size_t pyn_loader_count_loaded(const struct pyn_manifest *m);

/* Counts every object mapped into this process (the executable, ld.so and
 * the vDSO included): what each later DT_NEEDED name is compared with. */
size_t pyn_loader_count_objects(void);

#endif
