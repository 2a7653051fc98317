/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include "pyn_file.h"

#include "pyn_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pyn_file_read_all(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pyn_format_middle(err, errlen, "read %s: open: %s", path, strerror(e));
        return -e;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            pyn_format_middle(err, errlen, "read %s: out of memory", path);
            return -ENOMEM;
        }
        if (n + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            pyn_format_middle(err, errlen, "read %s: read: %s", path, strerror(e));
            return -e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int pyn_file_create_temp(const char *path, char **tmp)
{
    /* Not "<path>.tmp.XXXXXX": for a name of 245 bytes or more that is longer than NAME_MAX. */
    enum { KEEP = 32 };
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    size_t keep = strlen(base) < KEEP ? strlen(base) : KEEP;
    while (keep > 0 && ((unsigned char)base[keep] & 0xc0) == 0x80) /* not inside a UTF-8 sequence */
        --keep;
    *tmp = NULL;
    char *name = NULL;
    if (asprintf(&name, "%.*s%.*s.tmp.XXXXXX", (int)(base - path), path, (int)keep, base) < 0)
        return -ENOMEM;
    int fd = mkostemp(name, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(name);
        return -e;
    }
    *tmp = name;
    return fd;
}

static int fail(const char *path, const char *call, int e, char *err, size_t errlen)
{
    pyn_format_middle(err, errlen, "write %s: %s: %s", path, call, strerror(e));
    return -e;
}

int pyn_file_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    /* rename() would replace whatever is there: as root, even /dev/full or a
     * FIFO. Only ever replace a regular file. */
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        pyn_format_middle(err, errlen, "write %s: it exists and is not a regular file; give a file path", path);
        return -EEXIST;
    }
    char *tmp = NULL;
    int fd = pyn_file_create_temp(path, &tmp);
    if (fd < 0)
        return fail(path, "create temporary file", -fd, err, errlen);
    const char *p = data;
    size_t left = len;
    const char *call = NULL;
    int e = 0;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            call = "write";
            e = errno;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    /* Reports are small; fsync makes "renamed" mean "on disk" for readers on other nodes. */
    if (!call && fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
        call = "fsync";
        e = errno;
    }
    /* mkostemp creates 0600; reports are meant to be shared like any output file. */
    if (!call) {
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) != 0) {
            call = "fchmod";
            e = errno;
        }
    }
    if (close(fd) != 0 && !call) {
        call = "close";
        e = errno;
    }
    if (!call && rename(tmp, path) != 0) {
        call = "rename";
        e = errno;
    }
    if (call) {
        unlink(tmp);
        free(tmp);
        return fail(path, call, e, err, errlen);
    }
    free(tmp);
    return 0;
}
