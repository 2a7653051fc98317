/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_stage_dir: unique names, the leader's lock, and the reaping of what
 * jobs no longer running left, one process without MPI. A lock held by this
 * process through another open file description stands for a running job. */
#define _GNU_SOURCE
#include "pyn_check.h"
#include "pyn_stage_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0)
        close(fd);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "stage-dir-unit";
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", root, root);
    CHECK(system(cmd) == 0, "cannot make %s", root);
    char err[512], names[512], a[4096], b[4096], path[4200];

    /* Two names for the same host and pid differ. */
    CHECK(pyn_stage_dir_name(a, sizeof a, root, "vm", 42) == 0 && pyn_stage_dir_name(b, sizeof b, root, "vm", 42) == 0,
          "name");
    CHECK(strcmp(a, b) != 0, "two jobs of pid 42 got the same name %s", a);
    CHECK(pyn_stage_dir_name(a, 8, root, "vm", 42) == -ENAMETOOLONG, "a short buffer is not refused");

    /* A dead job: made, filled as staging does, its lock dropped. */
    int dead_fd = -1, live_fd = -1;
    CHECK(pyn_stage_dir_name(a, sizeof a, root, "host.with.dots", 7) == 0, "name");
    CHECK(pyn_stage_dir_create(a, &dead_fd, err, sizeof err) == 0, "create %s: %s", a, err);
    snprintf(path, sizeof path, "%s/libmodule0.so", a);
    touch(path);
    snprintf(path, sizeof path, "%s/search", a);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/search/1", a);
    mkdir(path, 0700);
    pyn_stage_dir_unlock(dead_fd);

    /* A running job: its lock held. */
    CHECK(pyn_stage_dir_name(b, sizeof b, root, "vm", 8) == 0, "name");
    CHECK(pyn_stage_dir_create(b, &live_fd, err, sizeof err) == 0, "create %s: %s", b, err);
    snprintf(path, sizeof path, "%s/libmodule0.so", b);
    touch(path);
    /* Not ours to reap: the old name (no lock, maybe an older version running) and other names. */
    char old[4200], other[4200];
    snprintf(old, sizeof old, "%s/pynamic-stage.vm.9", root);
    snprintf(other, sizeof other, "%s/pynamic-stage.vm.9.0123456789abcdeg", root);
    mkdir(old, 0700);
    mkdir(other, 0700);

    int n = pyn_stage_dir_reap(root, names, sizeof names, err, sizeof err);
    CHECK(n == 1, "reaped %d directories (%s), expected 1: %s", n, names, n < 0 ? err : "");
    CHECK(!exists(a), "the dead job's %s is still there", a);
    CHECK(strcmp(names, strrchr(a, '/') + 1) == 0, "names '%s', expected '%s'", names, strrchr(a, '/') + 1);
    CHECK(exists(path), "the running job's copy %s was removed", path);
    CHECK(exists(old) && exists(other), "a directory of another name was removed");
    /* Its lock still held after the reaper looked. */
    int probe = open(b, O_RDONLY | O_DIRECTORY);
    CHECK(probe >= 0 && flock(probe, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK, "the running job lost its lock");
    if (probe >= 0)
        close(probe);
    pyn_stage_dir_unlock(live_fd);

    /* Once the job is gone, it is reaped too; a missing root is one line. */
    CHECK(pyn_stage_dir_reap(root, names, sizeof names, err, sizeof err) == 1 && !exists(b), "after its end, %s stays",
          b);
    snprintf(path, sizeof path, "%s/absent", root);
    CHECK(pyn_stage_dir_reap(path, names, sizeof names, err, sizeof err) == -ENOENT && strstr(err, "absent"),
          "a missing --stage-dir: '%s'", err);
    CHECK(pyn_stage_dir_create(a, &dead_fd, err, sizeof err) == 0 &&
              pyn_stage_dir_create(a, &live_fd, err, sizeof err) == -EEXIST,
          "a second create of %s is not refused", a);
    CHECK(strstr(err, "stage: mkdir ") && strstr(err, "File exists"), "err '%s'", err);
    pyn_stage_dir_unlock(dead_fd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0, "cannot remove %s", root);
    return pyn_check_status();
}
