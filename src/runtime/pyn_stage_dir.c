/* The job directories of --stage bcast (pyn_stage_dir.h). flock, not
 * fcntl locks: an fcntl lock is dropped when the process closes any
 * descriptor of the file, and the lock must live exactly as long as the
 * job's leader. */
#define _GNU_SOURCE
#include "pyn_stage_dir.h"

#include "pyn_tool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
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
    /* A long --stage-dir loses its middle, never the cause at the end. */
    va_list ap;
    va_start(ap, fmt);
    pyn_vformat_middle(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

int pyn_stage_dir_name(char *buf, size_t len, const char *root, const char *host, long pid)
{
    uint64_t r = 0;
    /* Without entropy (an old kernel), the clock still separates two jobs of one pid. */
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
    int n = snprintf(buf, len, "%s/" PYN_STAGE_DIR_PREFIX "%s.%ld.%016" PRIx64, root, host, pid, r);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int pyn_stage_dir_create(const char *dir, int *lock_fd, char *err, size_t errlen)
{
    *lock_fd = -1;
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (mkdir(dir, 0700) != 0)
            return say(err, errlen, -errno, "stage: mkdir %s: %s", dir, strerror(errno));
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 && errno != ENOENT)
            return say(err, errlen, -errno, "stage: lock %s: open: %s", dir, strerror(errno));
        if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
            int e = errno;
            close(fd);
            return say(err, errlen, -e, "stage: lock %s: flock: %s", dir, strerror(e));
        }
        /* Between mkdir and flock another job's reaper may have taken the
         * free lock and removed the empty directory: then make it again. */
        struct stat held, named;
        if (fd >= 0 && fstat(fd, &held) == 0 && stat(dir, &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev) {
            *lock_fd = fd;
            return 0;
        }
        if (fd >= 0)
            close(fd);
    }
    return say(err, errlen, -EAGAIN, "stage: mkdir %s: removed by another job as soon as it was made", dir);
}

void pyn_stage_dir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* the last descriptor of the lock: it is free */
}

/* "pynamic-stage.HOST.PID.XXXXXXXXXXXXXXXX": the host may hold dots, so
 * read from the end: 16 hex digits, a dot, digits, a dot. */
static int is_job_name(const char *name)
{
    size_t n = strlen(name), p = strlen(PYN_STAGE_DIR_PREFIX);
    if (n < p + 1 + 1 + 1 + 1 + 16 || strncmp(name, PYN_STAGE_DIR_PREFIX, p) != 0)
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

int pyn_stage_dir_reap(const char *root, char *names, size_t nameslen, char *err, size_t errlen)
{
    if (nameslen)
        names[0] = '\0';
    DIR *d = opendir(root);
    if (!d)
        return say(err, errlen, -errno, "stage: --stage-dir %s: %s", root, strerror(errno));
    int removed = 0, rc = 0;
    size_t used = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!is_job_name(e->d_name))
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            continue; /* not a directory, or gone already */
        struct stat sb;
        /* A held lock is a running job; another user's directory is theirs to reap. */
        if (fstat(fd, &sb) != 0 || sb.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        /* Holding the lock while removing: a job that made this name just
         * now sees its directory replaced and makes it again. */
        if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0 && errno != ENOENT)
            rc = say(err, errlen, -errno, "stage: remove %s, left by a job no longer running: %s", path,
                     strerror(errno));
        close(fd);
        if (rc == 0) {
            ++removed;
            if (used < nameslen) {
                int n = snprintf(names + used, nameslen - used, "%s%s", removed > 1 ? ", " : "", e->d_name);
                used += n > 0 ? (size_t)n : 0;
            }
        }
    }
    closedir(d);
    return rc ? rc : removed;
}
