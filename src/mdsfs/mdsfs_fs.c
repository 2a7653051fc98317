/* SPDX-License-Identifier: BSD-3-Clause */
/* A read-only passthrough in the style of libfuse's passthrough_ll: every
 * inode the kernel knows is a node holding an O_PATH descriptor of the real
 * file, and the FUSE node id is the node's address. Nodes are shared by
 * (st_dev, st_ino) and freed when the kernel forgets them.
 *
 * Every metadata request waits in the server's queue, does its real call
 * while holding the server, and leaves; the reply goes out after the server
 * is handed on. Data reads, releases and forgets never queue. The virtual
 * statistics file is answered at once and never counted. */
#define _GNU_SOURCE
#include "mdsfs_fs.h"

#include "pyn_tool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

const char *const mdsfs_data_cache_names[MDSFS_CACHE_COUNT + 1] = {
    [MDSFS_CACHE_DROP] = "drop", [MDSFS_CACHE_KEEP] = "keep", [MDSFS_CACHE_DIRECT] = "direct", NULL};

struct node {
    struct node *next; /* hash chain */
    int fd;            /* O_PATH */
    dev_t dev;
    ino_t ino;
    uint64_t nlookup;
};

enum { NODE_BUCKETS = 4096 };

struct mdsfs_fs {
    struct mdsfs_fs_config cfg;
    struct mdsfs_server *server;
    struct node root;
    struct node stats_node; /* the virtual statistics file: never in the table */
    pthread_mutex_t nodes_lock;
    struct node *buckets[NODE_BUCKETS];
    /* Handles still open: an unmount (SIGTERM while a process holds a
     * directory open) sends no release for them, so destroy frees them. */
    pthread_mutex_t handles_lock;
    struct open_handle *handles;
};

/* The head of every handle we allocate, so the open ones can be found. */
struct open_handle {
    struct open_handle *prev, *next;
    void (*free_fn)(struct open_handle *);
};

static void handle_track(struct mdsfs_fs *fs, struct open_handle *h, void (*free_fn)(struct open_handle *))
{
    h->free_fn = free_fn;
    pthread_mutex_lock(&fs->handles_lock);
    h->prev = NULL;
    h->next = fs->handles;
    if (fs->handles)
        fs->handles->prev = h;
    fs->handles = h;
    pthread_mutex_unlock(&fs->handles_lock);
}

static void handle_release(struct mdsfs_fs *fs, struct open_handle *h)
{
    pthread_mutex_lock(&fs->handles_lock);
    if (h->prev)
        h->prev->next = h->next;
    else
        fs->handles = h->next;
    if (h->next)
        h->next->prev = h->prev;
    pthread_mutex_unlock(&fs->handles_lock);
    h->free_fn(h);
}

/* An open statistics file: the document as it was at open. */
struct stats_handle {
    struct open_handle link; /* first */
    char *text;
    size_t len;
};

static void stats_handle_free(struct open_handle *h)
{
    struct stats_handle *s = (struct stats_handle *)h;
    free(s->text);
    free(s);
}

struct dir_handle {
    struct open_handle link; /* first */
    DIR *dp;
    off_t offset;
    struct dirent *entry; /* read but not yet returned (it did not fit) */
};

static void dir_handle_free(struct open_handle *h)
{
    struct dir_handle *d = (struct dir_handle *)h;
    closedir(d->dp);
    free(d);
}

static struct mdsfs_fs *fs_of(fuse_req_t req)
{
    return fuse_req_userdata(req);
}

static struct node *node_of(fuse_req_t req, fuse_ino_t ino)
{
    if (ino == FUSE_ROOT_ID)
        return &fs_of(req)->root;
    return (struct node *)(uintptr_t)ino;
}

/* The calling thread's id, for the per-client counts. */
static int caller(fuse_req_t req)
{
    return (int)fuse_req_ctx(req)->pid;
}

static size_t bucket_of(dev_t dev, ino_t ino)
{
    return (size_t)((ino * 31u + dev) % NODE_BUCKETS);
}

