/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of pyn_outputs (no MPI, one process): an output the same file
 * as another output or as an input (spelt otherwise, through a hard link,
 * not yet existing), a directory, a device, a missing or unwritable
 * directory; and pyn_file's temporary names for the longest legal name.
 *
 *   test_outputs WORKDIR
 *
 * Exit 0 when every check holds; the work directory is removed then. */
#define _GNU_SOURCE
#include "pyn_file.h"
#include "pyn_outputs.h"

#include "pyn_check_workdir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char err[512];

/* Entries of dir besides . and .. (-1 when it cannot be read). */
static char *join(const char *a, const char *b)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", a, b) < 0)
        exit(1);
    return p;
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        exit(1);
    fclose(f);
}

/* One output, no inputs: what pyn_outputs_check says of it. */
static int check1(const char *option, const char *path)
{
    const struct pyn_output o[] = {{option, path}};
    err[0] = '\0';
    return pyn_outputs_check(o, 1, NULL, 0, err, sizeof err);
}

static void test_outputs_among_themselves(const char *work)
{
    char *json = join(work, "r.json"), *other_spelling = join(work, "./sub/../r.json"), *sub = join(work, "sub");
    mkdir(sub, 0777);
    const struct pyn_output good[] = {{"--json", json}, {"--csv", NULL}, {"--fractal-image", join(work, "f.bmp")}};
    CHECK(pyn_outputs_check(good, 3, NULL, 0, err, sizeof err) == 0, "good outputs refused: %s", err);
    CHECK(pyn_check_count_entries(work) == 1, "the check left something in %s (%d entries)", work,
          pyn_check_count_entries(work));
    free((char *)good[2].path);

    /* Neither exists yet: the resolved directory and name decide. */
    const struct pyn_output same[] = {{"--json", json}, {"--fractal-image", other_spelling}};
    int rc = pyn_outputs_check(same, 2, NULL, 0, err, sizeof err);
    CHECK(rc == -EINVAL && strstr(err, "--fractal-image ") && strstr(err, ": the same file as --json ") &&
              strstr(err, "; give each output its own path"),
          "--fractal-image the --json path spelt otherwise accepted: %d, %s", rc, err);
    const struct pyn_output twice[] = {{"--json", json}, {"--csv", json}};
    rc = pyn_outputs_check(twice, 2, NULL, 0, err, sizeof err);
    CHECK(rc == -EINVAL && strncmp(err, "--csv ", 6) == 0 && strstr(err, "the same file as --json"),
          "--json X --csv X accepted: %d, %s", rc, err);
    /* An existing file through a hard link: the inode decides. */
    touch(json);
    char *hard = join(sub, "hard.bmp");
    if (link(json, hard) != 0)
        exit(1);
    const struct pyn_output linked[] = {{"--json", json}, {"--fractal-image", hard}};
    rc = pyn_outputs_check(linked, 2, NULL, 0, err, sizeof err);
    CHECK(rc == -EINVAL && strstr(err, "the same file as --json"), "a hard link to --json accepted: %d, %s", rc, err);
    unlink(hard);
    unlink(json);
    rmdir(sub);
    free(hard), free(json), free(other_spelling), free(sub);
}

static void test_inputs(const char *work)
{
    char *given = join(work, "lib"), *manifest = join(work, "manifest.json");
    mkdir(given, 0777);
    char *lib = realpath(given, NULL); /* as the run gives it: resolved */
    if (!lib)
        exit(1);
    touch(manifest);
    char *libfile = join(lib, "libmodule1.so");
    touch(libfile);
    const struct pyn_input ins[] = {
        {"the manifest", NULL, manifest},
        {"the pilot map (--stage pilot)", NULL, NULL},   /* not read: skipped */
        {"the generated library", lib, "libmodule0.so"}, /* missing from the tree */
        {"the generated library", lib, "libmodule1.so"},
    };
    /* The manifest, spelt otherwise: it exists, so the inode decides. */
    char *via = join(work, "lib/../manifest.json");
    const struct pyn_output o1[] = {{"--json", via}};
    int rc = pyn_outputs_check(o1, 1, ins, 4, err, sizeof err);
    CHECK(rc == -EINVAL && strstr(err, "--json ") && strstr(err, ": the same file as the manifest ") &&
              strstr(err, ", which this run reads; give the output a path of its own"),
          "--json naming the manifest accepted: %d, %s", rc, err);
    const struct pyn_output o2[] = {{"--csv", libfile}};
    rc = pyn_outputs_check(o2, 1, ins, 4, err, sizeof err);
    CHECK(rc == -EINVAL && strstr(err, "the same file as the generated library ") && strstr(err, "/lib/libmodule1.so"),
          "--csv naming a library accepted: %d, %s", rc, err);
    /* A library the tree lacks is still the run's input: neither exists, the names decide. */
    char *lib0 = join(work, "./lib/libmodule0.so");
    const struct pyn_output o3[] = {{"--csv", lib0}};
    rc = pyn_outputs_check(o3, 1, ins, 4, err, sizeof err);
    CHECK(rc == -EINVAL && strstr(err, "the same file as the generated library"),
          "--csv naming a missing library accepted: %d, %s", rc, err);
    /* A hard link to a library, elsewhere: the one case where the libraries are looked at. */
    char *hard = join(work, "hard.csv");
    if (link(libfile, hard) != 0)
        exit(1);
    const struct pyn_output o5[] = {{"--csv", hard}};
    rc = pyn_outputs_check(o5, 1, ins, 4, err, sizeof err);
    CHECK(rc == -EINVAL && strstr(err, "the same file as the generated library "),
          "a hard link to a library accepted: %d, %s", rc, err);
    unlink(hard);
    free(hard);
    /* Beside them is fine. */
    char *beside = join(lib, "r.csv");
    const struct pyn_output o4[] = {{"--csv", beside}};
    CHECK(pyn_outputs_check(o4, 1, ins, 4, err, sizeof err) == 0, "a new file in lib/ refused: %s", err);
    unlink(libfile);
    rmdir(lib);
    unlink(manifest);
    free(given), free(lib), free(manifest), free(libfile), free(via), free(lib0), free(beside);
}

