/* SPDX-License-Identifier: BSD-3-Clause */
/* loader.unit: pyn_elf_check_loadable on copies of a real shared object
 * with one header field broken each, and pyn_loader_explain on ld.so's
 * messages, including the one a real dlopen gives for a library of another
 * machine. One process, no MPI.
 *   pyn_loader_unit SHARED_OBJECT WORKDIR */
#define _GNU_SOURCE
#include "pyn_check.h"
#include "pyn_elf_check.h"
#include "pyn_ld_search.h"
#include "pyn_loader.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char *image;
static size_t image_len;
static const char *work;

/* Every path made, freed at the end. */
static char *made[32];
static size_t nmade;

static char *in_work(const char *name)
{
    char *path = NULL;
    if (nmade == sizeof made / sizeof *made || asprintf(&path, "%s/%s", work, name) < 0)
        abort();
    return made[nmade++] = path;
}

/* WORK/name: the first len bytes of the shared object, with byte at
 * offset set to value (offset < 0: unchanged). */
static char *write_copy(const char *name, size_t len, long offset, unsigned char value)
{
    char *path = in_work(name);
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(image, 1, len, f) != len))
        abort();
    if (offset >= 0 && (fseek(f, offset, SEEK_SET) != 0 || fputc(value, f) == EOF))
        abort();
    fclose(f);
    return path;
}

static void expect(const char *path, int rc_expected, const char *why_expected)
{
    char why[256] = "";
    int rc = pyn_elf_check_loadable(path, why, sizeof why);
    CHECK(rc == rc_expected, "%s: returned %d, expected %d (%s)", path, rc, rc_expected, why);
    CHECK(strstr(why, why_expected), "%s: '%s' does not say '%s'", path, why, why_expected);
}

