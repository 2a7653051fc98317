/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_files.h"
#include "gen_signals.h"
#include "pyn_tool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, int e, const char *what, const char *path)
{
    pyn_format_middle(err, errlen, "cannot %s '%s': %s", what, path, strerror(e));
    return -e;
}

/* mkdir -p: every missing component of path. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    pyn_gen_buf p;
    pyn_gen_buf_init(&p);
    pyn_gen_buf_puts(&p, path);
    if (pyn_gen_buf_failed(&p))
        return fail(err, errlen, ENOMEM, "create directory", path);
    int rc = 0;
    for (size_t i = 1; i <= p.len; ++i) {
        if (i < p.len && p.data[i] != '/')
            continue;
        char saved = p.data[i];
        p.data[i] = '\0';
        if (mkdir(p.data, 0777) != 0 && errno != EEXIST) {
            rc = fail(err, errlen, errno, "create directory", p.data);
            break;
        }
        p.data[i] = saved;
    }
    /* EEXIST also covers a regular file in the way. */
    struct stat st;
    if (rc == 0 && stat(path, &st) != 0)
        rc = fail(err, errlen, errno, "create directory", path);
    else if (rc == 0 && !S_ISDIR(st.st_mode))
        rc = fail(err, errlen, ENOTDIR, "create directory", path);
    pyn_gen_buf_free(&p);
    return rc;
}

int pyn_gen_tree_open(pyn_gen_tree *t, const char *dir, char *err, size_t errlen)
{
    t->dir = dir;
    t->manifest_removed = 0;
    mode_t mask = umask(0);
    umask(mask);
    t->file_mode = 0666 & ~mask;
    pyn_gen_buf_init(&t->src_dir);
    pyn_gen_buf_init(&t->manifest);
    pyn_gen_buf_printf(&t->src_dir, "%s/src", dir);
    pyn_gen_buf_printf(&t->manifest, "%s/manifest.json", dir);
    if (pyn_gen_buf_failed(&t->src_dir) || pyn_gen_buf_failed(&t->manifest))
        return fail(err, errlen, ENOMEM, "create directory", dir);
    int rc = make_dirs(dir, err, errlen);
    if (rc == 0)
        rc = make_dirs(t->src_dir.data, err, errlen);
    return rc;
}

void pyn_gen_tree_close(pyn_gen_tree *t)
{
    pyn_gen_buf_free(&t->src_dir);
    pyn_gen_buf_free(&t->manifest);
}

int pyn_gen_tree_invalidate(pyn_gen_tree *t, char *err, size_t errlen)
{
    if (t->manifest_removed)
        return 0;
    if (unlink(t->manifest.data) != 0 && errno != ENOENT)
        return fail(err, errlen, errno, "remove", t->manifest.data);
    t->manifest_removed = 1;
    return 0;
}

int pyn_gen_file_equals(const char *path, const pyn_gen_buf *content, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? 0 : fail(err, errlen, errno, "open", path);
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) {
        rc = fail(err, errlen, errno, "stat", path);
    } else if (S_ISREG(st.st_mode) && (size_t)st.st_size == content->len) {
        char chunk[65536];
        size_t at = 0;
        rc = 1;
        while (at < content->len) {
            ssize_t n = read(fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                rc = fail(err, errlen, errno, "read", path);
                break;
            }
            if (n == 0 || (size_t)n > content->len - at || memcmp(chunk, content->data + at, (size_t)n) != 0) {
                rc = 0;
                break;
            }
            at += (size_t)n;
        }
    }
    close(fd);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int pyn_gen_write_if_changed(pyn_gen_tree *t, const char *path, const pyn_gen_buf *content, int *written, char *err,
                             size_t errlen)
{
    *written = 0;
    int same = pyn_gen_file_equals(path, content, err, errlen);
    if (same < 0)
        return same;
    if (same)
        return 0;
    int rc = pyn_gen_tree_invalidate(t, err, errlen);
    if (rc)
        return rc;

    /* The temporary lives beside the target so that rename() is atomic;
     * its name cannot match a generated file's. */
    pyn_gen_buf tmp;
    pyn_gen_buf_init(&tmp);
    pyn_gen_buf_printf(&tmp, "%s.tmp-XXXXXX", path);
    if (pyn_gen_buf_failed(&tmp))
        return fail(err, errlen, ENOMEM, "write", path);
    int fd = mkstemp(tmp.data);
    pyn_gen_signals_temporary(fd >= 0 ? tmp.data : NULL);
    if (fd < 0) {
        rc = fail(err, errlen, errno, "write", path);
        pyn_gen_buf_free(&tmp);
        return rc;
    }
    int e = write_all(fd, content->data, content->len);
    if (e == 0 && fchmod(fd, t->file_mode) != 0)
        e = -errno;
    if (close(fd) != 0 && e == 0)
        e = -errno;
    if (e == 0 && rename(tmp.data, path) != 0)
        e = -errno;
    if (e) {
        unlink(tmp.data);
        rc = fail(err, errlen, -e, "write", path);
    } else {
        *written = 1;
    }
    pyn_gen_signals_temporary(NULL);
    pyn_gen_buf_free(&tmp);
    return rc;
}

