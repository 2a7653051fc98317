/* SPDX-License-Identifier: BSD-3-Clause */
/* The job directories of --stage bcast (pyn_stage_dir.h): one kind of the
 * lock-held directories of pyn_lockdir.h. */
#include "pyn_stage_dir.h"

#include "pyn_lockdir.h"

static const struct pyn_lockdir_kind stage_kind = {
    .prefix = PYN_STAGE_DIR_PREFIX, .who = "stage", .root = "--stage-dir", .holder = "job"};

int pyn_stage_dir_name(char *buf, size_t len, const char *root, const char *host, long pid)
{
    return pyn_lockdir_name(&stage_kind, buf, len, root, host, pid);
}

int pyn_stage_dir_create(const char *dir, int *lock_fd, char *err, size_t errlen)
{
    return pyn_lockdir_create(&stage_kind, dir, lock_fd, err, errlen);
}

void pyn_stage_dir_unlock(int fd)
{
    pyn_lockdir_unlock(fd);
}

int pyn_stage_dir_reap(const char *root, char *names, size_t nameslen, char *err, size_t errlen)
{
    return pyn_lockdir_reap(&stage_kind, root, names, nameslen, err, errlen);
}
