/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_lockdir: two kinds of lock-held directories (staging's job
 * directories, the Python modes' per-run search directories) side by side
 * in one root, one process without MPI: each kind's reaper removes only
 * its own kind's dead directories, leaves held ones, and names its kind in
 * its messages. */
#define _GNU_SOURCE
#include "pyn_check.h"
#include "pyn_lockdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct pyn_lockdir_kind stage = {"pynamic-stage.", "stage", "--stage-dir", "job"};
static const struct pyn_lockdir_kind search = {"search-path.", "search path", "directory", "run"};

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* A directory of kind k whose maker died: made, given a subdirectory, its lock dropped. */
static void make_dead(const struct pyn_lockdir_kind *k, const char *root, char *path, size_t len)
{
    int fd = -1;
    char err[512], sub[4200];
    CHECK(pyn_lockdir_name(k, path, len, root, "vm", 11) == 0, "name");
    CHECK(pyn_lockdir_create(k, path, &fd, err, sizeof err) == 0, "create %s: %s", path, err);
    snprintf(sub, sizeof sub, "%s/dir0", path);
    CHECK(mkdir(sub, 0700) == 0, "mkdir %s", sub);
    pyn_lockdir_unlock(fd);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "lockdir-unit";
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", root, root);
    CHECK(system(cmd) == 0, "cannot make %s", root);
    char err[512], names[512], dead_stage[4096], dead_search[4096], live[4096];

    make_dead(&stage, root, dead_stage, sizeof dead_stage);
    make_dead(&search, root, dead_search, sizeof dead_search);
    CHECK(strstr(dead_search, "/search-path.vm.11.") != NULL, "search name %s", dead_search);
    int live_fd = -1;
    CHECK(pyn_lockdir_name(&search, live, sizeof live, root, "vm", 12) == 0 &&
              pyn_lockdir_create(&search, live, &live_fd, err, sizeof err) == 0,
          "create %s: %s", live, err);

    /* The search kind's reaper: its dead directory only. */
    int n = pyn_lockdir_reap(&search, root, names, sizeof names, err, sizeof err);
    CHECK(n == 1 && !exists(dead_search) && strcmp(names, strrchr(dead_search, '/') + 1) == 0,
          "search reap: %d (%s), %s still there: %d", n, names, dead_search, exists(dead_search));
    CHECK(exists(dead_stage), "the search reaper removed staging's %s", dead_stage);
    CHECK(exists(live), "the search reaper removed the held %s", live);
    /* Staging's reaper: its own, not the search kind's held one. */
    n = pyn_lockdir_reap(&stage, root, names, sizeof names, err, sizeof err);
    CHECK(n == 1 && !exists(dead_stage) && exists(live), "stage reap: %d (%s)", n, names);

    /* Messages name the kind. */
    char absent[4200];
    snprintf(absent, sizeof absent, "%s/absent", root);
    CHECK(pyn_lockdir_reap(&search, absent, names, sizeof names, err, sizeof err) == -ENOENT &&
              strncmp(err, "search path: directory ", 23) == 0 && strstr(err, "absent: No such file"),
          "a missing root: '%s'", err);
    int again = -1;
    CHECK(pyn_lockdir_create(&search, live, &again, err, sizeof err) == -EEXIST &&
              strncmp(err, "search path: mkdir ", 19) == 0,
          "a second create of %s: '%s'", live, err);
    pyn_lockdir_unlock(live_fd);
    CHECK(pyn_lockdir_reap(&search, root, names, sizeof names, err, sizeof err) == 1 && !exists(live),
          "after its end, %s stays", live);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0, "cannot remove %s", root);
    return pyn_check_status();
}
