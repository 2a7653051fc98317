/* SPDX-License-Identifier: BSD-3-Clause */
/* mdsfs_fs.h: a read-only passthrough of a source directory through the
 * FUSE low-level API, every metadata operation served by an mdsfs_server.
 * The mount root also holds a virtual file, MDSFS_STATS_NAME, whose content
 * is the statistics JSON at the moment it is opened (not queued, not
 * counted, not listed by readdir). */
#ifndef MDSFS_FS_H
#define MDSFS_FS_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "mdsfs_server.h"

#define MDSFS_STATS_NAME ".mdsfs-stats"

/* What the kernel may keep of a file's data between opens. */
enum mdsfs_data_cache {
    MDSFS_CACHE_DROP,   /* page cache, dropped at every open (default) */
    MDSFS_CACHE_KEEP,   /* page cache, kept across opens (keep_cache) */
    MDSFS_CACHE_DIRECT, /* no page cache for read() (direct_io); mmap still fills one */
    MDSFS_CACHE_COUNT
};
extern const char *const mdsfs_data_cache_names[MDSFS_CACHE_COUNT + 1]; /* NULL-terminated, as an option's names */

struct mdsfs_fs_config {
    const char *source;                                   /* absolute path of an existing directory */
    double entry_timeout, attr_timeout, negative_timeout; /* seconds the kernel may cache */
    enum mdsfs_data_cache data_cache;
    uint64_t read_latency_ns;  /* added to every data read */
    uint64_t read_bytes_per_s; /* each read also takes bytes / this (0: no limit) */
    /* Builds the whole statistics document (caller of it owns the result). */
    json_t *(*stats)(void *ctx);
    void *stats_ctx;
};

struct mdsfs_fs; /* opaque */

/* Opens the source directory. Returns 0 or a negative errno with
 * "source <dir>: <call>: <reason>" in err. The fs keeps cfg's pointers. */
int mdsfs_fs_create(const struct mdsfs_fs_config *cfg, struct mdsfs_server *server, struct mdsfs_fs **out, char *err,
                    size_t errlen);
void mdsfs_fs_destroy(struct mdsfs_fs *fs);

/* The operations to pass to fuse_session_new with the fs as userdata. */
const struct fuse_lowlevel_ops *mdsfs_fs_operations(void);

#endif
