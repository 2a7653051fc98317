/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_lockdir.h: directories a run holds for its life, and what a killed
 * run left of them. --stage bcast's job directories (pyn_stage_dir.h) and
 * the Python modes' search directories (pyn_pymode.h) are two kinds.
 *
 * A directory is named "ROOT/<prefix><host>.<pid>.<16 hex digits from
 * getrandom>": a pid reused after a SIGKILL cannot collide with what the
 * killed run left. Its maker holds a lock on it (flock on the directory)
 * for its life; the kernel drops the lock when the process dies however it
 * dies, so a directory whose lock is free belongs to no running process
 * and the next run removes it. libc only. */
#ifndef PYN_LOCKDIR_H
#define PYN_LOCKDIR_H

#include <stddef.h>

/* What a kind of directory is called, and how its messages read. */
struct pyn_lockdir_kind {
    const char *prefix; /* the names' start, ending in '.': "pynamic-stage." */
    const char *who;    /* the messages' first word: "stage" ("stage: mkdir DIR: ...") */
    const char *root;   /* how a root that cannot be listed is named: "--stage-dir" ("stage: --stage-dir ROOT: ...") */
    const char *holder; /* what held a directory: "job" ("... left by a job no longer running") */
};

/* Writes "ROOT/<prefix>HOST.PID.XXXXXXXXXXXXXXXX" into buf. Returns 0, or
 * -ENAMETOOLONG when it does not fit. */
int pyn_lockdir_name(const struct pyn_lockdir_kind *kind, char *buf, size_t len, const char *root, const char *host,
                     long pid);

/* Creates dir (0700) and takes its lock, which stays held until
 * pyn_lockdir_unlock(*lock_fd). A reaper that removed the new directory
 * before it was locked is detected and the directory made again. Returns
 * 0, or -errno with one line in err ("<who>: mkdir DIR: ..."). */
int pyn_lockdir_create(const struct pyn_lockdir_kind *kind, const char *dir, int *lock_fd, char *err, size_t errlen);

/* Drops the lock (fd < 0: nothing). */
void pyn_lockdir_unlock(int fd);

/* Removes from root every directory named as pyn_lockdir_name names this
 * kind, owned by this user, whose lock is free, with all it holds; a
 * directory whose lock is held (a running process) is left alone, and one
 * another reaper removed first is not counted. Returns how many it
 * removed, their names in names (", "-separated, cut at nameslen), or
 * -errno with one line in err (root cannot be listed; a directory that
 * cannot be removed). */
int pyn_lockdir_reap(const struct pyn_lockdir_kind *kind, const char *root, char *names, size_t nameslen, char *err,
                     size_t errlen);

#endif
