/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_ld_search.h: the files ld.so tries, in its order, when a library
 * of the tree asks for a library by name (a DT_NEEDED without '/'). For the
 * error path of a failed load only (pyn_loader_explain): it reads the
 * environment, /etc/ld.so.cache and ld.so's own directory list, and maps
 * nothing.
 *
 * The order is glibc's (elf/dl-load.c, _dl_map_object) for a requester
 * that has a RUNPATH, as every generated library has ($ORIGIN): its RPATH
 * and the executable's are not used then. So: each LD_LIBRARY_PATH entry,
 * the RUNPATH directory, the entry /etc/ld.so.cache gives for the name (for
 * this process's ABI), then ld.so's default directories (as dlinfo
 * RTLD_DI_SERINFO lists them after LD_LIBRARY_PATH's). Not modelled: the
 * glibc-hwcaps and legacy hwcap subdirectories ld.so tries first in each
 * directory, LD_LIBRARY_PATH entries naming $LIB, an existing directory in
 * the executable's DT_RPATH (it would be taken for a default directory), a
 * cache in the old format only. */
#ifndef PYN_LD_SEARCH_H
#define PYN_LD_SEARCH_H

#include <stddef.h>

/* Where a candidate came from, as the explanation names it. */
enum pyn_ld_source {
    PYN_LD_ENV,     /* LD_LIBRARY_PATH */
    PYN_LD_RUNPATH, /* the requester's DT_RUNPATH */
    PYN_LD_CACHE,   /* /etc/ld.so.cache */
    PYN_LD_DEFAULT, /* ld.so's default directories */
};

/* "LD_LIBRARY_PATH", "RUNPATH", "/etc/ld.so.cache", "the default directories". */
const char *pyn_ld_source_name(enum pyn_ld_source source);

struct pyn_ld_candidate {
    char *path; /* malloc'd */
    enum pyn_ld_source source;
};

/* Fills out[0..cap) with the files ld.so tries for name, in its order,
 * each path once: LD_LIBRARY_PATH (from the environment), runpath_dir
 * (NULL: none), the entry cache_file (normally "/etc/ld.so.cache"; NULL:
 * none) holds for name, the default directories. Sets *more when there were
 * more than cap. Returns the count, or -ENOMEM (out holds nothing then). */
int pyn_ld_search_candidates(const char *name, const char *runpath_dir, const char *cache_file,
                             struct pyn_ld_candidate *out, size_t cap, int *more);

/* Frees the paths of n candidates. */
void pyn_ld_candidates_free(struct pyn_ld_candidate *c, size_t n);

/* The path cache_file gives for name in this process's ABI (malloc'd), or
 * NULL when it has none, cannot be read or is not in glibc's format
 * ("glibc-ld.so.cache1.1"). */
char *pyn_ld_cache_lookup(const char *cache_file, const char *name);

#endif
