/* SPDX-License-Identifier: BSD-3-Clause */
/* Page-cache eviction and residency (pyn_cache.h). Everything here runs
 * before the import phase's barrier, never inside a timed region. */
#define _GNU_SOURCE
#include "pyn_cache.h"

#include "pyn_loader.h"
#include "pyn_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* fsync + fadvise on an open descriptor; closes it. */
static int evict_fd(int fd, const char *path, char *err, size_t errlen)
{
    /* DONTNEED skips dirty pages and pages under writeback: a library just
     * written by the build would stay cached without this. On a clean file
     * it costs one system call. Some file systems refuse fsync on a
     * read-only descriptor (EBADF/EINVAL/EROFS): then there is nothing of
     * ours to write back anyway. */
    if (fsync(fd) != 0 && errno != EBADF && errno != EINVAL && errno != EROFS) {
        int e = errno;
        close(fd);
        pyn_format_middle(err, errlen, "cache: evict %s: fsync: %s", path, strerror(e));
        return -e;
    }
    int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED); /* returns the error, not -1 */
    close(fd);
    if (rc != 0) {
        pyn_format_middle(err, errlen, "cache: evict %s: posix_fadvise(POSIX_FADV_DONTNEED): %s", path, strerror(rc));
        return -rc;
    }
    return 0;
}

int pyn_cache_evict_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pyn_format_middle(err, errlen, "cache: evict %s: open: %s", path, strerror(e));
        return -e;
    }
    return evict_fd(fd, path, err, errlen);
}

/* The libraries, then the markers: every file of the tree the import may read. */
static const struct pyn_library *tree_file(const struct pyn_manifest *m, size_t i)
{
    return i < m->nlibraries ? &m->libraries[i] : &m->markers[i - m->nlibraries];
}

static size_t tree_size(const struct pyn_manifest *m)
{
    return m->nlibraries + m->nmarkers;
}

int pyn_cache_evict_tree(const struct pyn_manifest *m, const char *library_dir, const char *exe, char *err,
                         size_t errlen)
{
    for (size_t i = 0; i < tree_size(m); ++i) {
        char *path = pyn_loader_path(library_dir, tree_file(m, i)->file);
        if (!path) {
            pyn_format_middle(err, errlen, "cache: evict: out of memory");
            return -ENOMEM;
        }
        /* A file that cannot be opened is the import's error to name. */
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        int rc = fd < 0 ? 0 : evict_fd(fd, path, err, errlen);
        free(path);
        if (rc)
            return rc;
    }
    return exe ? pyn_cache_evict_file(exe, err, errlen) : 0;
}

int pyn_cache_drop_system(char *err, size_t errlen)
{
    static const char path[] = "/proc/sys/vm/drop_caches";
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pyn_format_middle(err, errlen, "cache: %s: open: %s", path, strerror(e));
        return -e;
    }
    ssize_t w = write(fd, "3\n", 2);
    int e = w == 2 ? 0 : (w < 0 ? errno : EIO);
    close(fd);
    if (e) {
        pyn_format_middle(err, errlen, "cache: %s: write: %s", path, strerror(e));
        return -e;
    }
    return 0;
}

int pyn_cache_resident_file(const char *path, int64_t *resident, int64_t *total, int *verifiable, char *err,
                            size_t errlen)
{
    *resident = *total = 0;
    *verifiable = 1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        pyn_format_middle(err, errlen, "cache: %s: %s: %s", path, fd < 0 ? "open" : "fstat", strerror(e));
        return -e;
    }
    long page = sysconf(_SC_PAGESIZE);
    size_t len = (size_t)st.st_size, pages = (len + (size_t)page - 1) / (size_t)page;
    *total = (int64_t)pages;
    *verifiable = geteuid() == 0 || st.st_uid == geteuid() || access(path, W_OK) == 0;
    if (pages == 0 || !*verifiable) {
        close(fd);
        return 0;
    }
    /* Mapping does not fault anything in; mincore then reads the page cache. */
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    int e = map == MAP_FAILED ? errno : 0;
    close(fd);
    if (e) {
        pyn_format_middle(err, errlen, "cache: %s: mmap: %s", path, strerror(e));
        return -e;
    }
    unsigned char *vec = malloc(pages);
    if (!vec || mincore(map, len, vec) != 0) {
        e = vec ? errno : ENOMEM;
        free(vec);
        munmap(map, len);
        pyn_format_middle(err, errlen, "cache: %s: mincore: %s", path, strerror(e));
        return -e;
    }
    int64_t n = 0;
    for (size_t i = 0; i < pages; ++i)
        n += vec[i] & 1;
    free(vec);
    munmap(map, len);
    *resident = n;
    return 0;
}

int pyn_cache_measure_tree(const struct pyn_manifest *m, const char *library_dir, struct pyn_cache_record *rec,
                           char *first_resident, size_t first_len, char *err, size_t errlen)
{
    rec->files = rec->unreadable_files = 0;
    rec->resident_pages = rec->total_pages = rec->unverified_pages = 0;
    rec->page_size = sysconf(_SC_PAGESIZE);
    if (first_resident && first_len)
        first_resident[0] = '\0';
    for (size_t i = 0; i < tree_size(m); ++i) {
        const struct pyn_library *lib = tree_file(m, i);
        char *path = pyn_loader_path(library_dir, lib->file);
        if (!path) {
            pyn_format_middle(err, errlen, "cache: out of memory");
            return -ENOMEM;
        }
        int64_t resident, total;
        int verifiable;
        int rc = pyn_cache_resident_file(path, &resident, &total, &verifiable, err, errlen);
        free(path);
        if (rc == -ENOMEM)
            return rc;
        if (rc) {
            rec->unreadable_files++;
            continue;
        }
        rec->files++;
        rec->total_pages += total;
        if (!verifiable)
            rec->unverified_pages += total;
        rec->resident_pages += resident;
        if (resident > 0 && first_resident && first_len && !first_resident[0])
            snprintf(first_resident, first_len, "%s: %lld of %lld pages", lib->file, (long long)resident,
                     (long long)total);
    }
    return 0;
}