static void test_places(const char *work)
{
    char *missing = join(work, "no-such-dir/f.bmp"), *sub = join(work, "sub");
    mkdir(sub, 0777);
    int rc = check1("--fractal-image", missing);
    CHECK(rc == -ENOENT && strstr(err, "--fractal-image ") &&
              strstr(err, "no-such-dir: stat: No such file or directory"),
          "a missing directory accepted: %d, %s", rc, err);
    rc = check1("--json", sub);
    CHECK(rc == -EISDIR && strstr(err, "--json ") && strstr(err, ": it exists and is a directory; give a file path"),
          "a directory accepted: %d, %s", rc, err);
    rc = check1("--fractal-image", "/dev/null");
    CHECK(rc == -EEXIST && strcmp(err, "--fractal-image /dev/null: it exists and is not a regular file; give a file "
                                       "path") == 0,
          "/dev/null accepted: %d, %s", rc, err);
    char *file = join(work, "file"), *under_file = join(work, "file/r.json");
    touch(file);
    rc = check1("--csv", under_file);
    CHECK(rc == -ENOTDIR && strstr(err, "Not a directory"), "a path under a file accepted: %d, %s", rc, err);
    rc = check1("--json", "");
    CHECK(rc == -EINVAL && strcmp(err, "--json: no path given") == 0, "an empty path accepted: %d, %s", rc, err);
    /* Unwritable: only when permissions apply (not as root). */
    if (geteuid() != 0) {
        char *ro = join(work, "ro"), *in_ro = join(work, "ro/r.json");
        mkdir(ro, 0555);
        rc = check1("--json", in_ro);
        CHECK(rc == -EACCES && strstr(err, "cannot create a file in directory ") && strstr(err, ": Permission denied"),
              "an unwritable directory accepted: %d, %s", rc, err);
        rmdir(ro);
        free(ro), free(in_ro);
    }
    /* A control character in a path stays one visible line. */
    char *nl = join(work, "no\nsuch/r.json");
    rc = check1("--json", nl);
    CHECK(rc == -ENOENT && !strchr(err, '\n') && strstr(err, "no\\nsuch"), "a newline in the path: %d, %s", rc, err);
    unlink(file);
    rmdir(sub);
    free(missing), free(sub), free(file), free(under_file), free(nl);
}

/* The longest legal name (NAME_MAX bytes): the check's probe and the atomic write both work, and leave nothing. */
static void test_long_name(const char *work)
{
    char name[NAME_MAX + 1];
    memset(name, 'n', NAME_MAX);
    memcpy(name + NAME_MAX - 5, ".json", 5);
    name[NAME_MAX] = '\0';
    char *path = join(work, name);
    int rc = check1("--json", path);
    CHECK(rc == 0, "a %d-byte name refused: %d, %s", NAME_MAX, rc, err);
    rc = pyn_file_write_atomic(path, "{}\n", 3, err, sizeof err);
    CHECK(rc == 0, "writing a %d-byte name: %d, %s", NAME_MAX, rc, err);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 3 && pyn_check_count_entries(work) == 1,
          "after writing a %d-byte name: %d entries in %s", NAME_MAX, pyn_check_count_entries(work), work);
    char *tmp = NULL;
    int fd = pyn_file_create_temp(path, &tmp);
    CHECK(fd >= 0 && tmp && strlen(strrchr(tmp, '/') + 1) == 32 + 11 && strncmp(strrchr(tmp, '/') + 1, name, 32) == 0,
          "the temporary name of a %d-byte name: %d, %s", NAME_MAX, fd, tmp ? tmp : "(null)");
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    unlink(path);
    free(path);
}

int main(int argc, char **argv)
{
    char *work = NULL;
    int status = pyn_check_workdir_begin(argc, argv, &work);
    if (status)
        return status;
    test_outputs_among_themselves(work);
    test_inputs(work);
    test_places(work);
    test_long_name(work);
    return pyn_check_workdir_end(work);
}
