/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stage_dir.h: the job directories --stage bcast makes under
 * --stage-dir, and what a killed job left there.
 *
 * A job's directory is named "pynamic-stage.<host>.<pid>.<16 hex digits
 * from getrandom>": a pid reused after a SIGKILL cannot collide with what
 * the killed job left. Its leader holds a lock on it (flock on the
 * directory) for the job's life; the kernel drops the lock when the job
 * dies however it dies, so a directory whose lock is free belongs to no
 * running job and the next job on the host removes it. One kind of
 * pyn_lockdir.h's directories. libc only. */
#ifndef PYN_STAGE_DIR_H
#define PYN_STAGE_DIR_H

#include <stddef.h>

#define PYN_STAGE_DIR_PREFIX "pynamic-stage."

/* Writes "ROOT/pynamic-stage.HOST.PID.XXXXXXXXXXXXXXXX" into buf. Returns
 * 0, or -ENAMETOOLONG when it does not fit. */
int pyn_stage_dir_name(char *buf, size_t len, const char *root, const char *host, long pid);

/* Creates dir (0700) and takes its lock, which stays held until
 * pyn_stage_dir_unlock(*lock_fd). A reaper that removed the new directory
 * before it was locked is detected and the directory made again. Returns
 * 0, or -errno with one line in err ("stage: mkdir DIR: ..."). */
int pyn_stage_dir_create(const char *dir, int *lock_fd, char *err, size_t errlen);

/* Drops the lock (fd < 0: nothing). */
void pyn_stage_dir_unlock(int fd);

/* Removes from root every directory named as pyn_stage_dir_name names them,
 * owned by this user, whose lock is free, with all it holds; a directory
 * whose lock is held (a running job) is left alone. Returns how many it
 * removed, their names in names (", "-separated, cut at nameslen), or
 * -errno with one line in err (root cannot be listed; a directory that
 * cannot be removed). */
int pyn_stage_dir_reap(const char *root, char *names, size_t nameslen, char *err, size_t errlen);

#endif
