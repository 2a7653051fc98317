/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_cache.h: the page cache around the import phase (--cold).
 *
 * Evicting: posix_fadvise(POSIX_FADV_DONTNEED) on each file the import
 * reads (the generated libraries, markers included, in the run's library
 * directory) and on the running executable, after fsync so no dirty page
 * is kept back; as root, /proc/sys/vm/drop_caches as well (once per node,
 * the caller decides where). The kernel cannot evict pages that a live
 * process has mapped: the executable's, and those of any library already
 * loaded (linked modes). docs/metrics.md says what is and is not evicted.
 *
 * Proving it: mincore() over a fresh, untouched mapping of each library
 * counts its pages in the page cache. The count is taken on every rank at
 * import start, cold or not, so a report shows which it was.
 *
 * Error contract: 0 or a negative errno, one line in err naming the file
 * and the failing call with strerror; nothing here exits. */
#ifndef PYN_CACHE_H
#define PYN_CACHE_H

#include "pyn_manifest.h"

#include <stddef.h>
#include <stdint.h>

/* Per rank, in the gathered record (plain data, fixed sizes). */
struct pyn_cache_record {
    int32_t measured;        /* 0: the import phase never began; nothing below means anything */
    int32_t counted;         /* this rank counted the pages below (its host's first rank, --cold or --cache-count) */
    int32_t cold;            /* --cold: this rank evicted before import */
    int32_t dropped;         /* this rank wrote drop_caches (root, one rank per node) */
    int32_t files;           /* library files counted */
    int32_t unreadable_files; /* files that could not be opened or mapped: left to the import to name */
    int64_t resident_pages;  /* of the generated libraries, in the page cache at import start */
    int64_t total_pages;     /* their size in pages */
    int64_t unverified_pages; /* pages of files whose residency mincore cannot show this user (not
                                 owner, no write access, not root): not in resident_pages */
    int64_t page_size;
};

/* fsync + posix_fadvise(DONTNEED) on path. */
int pyn_cache_evict_file(const char *path, char *err, size_t errlen);

/* Evicts every library and marker of m in library_dir, then exe (when not
 * NULL). A file that cannot be opened is skipped: it is the import's error
 * to name (the cache count leaves it out). Stops at the first file that
 * opens but cannot be advised. */
int pyn_cache_evict_tree(const struct pyn_manifest *m, const char *library_dir, const char *exe, char *err,
                         size_t errlen);

/* echo 3 > /proc/sys/vm/drop_caches: clean page cache, dentries and inodes
 * of the whole node. Root only (-EACCES/-EPERM otherwise). */
int pyn_cache_drop_system(char *err, size_t errlen);

/* Counts the resident and total pages of path. *verifiable is 0 when the
 * kernel would hide the file's residency from mincore (Linux >= 5.0 shows
 * page-cache residency only to the owner, a writer or root); then
 * *resident is 0 and means nothing. */
int pyn_cache_resident_file(const char *path, int64_t *resident, int64_t *total, int *verifiable, char *err,
                            size_t errlen);

/* Fills rec's files, unreadable_files, resident_pages, total_pages,
 * unverified_pages and page_size for every library and marker of m in
 * library_dir. Files that cannot be opened or mapped are counted in
 * unreadable_files only (a missing library is the import's error to name).
 * Returns 0, or -ENOMEM. first_resident (when not NULL) names the first
 * file with a resident page, or is empty. */
int pyn_cache_measure_tree(const struct pyn_manifest *m, const char *library_dir, struct pyn_cache_record *rec,
                           char *first_resident, size_t first_len, char *err, size_t errlen);

#endif