static void expect_explained(const char *message, const char *library_dir, const char *added)
{
    char err[512];
    snprintf(err, sizeof err, "%s", message);
    pyn_loader_explain(err, sizeof err, library_dir);
    size_t n = strlen(message);
    CHECK(strncmp(err, message, n) == 0, "explain changed the message itself: '%s'", err);
    if (!added)
        CHECK(err[n] == '\0', "explain added '%s' to '%s'", err + n, message);
    else
        CHECK(strstr(err + n, added), "explain added '%s' to '%s', expected '%s'", err + n, message, added);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SHARED_OBJECT WORKDIR\n", argv[0]);
        return 2;
    }
    work = argv[2];
    mkdir(work, 0777);
    FILE *f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        return perror(argv[1]), 2;
    image_len = (size_t)ftell(f);
    rewind(f);
    if (!(image = malloc(image_len)) || fread(image, 1, image_len, f) != image_len)
        return perror(argv[1]), 2;
    fclose(f);

    /* One field at a time: e_type and e_machine are little-endian halves here. */
    char *good = write_copy("good.so", image_len, -1, 0);
    expect(good, 0, "");
    char *absent = in_work("absent.so");
    expect(absent, -ENOENT, "not there");
    char *dir = in_work("dir.so");
    mkdir(dir, 0777);
    expect(dir, -EISDIR, "not a regular file (a directory)");
    expect("/dev/null", -EINVAL, "not a regular file (a character device)");
    expect(write_copy("empty.so", 0, -1, 0), -ENOEXEC, "empty (0 bytes)");
    char *text = in_work("text.so");
    if (!(f = fopen(text, "w")) || fputs("this is not a shared object\n", f) == EOF || fclose(f) != 0)
        abort();
    expect(text, -ENOEXEC, "not an ELF file");
    expect(write_copy("short.so", 40, -1, 0), -ENOEXEC, "shorter than an ELF header (40 bytes)");
    expect(write_copy("class32.so", image_len, EI_CLASS, ELFCLASS32), -ENOEXEC,
           "a 32-bit ELF file (ELFCLASS32, for x86-64); this process is 64-bit");
    expect(write_copy("msb.so", image_len, EI_DATA, ELFDATA2MSB), -ENOEXEC,
           "a big-endian ELF file (ELFDATA2MSB); this process is little-endian");
    char *s390 = write_copy("s390.so", image_len, offsetof(Elf64_Ehdr, e_machine), EM_S390);
    expect(s390, -ENOEXEC, "an ELF file for IBM S/390 (e_machine 22); this process is x86-64 (e_machine 62)");
    expect(write_copy("unknown.so", image_len, offsetof(Elf64_Ehdr, e_machine), 250), -ENOEXEC,
           "an ELF file for machine 250 (e_machine 250)");
    expect(write_copy("exec.so", image_len, offsetof(Elf64_Ehdr, e_type), ET_EXEC), -ENOEXEC,
           "an ELF executable (ET_EXEC), not a shared object (ET_DYN)");
    expect(write_copy("rel.so", image_len, offsetof(Elf64_Ehdr, e_type), ET_REL), -ENOEXEC,
           "an ELF relocatable object (ET_REL, a .o file), not a shared object (ET_DYN)");
    if (getuid() != 0) {
        char *locked = write_copy("locked.so", image_len, -1, 0);
        chmod(locked, 0);
        expect(locked, -EACCES, "open: Permission denied");
    }

    /* ld.so's own message for a library of another machine, opened by path. */
    void *h = dlopen(s390, RTLD_NOW);
    CHECK(!h, "dlopen of %s succeeded", s390);
    char err[512];
    snprintf(err, sizeof err, "dlopen: %s", h ? "" : dlerror());
    CHECK(strstr(err, "No such file or directory"), "ld.so now says '%s' for another machine: update the docs", err);
    char *rejected = NULL;
    if (asprintf(&rejected, "(ld.so rejected %s: an ELF file for IBM S/390", s390) < 0)
        abort();
    expect_explained(err, NULL, rejected);

    /* Searched for by name (a DT_NEEDED): the file in library_dir. */
    expect_explained("dlopen /x/libmodulebegin.so: s390.so: cannot open shared object file: No such file or directory",
                     work, "(ld.so skipped ");
    expect_explained("dlopen /x/libmodulebegin.so: s390.so: cannot open shared object file: No such file or directory",
                     work, "/s390.so from RUNPATH: an ELF file for IBM S/390 (e_machine 22)");
    expect_explained("import: libmodulebegin: ImportError: class32.so: wrong ELF class: ELFCLASS32", work,
                     "(ld.so skipped ");
    expect_explained("import: libmodulebegin: ImportError: dir.so: cannot open shared object file: No such file", work,
                     "dir.so from RUNPATH: not a regular file (a directory))");
    /* Nothing to add: not there, loadable, a path of the wrong class (ld.so named it), another message. */
    expect_explained("dlopen x: absent.so: cannot open shared object file: No such file or directory", work, NULL);
    expect_explained("dlopen x: good.so: cannot open shared object file: No such file or directory", work, NULL);
    snprintf(err, sizeof err, "dlopen: %s/class32.so: wrong ELF class: ELFCLASS32", work);
    expect_explained(err, work, NULL);
    expect_explained("visit: libmodule0.so returned checksum 0x1", work, NULL);
    expect_explained("dlopen x: s390.so: cannot open shared object file", NULL, NULL);
    expect_explained("dlopen x: sub/s390.so: cannot open shared object file", work, NULL);
    /* ld.so's whole search, in its order: LD_LIBRARY_PATH (an empty entry is
     * the working directory, a trailing slash dropped, a repeat listed once),
     * the RUNPATH, the cache's entry, the default directories. */
    char *envdir = in_work("env");
    mkdir(envdir, 0777);
    char *env_s390 = NULL, *env_value = NULL;
    if (asprintf(&env_s390, "%s/good.so", envdir) < 0 || asprintf(&env_value, "%s/:%s::%s", envdir, work, envdir) < 0)
        abort();
    setenv("LD_LIBRARY_PATH", env_value, 1);
    struct pyn_ld_candidate c[8];
    int more = 0;
    int n = pyn_ld_search_candidates("libc.so.6", "/runpath", "/etc/ld.so.cache", c, 8, &more);
    CHECK(n >= 5, "%d candidates for libc.so.6", n);
    if (n >= 5) {
        char *want[4] = {NULL, NULL, "./libc.so.6", "/runpath/libc.so.6"};
        if (asprintf(&want[0], "%s/libc.so.6", envdir) < 0 || asprintf(&want[1], "%s/libc.so.6", work) < 0)
            abort();
        enum pyn_ld_source src[4] = {PYN_LD_ENV, PYN_LD_ENV, PYN_LD_ENV, PYN_LD_RUNPATH};
        for (int i = 0; i < 4; ++i)
            CHECK(strcmp(c[i].path, want[i]) == 0 && c[i].source == src[i], "candidate %d: %s (%s), expected %s", i,
                  c[i].path, pyn_ld_source_name(c[i].source), want[i]);
        /* The cache's libc is the one this process runs (the default directories follow it). */
        CHECK(c[4].source == PYN_LD_CACHE && strstr(c[4].path, "/libc.so.6"), "candidate 4: %s (%s)", c[4].path,
              pyn_ld_source_name(c[4].source));
        for (int i = 5; i < n; ++i)
            CHECK(c[i].source == PYN_LD_DEFAULT && c[i].path[0] == '/', "candidate %d: %s (%s)", i, c[i].path,
                  pyn_ld_source_name(c[i].source));
        free(want[0]);
        free(want[1]);
        pyn_ld_candidates_free(c, (size_t)n);
    }
    /* Bounded: 3 places examined of many, and the caller told. */
    n = pyn_ld_search_candidates("x.so", "/runpath", NULL, c, 3, &more);
    CHECK(n == 3 && more, "cap 3: %d candidates, more %d", n, more);
    if (n > 0)
        pyn_ld_candidates_free(c, (size_t)n);
    CHECK(pyn_ld_cache_lookup("/etc/ld.so.cache", "no-such-library.so.99") == NULL, "a name the cache lacks");
    CHECK(pyn_ld_cache_lookup(text, "libc.so.6") == NULL, "a file that is not a cache");

    /* The explanation walks it: a foreign copy met first on LD_LIBRARY_PATH is
     * named with where it came from; the good one in the RUNPATH ends the walk. */
    FILE *cp = fopen(env_s390, "wb");
    if (!cp || fwrite(image, 1, image_len, cp) != image_len || fseek(cp, offsetof(Elf64_Ehdr, e_machine), SEEK_SET) ||
        fputc(EM_S390, cp) == EOF || fclose(cp) != 0)
        abort();
    char *env_skipped = NULL;
    if (asprintf(&env_skipped, "(ld.so skipped %s from LD_LIBRARY_PATH: an ELF file for IBM S/390", env_s390) < 0)
        abort();
    expect_explained("dlopen /x/libmodulebegin.so: good.so: cannot open shared object file: No such file or directory",
                     "/nonexistent", env_skipped);
    /* A loadable file met first ends the walk: ld.so would have taken it. */
    char *loadable_first = NULL;
    if (asprintf(&loadable_first, "%s:%s", work, envdir) < 0)
        abort();
    setenv("LD_LIBRARY_PATH", loadable_first, 1);
    expect_explained("dlopen /x/libmodulebegin.so: good.so: cannot open shared object file: No such file or directory",
                     "/nonexistent", NULL);
    free(loadable_first);
    unlink(env_s390);
    unsetenv("LD_LIBRARY_PATH");
    free(env_skipped);
    free(env_s390);
    free(env_value);

    /* A full buffer stays a terminated string. */
    char small[64];
    snprintf(small, sizeof small, "%s", "x: s390.so: cannot open shared object file");
    pyn_loader_explain(small, sizeof small, work);
    CHECK(strlen(small) == sizeof small - 1, "a full buffer: '%s'", small);

    free(rejected);
    for (size_t i = 0; i < nmade; ++i)
        free(made[i]);
    free(image);
    return pyn_check_status();
}