int mdsfs_fs_create(const struct mdsfs_fs_config *cfg, struct mdsfs_server *server, struct mdsfs_fs **out, char *err,
                    size_t errlen)
{
    struct mdsfs_fs *fs = calloc(1, sizeof *fs);
    if (!fs) {
        pyn_format_middle(err, errlen, "source %s: out of memory", cfg->source);
        return -ENOMEM;
    }
    fs->cfg = *cfg;
    fs->server = server;
    fs->root.fd = open(cfg->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fs->root.fd < 0) {
        int rc = -errno;
        pyn_format_middle(err, errlen, "source %s: open: %s", cfg->source, strerror(errno));
        free(fs);
        return rc;
    }
    struct stat st;
    if (fstat(fs->root.fd, &st) != 0) {
        int rc = -errno;
        pyn_format_middle(err, errlen, "source %s: stat: %s", cfg->source, strerror(errno));
        close(fs->root.fd);
        free(fs);
        return rc;
    }
    fs->root.dev = st.st_dev;
    fs->root.ino = st.st_ino;
    fs->root.nlookup = 2; /* never freed */
    fs->stats_node.fd = -1;
    pthread_mutex_init(&fs->nodes_lock, NULL);
    pthread_mutex_init(&fs->handles_lock, NULL);
    *out = fs;
    return 0;
}

void mdsfs_fs_destroy(struct mdsfs_fs *fs)
{
    if (!fs)
        return;
    for (size_t b = 0; b < NODE_BUCKETS; ++b) {
        for (struct node *n = fs->buckets[b], *next; n; n = next) {
            next = n->next;
            close(n->fd);
            free(n);
        }
    }
    while (fs->handles)
        handle_release(fs, fs->handles);
    close(fs->root.fd);
    pthread_mutex_destroy(&fs->nodes_lock);
    pthread_mutex_destroy(&fs->handles_lock);
    free(fs);
}

/* The node for (dev, ino), one more kernel reference to it. Takes over fd
 * (closes it when the node already exists). NULL when out of memory. */
static struct node *node_get(struct mdsfs_fs *fs, int fd, const struct stat *st)
{
    size_t b = bucket_of(st->st_dev, st->st_ino);
    pthread_mutex_lock(&fs->nodes_lock);
    struct node *n = fs->buckets[b];
    while (n && !(n->dev == st->st_dev && n->ino == st->st_ino))
        n = n->next;
    if (n) {
        close(fd);
    } else if ((n = calloc(1, sizeof *n))) {
        n->fd = fd;
        n->dev = st->st_dev;
        n->ino = st->st_ino;
        n->next = fs->buckets[b];
        fs->buckets[b] = n;
    }
    if (n)
        n->nlookup++;
    pthread_mutex_unlock(&fs->nodes_lock);
    return n;
}

static void node_forget(struct mdsfs_fs *fs, struct node *n, uint64_t nlookup)
{
    if (n == &fs->root || n == &fs->stats_node)
        return;
    pthread_mutex_lock(&fs->nodes_lock);
    n->nlookup = n->nlookup > nlookup ? n->nlookup - nlookup : 0;
    if (n->nlookup == 0) {
        struct node **p = &fs->buckets[bucket_of(n->dev, n->ino)];
        while (*p && *p != n)
            p = &(*p)->next;
        if (*p)
            *p = n->next;
        close(n->fd);
        free(n);
    }
    pthread_mutex_unlock(&fs->nodes_lock);
}

static void stats_attr(struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = (ino_t)-2;
    st->st_mode = S_IFREG | 0444;
    st->st_nlink = 1;
    /* Size 0: its content is made at open and read with direct_io. */
}

static int is_stats_name(fuse_ino_t parent, const char *name)
{
    return parent == FUSE_ROOT_ID && strcmp(name, MDSFS_STATS_NAME) == 0;
}

