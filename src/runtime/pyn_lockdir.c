/* SPDX-License-Identifier: BSD-3-Clause */
/* Directories held for a run's life (pyn_lockdir.h). flock, not fcntl
 * locks: an fcntl lock is dropped when the process closes any descriptor
 * of the file, and the lock must live exactly as long as its holder. */
#define _GNU_SOURCE
#include "pyn_lockdir.h"

#include "pyn_tool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int say(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    /* A long root loses its middle, never the cause at the end. */
    va_list ap;
    va_start(ap, fmt);
    pyn_vformat_middle(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

int pyn_lockdir_name(const struct pyn_lockdir_kind *kind, char *buf, size_t len, const char *root, const char *host,
                     long pid)
{
    uint64_t r = 0;
    /* Without entropy (an old kernel), the clock still separates two runs of one pid. */
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
    int n = snprintf(buf, len, "%s/%s%s.%ld.%016" PRIx64, root, kind->prefix, host, pid, r);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int pyn_lockdir_create(const struct pyn_lockdir_kind *kind, const char *dir, int *lock_fd, char *err, size_t errlen)
{
    *lock_fd = -1;
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (mkdir(dir, 0700) != 0)
            return say(err, errlen, -errno, "%s: mkdir %s: %s", kind->who, dir, strerror(errno));
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 && errno != ENOENT)
            return say(err, errlen, -errno, "%s: lock %s: open: %s", kind->who, dir, strerror(errno));
        if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
            int e = errno;
            close(fd);
            return say(err, errlen, -e, "%s: lock %s: flock: %s", kind->who, dir, strerror(e));
        }
        /* Between mkdir and flock a reaper may have taken the free lock
         * and removed the empty directory: then make it again. */
        struct stat held, named;
        if (fd >= 0 && fstat(fd, &held) == 0 && stat(dir, &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev) {
            *lock_fd = fd;
            return 0;
        }
        if (fd >= 0)
            close(fd);
    }
    return say(err, errlen, -EAGAIN, "%s: mkdir %s: removed by another %s as soon as it was made", kind->who, dir,
               kind->holder);
}

void pyn_lockdir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* the last descriptor of the lock: it is free */
}

/* "<prefix>HOST.PID.XXXXXXXXXXXXXXXX": the host may hold dots, so read
 * from the end: 16 hex digits, a dot, digits, a dot. */
static int is_kind_name(const struct pyn_lockdir_kind *kind, const char *name)
{
    size_t n = strlen(name), p = strlen(kind->prefix);
    if (n < p + 1 + 1 + 1 + 1 + 16 || strncmp(name, kind->prefix, p) != 0)
        return 0;
    const char *hex = name + n - 16;
    for (int i = 0; i < 16; ++i)
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
            return 0;
    const char *q = hex - 1;
    if (*q != '.')
        return 0;
    const char *digits_end = q;
    while (q > name + p && q[-1] >= '0' && q[-1] <= '9')
        --q;
    return q < digits_end && q > name + p + 1 && q[-1] == '.';
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) != 0 ? -1 : 0;
}

int pyn_lockdir_reap(const struct pyn_lockdir_kind *kind, const char *root, char *names, size_t nameslen, char *err,
                     size_t errlen)
{
    if (nameslen)
        names[0] = '\0';
    DIR *d = opendir(root);
    if (!d)
        return say(err, errlen, -errno, "%s: %s %s: %s", kind->who, kind->root, root, strerror(errno));
    int removed = 0, rc = 0;
    size_t used = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!is_kind_name(kind, e->d_name))
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            continue; /* not a directory, or gone already */
        struct stat sb, named;
        /* A held lock is a running process; another user's directory is
         * theirs to reap. A directory no longer under its name once the
         * lock is ours was removed by another reaper (another run starting
         * on this host): not ours to count. */
        if (fstat(fd, &sb) != 0 || sb.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) != 0 ||
            fstatat(dirfd(d), e->d_name, &named, AT_SYMLINK_NOFOLLOW) != 0 || named.st_ino != sb.st_ino ||
            named.st_dev != sb.st_dev) {
            close(fd);
            continue;
        }
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        /* Holding the lock while removing: a process that made this name
         * just now sees its directory replaced and makes it again. */
        if (n < 0 || (size_t)n >= sizeof path)
            rc = say(err, errlen, -ENAMETOOLONG, "%s: remove %s/%s, left by a %s no longer running: %s", kind->who,
                     root, e->d_name, kind->holder, strerror(ENAMETOOLONG));
        else if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0 && errno != ENOENT)
            rc = say(err, errlen, -errno, "%s: remove %s, left by a %s no longer running: %s", kind->who, path,
                     kind->holder, strerror(errno));
        close(fd);
        if (rc == 0) {
            ++removed;
            if (used < nameslen) {
                int w = snprintf(names + used, nameslen - used, "%s%s", removed > 1 ? ", " : "", e->d_name);
                used += w > 0 ? (size_t)w : 0;
            }
        }
    }
    closedir(d);
    return rc ? rc : removed;
}