/* The index of a generated source name "<prefix><digits>.c" written the
 * way the generator writes it (no leading zeros), or -1. */
static long generated_index(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0)
        return -1;
    const char *d = name + pl;
    size_t nd = strspn(d, "0123456789");
    if (nd == 0 || nd > 9 || strcmp(d + nd, ".c") != 0 || (d[0] == '0' && nd > 1))
        return -1;
    return strtol(d, NULL, 10);
}

int pyn_gen_remove_stale(pyn_gen_tree *t, unsigned nutil, unsigned nmod, unsigned *removed, char *err, size_t errlen)
{
    *removed = 0;
    DIR *d = opendir(t->src_dir.data);
    if (!d)
        return fail(err, errlen, errno, "read directory", t->src_dir.data);
    pyn_gen_buf path;
    pyn_gen_buf_init(&path);
    int rc = 0;
    struct dirent *e;
    /* Entries are only unlinked, never added, while reading: readdir still
     * returns every other entry exactly once. */
    while ((e = readdir(d)) != NULL) {
        long u = generated_index(e->d_name, "libutility");
        long mo = generated_index(e->d_name, "libmodule");
        if (!((u >= 0 && (unsigned long)u >= nutil) || (mo >= 0 && (unsigned long)mo >= nmod)))
            continue;
        pyn_gen_buf_clear(&path);
        pyn_gen_buf_printf(&path, "%s/%s", t->src_dir.data, e->d_name);
        if (pyn_gen_buf_failed(&path)) {
            rc = fail(err, errlen, ENOMEM, "remove", e->d_name);
            break;
        }
        rc = pyn_gen_tree_invalidate(t, err, errlen);
        if (rc)
            break;
        if (unlink(path.data) != 0) {
            rc = fail(err, errlen, errno, "remove", path.data);
            break;
        }
        ++*removed;
    }
    closedir(d);
    pyn_gen_buf_free(&path);
    return rc;
}

/* "NAME.tmp-XXXXXX" as pyn_gen_write_if_changed makes them (mkstemp's six
 * letters and digits), NAME ending in suffix (whole: NAME is suffix). */
static int is_temporary(const char *name, const char *suffix, int whole)
{
    static const char mark[] = ".tmp-";
    const char *t = strstr(name, mark);
    if (!t || t == name || strlen(t) != sizeof mark - 1 + 6)
        return 0;
    for (const char *c = t + sizeof mark - 1; *c; ++c)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return 0;
    size_t sl = strlen(suffix), nl = (size_t)(t - name);
    return (whole ? nl == sl : nl > sl) && strncmp(t - sl, suffix, sl) == 0;
}

/* Removes dir's temporaries of the names in suffixes (see is_temporary). */
static int remove_temporaries_in(const char *dir, const char *const *suffixes, int whole, unsigned *removed, char *err,
                                 size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return fail(err, errlen, errno, "read directory", dir);
    pyn_gen_buf path;
    pyn_gen_buf_init(&path);
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        int match = 0;
        for (const char *const *s = suffixes; *s && !match; ++s)
            match = is_temporary(e->d_name, *s, whole);
        if (!match)
            continue;
        pyn_gen_buf_clear(&path);
        pyn_gen_buf_printf(&path, "%s/%s", dir, e->d_name);
        if (pyn_gen_buf_failed(&path))
            rc = fail(err, errlen, ENOMEM, "remove", e->d_name);
        else if (unlink(path.data) != 0 && errno != ENOENT)
            rc = fail(err, errlen, errno, "remove", path.data);
        else
            ++*removed;
    }
    closedir(d);
    pyn_gen_buf_free(&path);
    return rc;
}

int pyn_gen_remove_temporaries(pyn_gen_tree *t, unsigned *removed, char *err, size_t errlen)
{
    static const char *const sources[] = {".c", NULL};
    static const char *const top[] = {"targets.cmake", "manifest.json", NULL};
    *removed = 0;
    int rc = remove_temporaries_in(t->src_dir.data, sources, 0, removed, err, errlen);
    return rc ? rc : remove_temporaries_in(t->dir, top, 1, removed, err, errlen);
}