/* The real lookup, inside the server's service. Returns 0 or an errno. */
static int do_lookup(struct mdsfs_fs *fs, struct node *parent, const char *name, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof *e);
    int fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
        int rc = errno;
        close(fd);
        return rc;
    }
    struct node *n = node_get(fs, fd, &e->attr);
    if (!n)
        return ENOMEM;
    e->ino = (fuse_ino_t)(uintptr_t)n;
    e->attr_timeout = fs->cfg.attr_timeout;
    e->entry_timeout = fs->cfg.entry_timeout;
    return 0;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct mdsfs_fs *fs = fs_of(req);
    struct fuse_entry_param e;
    if (is_stats_name(parent, name)) {
        memset(&e, 0, sizeof e);
        e.ino = (fuse_ino_t)(uintptr_t)&fs->stats_node;
        stats_attr(&e.attr);
        fuse_reply_entry(req, &e);
        return;
    }
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    int rc = do_lookup(fs, node_of(req, parent), name, &e);
    mdsfs_server_leave(fs->server, &t, rc == ENOENT ? MDSFS_OP_LOOKUP_ENOENT : MDSFS_OP_LOOKUP, caller(req));
    if (rc == ENOENT && fs->cfg.negative_timeout > 0) {
        /* Node id 0: a negative entry the kernel may cache this long. */
        memset(&e, 0, sizeof e);
        e.entry_timeout = fs->cfg.negative_timeout;
        fuse_reply_entry(req, &e);
    } else if (rc) {
        fuse_reply_err(req, rc);
    } else if (fuse_reply_entry(req, &e) != 0) {
        node_forget(fs, (struct node *)(uintptr_t)e.ino, 1); /* the kernel never got it */
    }
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    node_forget(fs_of(req), node_of(req, ino), nlookup);
    fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
    for (size_t i = 0; i < count; ++i)
        node_forget(fs_of(req), node_of(req, forgets[i].ino), forgets[i].nlookup);
    fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    struct mdsfs_fs *fs = fs_of(req);
    struct node *n = node_of(req, ino);
    struct stat st;
    if (n == &fs->stats_node) {
        stats_attr(&st);
        fuse_reply_attr(req, &st, 0);
        return;
    }
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    int rc = fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_GETATTR, caller(req));
    if (rc)
        fuse_reply_err(req, rc);
    else
        fuse_reply_attr(req, &st, fs->cfg.attr_timeout);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
    struct mdsfs_fs *fs = fs_of(req);
    struct node *n = node_of(req, ino);
    char buf[PATH_MAX + 1];
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    ssize_t len = n->fd >= 0 ? readlinkat(n->fd, "", buf, sizeof buf) : -1;
    int rc = len < 0 ? (n->fd >= 0 ? errno : EINVAL) : (size_t)len >= sizeof buf ? ENAMETOOLONG : 0;
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_READLINK, caller(req));
    if (rc) {
        fuse_reply_err(req, rc);
        return;
    }
    buf[len] = '\0';
    fuse_reply_readlink(req, buf);
}

/* Opens the node's real file through its O_PATH descriptor. */
static int reopen(const struct node *n, int flags)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", n->fd);
    return open(path, flags | O_CLOEXEC);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct mdsfs_fs *fs = fs_of(req);
    struct node *n = node_of(req, ino);
    if ((fi->flags & O_ACCMODE) != O_RDONLY) {
        fuse_reply_err(req, EROFS);
        return;
    }
    if (n == &fs->stats_node) {
        struct stats_handle *h = calloc(1, sizeof *h);
        json_t *doc = fs->cfg.stats(fs->cfg.stats_ctx);
        char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(9)) : NULL;
        json_decref(doc);
        if (!h || !text) {
            free(h);
            free(text);
            fuse_reply_err(req, ENOMEM);
            return;
        }
        h->len = strlen(text) + 1;
        text[h->len - 1] = '\n'; /* a text file ends with a newline */
        h->text = text;
        handle_track(fs, &h->link, stats_handle_free);
        fi->fh = (uint64_t)(uintptr_t)h;
        fi->direct_io = 1;
        if (fuse_reply_open(req, fi) != 0)
            handle_release(fs, &h->link);
        return;
    }
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    int fd = reopen(n, O_RDONLY | (fi->flags & (O_NOATIME | O_NONBLOCK)));
    int rc = fd < 0 ? errno : 0;
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_OPEN, caller(req));
    if (rc) {
        fuse_reply_err(req, rc);
        return;
    }
    fi->fh = (uint64_t)fd;
    fi->keep_cache = fs->cfg.data_cache == MDSFS_CACHE_KEEP;
    fi->direct_io = fs->cfg.data_cache == MDSFS_CACHE_DIRECT;
    if (fuse_reply_open(req, fi) != 0)
        close(fd);
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    struct mdsfs_fs *fs = fs_of(req);
    if (node_of(req, ino) == &fs->stats_node) {
        const struct stats_handle *h = (const struct stats_handle *)(uintptr_t)fi->fh;
        size_t start = off < 0 ? 0 : (size_t)off < h->len ? (size_t)off : h->len;
        size_t n = h->len - start < size ? h->len - start : size;
        /* Reply from a copy: once the reply is written the reader may close
         * and its release (another thread) free h, while this thread is
         * still returning from the write (ASan's writev hook reads the
         * buffer after the system call). */
        char *copy = malloc(n ? n : 1);
        if (!copy) {
            fuse_reply_err(req, ENOMEM);
            return;
        }
        memcpy(copy, h->text + start, n);
        fuse_reply_buf(req, copy, n);
        free(copy);
        return;
    }
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    ssize_t got = pread((int)fi->fh, buf, size, off);
    if (got < 0) {
        int rc = errno;
        free(buf);
        fuse_reply_err(req, rc);
        return;
    }
    /* Data comes from many storage servers: delayed, never queued. */
    uint64_t delay = fs->cfg.read_latency_ns;
    if (fs->cfg.read_bytes_per_s)
        delay += (uint64_t)((double)got * 1e9 / (double)fs->cfg.read_bytes_per_s);
    if (delay)
        sleep_ns(delay);
    mdsfs_server_count_read(fs->server, (uint64_t)got, delay);
    fuse_reply_buf(req, buf, (size_t)got);
    free(buf);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct mdsfs_fs *fs = fs_of(req);
    if (node_of(req, ino) == &fs->stats_node) {
        handle_release(fs, (struct open_handle *)(uintptr_t)fi->fh);
    } else {
        close((int)fi->fh);
    }
    fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct mdsfs_fs *fs = fs_of(req);
    struct node *n = node_of(req, ino);
    struct dir_handle *d = calloc(1, sizeof *d);
    if (!d) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    int rc = 0;
    int fd = n->fd >= 0 ? openat(n->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0)
        rc = n->fd >= 0 ? errno : ENOTDIR;
    else if (!(d->dp = fdopendir(fd))) {
        rc = errno;
        close(fd);
    }
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_OPENDIR, caller(req));
    if (rc) {
        free(d);
        fuse_reply_err(req, rc);
        return;
    }
    handle_track(fs, &d->link, dir_handle_free);
    fi->fh = (uint64_t)(uintptr_t)d;
    if (fuse_reply_open(req, fi) != 0)
        handle_release(fs, &d->link);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)ino;
    struct mdsfs_fs *fs = fs_of(req);
    struct dir_handle *d = (struct dir_handle *)(uintptr_t)fi->fh;
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    if (off != d->offset) {
        seekdir(d->dp, off);
        d->entry = NULL;
        d->offset = off;
    }
    size_t used = 0;
    int rc = 0;
    for (;;) {
        if (!d->entry) {
            errno = 0;
            d->entry = readdir(d->dp);
            if (!d->entry) {
                rc = errno;
                break;
            }
        }
        struct stat st = {.st_ino = d->entry->d_ino, .st_mode = (mode_t)d->entry->d_type << 12};
        off_t next = telldir(d->dp);
        size_t len = fuse_add_direntry(req, buf + used, size - used, d->entry->d_name, &st, next);
        if (len > size - used)
            break;
        used += len;
        d->entry = NULL;
        d->offset = next;
    }
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_READDIR, caller(req));
    /* Entries already added are returned; an error only when there are none. */
    if (rc && used == 0)
        fuse_reply_err(req, rc);
    else
        fuse_reply_buf(req, buf, used);
    free(buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    handle_release(fs_of(req), (struct open_handle *)(uintptr_t)fi->fh);
    fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
    struct mdsfs_fs *fs = fs_of(req);
    struct node *n = node_of(req, ino);
    struct statvfs sv;
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    int rc = fstatvfs(n->fd >= 0 ? n->fd : fs->root.fd, &sv) == 0 ? 0 : errno;
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_STATFS, caller(req));
    if (rc)
        fuse_reply_err(req, rc);
    else
        fuse_reply_statfs(req, &sv);
}

static void op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    struct mdsfs_fs *fs = fs_of(req);
    struct node *n = node_of(req, ino);
    if (n == &fs->stats_node) {
        fuse_reply_err(req, (mask & (W_OK | X_OK)) ? EACCES : 0);
        return;
    }
    struct mdsfs_ticket t;
    mdsfs_server_enter(fs->server, &t);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", n->fd);
    int rc = (mask & W_OK) ? EROFS : access(path, mask) == 0 ? 0 : errno;
    mdsfs_server_leave(fs->server, &t, MDSFS_OP_ACCESS, caller(req));
    fuse_reply_err(req, rc);
}

static const struct fuse_lowlevel_ops operations = {
    .lookup = op_lookup,
    .forget = op_forget,
    .forget_multi = op_forget_multi,
    .getattr = op_getattr,
    .readlink = op_readlink,
    .open = op_open,
    .read = op_read,
    .release = op_release,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .releasedir = op_releasedir,
    .statfs = op_statfs,
    .access = op_access,
};

const struct fuse_lowlevel_ops *mdsfs_fs_operations(void)
{
    return &operations;
}
