/* SPDX-License-Identifier: BSD-3-Clause */
/* Broadcast staging and the path cache (pyn_stage.h, docs/staging.md). */
#define _GNU_SOURCE
#include "pyn_stage.h"

#include "pyn_audit_abi.h"
#include "pyn_clock.h"
#include "pyn_collective.h"
#include "pyn_file.h"
#include "pyn_fs.h"
#include "pyn_interrupt.h"
#include "pyn_stage_dir.h"
#include "pyn_watchdog.h"
#include "pyn_stage_map.h"
#include "pyn_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

struct pyn_stage {
    enum pyn_stage_kind kind;
    int leader;           /* bcast: writes and removes this host's copies */
    MPI_Comm node;        /* the host's ranks (not owned) */
    MPI_Comm leaders;     /* bcast: the hosts' leaders, rank 0 first (MPI_COMM_NULL elsewhere) */
    char *dir;            /* bcast: the node-local copy of the library directory */
    char *prefix;         /* dir with a trailing slash, for the auditor */
    int dir_made;         /* this rank created dir */
    long search_made;     /* search/1.. directories this rank created under dir */
    int search_root_made; /* dir/search */
    size_t nfiles;
    struct pyn_stage_file *files; /* sorted by name */
    uint8_t *written;             /* bcast leader: which copies exist */
    struct pyn_audit_map_entry *map;
    int lock_fd;    /* bcast leader: holds dir's lock for the job's life (pyn_stage_dir.h) */
    char **cleanup; /* bcast leader: what SIGINT/SIGTERM's handler removes (pyn_interrupt.h) */
    size_t ncleanup;
    char note[PYN_STAGE_NOTE_MAX]; /* what the leader reaped, for the caller to print */
};

static int cmp_entry(const void *a, const void *b)
{
    uint64_t x = ((const struct pyn_audit_map_entry *)a)->name_hash;
    uint64_t y = ((const struct pyn_audit_map_entry *)b)->name_hash;
    return (x > y) - (x < y);
}

#define fail pyn_stage_error

/* Room for a helper's message that staging's own line quotes. */
#define PYN_STAGE_ERR_MAX 1024

/* Waits for req without spinning on a core. While rank 0 reads the files,
 * every other rank waits for it; MPICH's blocking calls busy-poll, and with
 * more ranks than cores (a sweep on one machine) the pollers would starve
 * the one rank doing the work. 50 us naps cost nothing at that scale. Under
 * --timeout's watchdog (pyn_watchdog.h), which ends a stuck staging. */
static void wait_yielding(MPI_Request *req)
{
    pyn_watchdog_wait(req, 1);
}

/* True on every rank when any rank's rc is non-zero or any rank was sent
 * SIGINT or SIGTERM (the agreement). */
static int any_failed(int rc)
{
    int mine = rc != 0 || pyn_interrupt_caught(NULL) != 0, any = 0;
    MPI_Request req;
    MPI_Iallreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req);
    wait_yielding(&req);
    return any;
}

/* Rank 0's string to every rank; NULL (and no allocation) when rank 0 sends NULL. */
static char *bcast_string(const char *s, int rank)
{
    long long n = rank == 0 ? (s ? (long long)strlen(s) : -1) : 0;
    MPI_Request req;
    MPI_Ibcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD, &req);
    wait_yielding(&req);
    if (n < 0)
        return NULL;
    char *out = malloc((size_t)n + 1);
    if (!out)
        MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR); /* cannot take part in the broadcast */
    if (rank == 0)
        memcpy(out, s, (size_t)n);
    for (long long off = 0; off < n; off += INT_MAX / 2) {
        long long chunk = n - off < INT_MAX / 2 ? n - off : INT_MAX / 2;
        pyn_coll_bcast(out + off, (int)chunk, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
    out[n] = '\0';
    return out;
}

/* --- bcast ------------------------------------------------------------------- */

/* The host's copies, search directories and job directory, as paths the
 * SIGINT/SIGTERM handler (the leader's) and the watchdog ending the job
 * (every rank's: the leader may be the stuck one) can remove without
 * formatting anything. */
static int arm_cleanup(struct pyn_stage *st, long search_dirs, char *err, size_t errlen)
{
    size_t nsearch = search_dirs > 1 ? (size_t)search_dirs : 0, n = st->nfiles + nsearch + 1;
    if (!(st->cleanup = calloc(n, sizeof *st->cleanup)))
        return fail(err, errlen, -ENOMEM, "stage: out of memory");
    size_t k = 0;
    int bad = 0;
    for (size_t i = 0; i < st->nfiles; ++i)
        bad |= asprintf(&st->cleanup[k++], "%s/%s", st->dir, st->files[i].name) < 0;
    for (long d = search_dirs - 1; d >= 1; --d)
        bad |= asprintf(&st->cleanup[k++], "%s/search/%ld/", st->dir, d) < 0;
    if (nsearch)
        bad |= asprintf(&st->cleanup[k++], "%s/search/", st->dir) < 0;
    bad |= asprintf(&st->cleanup[k++], "%s/", st->dir) < 0;
    st->ncleanup = k;
    if (bad)
        return fail(err, errlen, -ENOMEM, "stage: out of memory");
    if (st->leader)
        pyn_interrupt_cleanup(st->cleanup, st->ncleanup);
    pyn_watchdog_copies(st->cleanup, st->ncleanup);
    return 0;
}

/* The leader's node-local directory: the staging directory must exist, be
 * a directory that allows executable mappings, and not hold this job's
 * name already. Mirrors lib/search/1.. so ld.so searches as it would at home. */
static int make_local_tree(struct pyn_stage *st, const struct pyn_stage_options *opt, long search_dirs, char *err,
                           size_t errlen)
{
    struct stat sb;
    struct statvfs vfs;
    /* st->dir is rank 0's absolute name: its parent is --stage-dir as rank 0 resolved it. */
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%.*s", (int)(strrchr(st->dir, '/') - st->dir), st->dir);
    if (stat(root, &sb) != 0)
        return fail(err, errlen, -errno, "stage: --stage-dir %s: %s", opt->dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return fail(err, errlen, -ENOTDIR, "stage: --stage-dir %s: not a directory", opt->dir);
    if (statvfs(root, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
        return fail(err, errlen, -EPERM,
                    "stage: --stage-dir %s is on a file system mounted noexec: ld.so cannot map libraries from it; "
                    "choose another --stage-dir",
                    opt->dir);
    /* What jobs killed on this host left (their lock is free): removed before
     * this job adds its own copies. */
    char names[PYN_STAGE_NOTE_MAX / 2];
    int reaped = pyn_stage_dir_reap(root, names, sizeof names, err, errlen);
    if (reaped < 0)
        return reaped;
    if (reaped > 0)
        snprintf(st->note, sizeof st->note,
                 "stage: removed %d staging director%s of jobs no longer running from %.256s: %s", reaped,
                 reaped == 1 ? "y" : "ies", root, names);
    int rc = pyn_stage_dir_create(st->dir, &st->lock_fd, err, errlen);
    if (rc)
        return rc;
    st->dir_made = 1;
    if (search_dirs > 1) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/search", st->dir);
        if (mkdir(path, 0700) != 0)
            return fail(err, errlen, -errno, "stage: mkdir %s: %s", path, strerror(errno));
        st->search_root_made = 1;
        for (long k = 1; k < search_dirs; ++k) {
            snprintf(path, sizeof path, "%s/search/%ld", st->dir, k);
            if (mkdir(path, 0700) != 0)
                return fail(err, errlen, -errno, "stage: mkdir %s: %s", path, strerror(errno));
            st->search_made = k;
        }
    }
    return arm_cleanup(st, search_dirs, err, errlen);
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Fills buf from fd until it is full or the file ends: the bytes read, or -errno. */
static long long read_chunk(int fd, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long long)got;
}

/* Among the leaders: rank 0 streams each file in chunks, every leader writes
 * it. Before each chunk a header says its length: 0 ends the file, a
 * negative errno stops the staging (rank 0 could not read). A leader that
 * cannot write keeps receiving, so the broadcasts stay matched, and reports
 * its error at the agreement. */
static int stream_files(struct pyn_stage *st, MPI_Comm leaders, const char *library_dir, uint64_t chunk,
                        struct pyn_stage_record *rec, char *err, size_t errlen)
{
    int lrank = 0, rc = 0;
    MPI_Comm_rank(leaders, &lrank);
    char *buf = malloc(chunk);
    if (!buf)
        MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR); /* cannot take part in the broadcasts */
    char path[PATH_MAX];
    for (size_t i = 0; i < st->nfiles; ++i) {
        const char *name = st->files[i].name;
        int in = -1, out = -1;
        long long header = 0;
        /* SIGINT/SIGTERM: rank 0 stops every leader as if it could not read. */
        if (lrank == 0 && pyn_interrupt_caught(NULL))
            header = -EINTR, rc = -EINTR;
        if (lrank == 0 && header == 0) {
            uint64_t t0 = pyn_clock_monotonic_ns();
            snprintf(path, sizeof path, "%s/%s", library_dir, name);
            in = open(path, O_RDONLY | O_CLOEXEC);
            rec->shared_opens++;
            if (in < 0)
                header = -errno, rc = fail(err, errlen, -errno, "stage: read %s: open: %s", path, strerror(errno));
            rec->read_s += (double)(pyn_clock_monotonic_ns() - t0) * 1e-9;
        }
        if (rc == 0) {
            snprintf(path, sizeof path, "%s/%s", st->dir, name);
            uint64_t t0 = pyn_clock_monotonic_ns();
            out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
            if (out < 0)
                rc = fail(err, errlen, -errno, "stage: write %s: open: %s", path, strerror(errno));
            else
                st->written[i] = 1;
            rec->write_s += (double)(pyn_clock_monotonic_ns() - t0) * 1e-9;
        }
        for (;;) {
            uint64_t t0 = pyn_clock_monotonic_ns();
            if (lrank == 0 && header == 0 && pyn_interrupt_caught(NULL))
                header = -EINTR;
            else if (lrank == 0 && header == 0) {
                header = read_chunk(in, buf, chunk);
                if (header < 0)
                    fail(err, errlen, (int)header, "stage: read %s/%s: %s", library_dir, name, strerror((int)-header));
                rec->bytes += header > 0 ? header : 0;
            }
            uint64_t t1 = pyn_clock_monotonic_ns();
            pyn_coll_bcast_among(&header, 1, MPI_LONG_LONG, 0, leaders);
            if (header > 0)
                pyn_coll_bcast_among(buf, (int)header, MPI_BYTE, 0, leaders);
            uint64_t t2 = pyn_clock_monotonic_ns();
            rec->read_s += (double)(t1 - t0) * 1e-9;
            rec->bcast_s += (double)(t2 - t1) * 1e-9;
            if (header <= 0)
                break;
            if (out >= 0) {
                int w = write_all(out, buf, (size_t)header);
                if (w && rc == 0)
                    rc = fail(err, errlen, w, "stage: write %s: %s", path, strerror(-w));
                if (lrank != 0)
                    rec->bytes += header;
            }
            rec->write_s += (double)(pyn_clock_monotonic_ns() - t2) * 1e-9;
            header = 0;
        }
        if (in >= 0)
            close(in);
        if (out >= 0 && close(out) != 0 && rc == 0)
            rc = fail(err, errlen, -errno, "stage: write %s: close: %s", path, strerror(errno));
        if (header < 0) { /* rank 0 could not read: every leader stops here */
            if (lrank != 0 && rc == 0)
                rc = -ECANCELED, err[0] = '\0';
            else if (lrank == 0)
                rc = (int)header;
            break;
        }
    }
    free(buf);
    return rc;
}

static int stage_bcast(struct pyn_stage *st, const struct pyn_stage_options *opt, const struct pyn_manifest *m,
                       const char *library_dir, int rank, struct pyn_stage_record *rec, char *err, size_t errlen)
{
    /* One name for the job, chosen by rank 0, the same on every host. */
    char name[PATH_MAX] = "";
    int rc = 0;
    if (rank == 0) {
        char host[64] = "host";
        gethostname(host, sizeof host);
        host[sizeof host - 1] = '\0';
        for (char *p = host; *p; ++p)
            if (*p == '/')
                *p = '_';
        /* Absolute, as ld.so names what it maps ($ORIGIN is made absolute):
         * a relative prefix would never match, and the node-local copies
         * would be counted as shared-tree operations. A relative --stage-dir
         * is taken from rank 0's working directory, which launchers give
         * every rank. */
        char cwd[PATH_MAX] = "";
        if (opt->dir[0] != '/' && !getcwd(cwd, sizeof cwd))
            rc = fail(err, errlen, -errno,
                      "stage: --stage-dir %s is relative and the working directory is "
                      "unknown: getcwd: %s",
                      opt->dir, strerror(errno));
        char root[PATH_MAX];
        int n = snprintf(root, sizeof root, "%s%s%s", cwd, cwd[0] ? "/" : "", opt->dir);
        if (rc == 0 && (n < 0 || (size_t)n >= sizeof root ||
                        pyn_stage_dir_name(name, sizeof name, root, host, (long)getpid()) != 0))
            rc = fail(err, errlen, -ENAMETOOLONG,
                      "stage: --stage-dir %.256s...: the job's directory name would be "
                      "longer than PATH_MAX",
                      opt->dir);
    }
    if (!(st->dir = bcast_string(name, rank)) || asprintf(&st->prefix, "%s/", st->dir) < 0)
        MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR);
    if (any_failed(rc))
        return rc ? rc : -ECANCELED;
    if (st->leader)
        rc = make_local_tree(st, opt, m->config.search_dirs, err, errlen);
    if (any_failed(rc))
        return rc ? rc : -ECANCELED;
    if (st->leader)
        rc = stream_files(st, st->leaders, library_dir, opt->chunk_bytes, rec, err, errlen);
    else if (pyn_watchdog_on())
        rc = arm_cleanup(st, m->config.search_dirs, err, errlen);
    if (any_failed(rc))
        return rc ? rc : -ECANCELED;
    for (size_t i = 0; i < st->nfiles; ++i)
        if (asprintf(&st->files[i].path, "%s/%s", st->dir, st->files[i].name) < 0)
            return fail(err, errlen, -ENOMEM, "stage: out of memory");
    pyn_fs_set_local_prefix(st->prefix);
    return 0;
}

/* --- cache and pilot ----------------------------------------------------------- */

/* Rank 0: searches lib/search/1.. then lib/ (the libraries' RUNPATH, in
 * ld.so's order) for every file, as ld.so would, and writes the map text. */
static int resolve_map(const struct pyn_stage *st, const struct pyn_manifest *m, const char *library_dir,
                       struct pyn_stage_record *rec, char **text, char *err, size_t errlen)
{
    size_t cap = 64 + st->nfiles * (strlen(library_dir) + 128), len = 0;
    char *out = malloc(cap);
    if (!out)
        return fail(err, errlen, -ENOMEM, "stage: out of memory");
    len += (size_t)snprintf(out, cap, PYN_STAGE_MAP_HEADER "\nseed %lld files %zu\n", m->config.seed, st->nfiles);
    long ndirs = m->config.search_dirs > 1 ? m->config.search_dirs : 1;
    char path[PATH_MAX];
    for (size_t i = 0; i < st->nfiles; ++i) {
        const char *name = st->files[i].name;
        int found = 0;
        for (long k = 1; k <= ndirs && !found; ++k) {
            if (k < ndirs)
                snprintf(path, sizeof path, "%s/search/%ld/%s", library_dir, k, name);
            else
                snprintf(path, sizeof path, "%s/%s", library_dir, name);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                close(fd);
                rec->shared_opens++;
                found = 1;
            } else if (errno == ENOENT) {
                rec->shared_enoent++;
            } else {
                free(out);
                return fail(err, errlen, -errno, "stage: resolve %s: open: %s", path, strerror(errno));
            }
        }
        if (!found) {
            free(out);
            return fail(err, errlen, -ENOENT, "stage: resolve %s: in none of the %ld RUNPATH directories under %s",
                        name, ndirs, library_dir);
        }
        size_t need = strlen(name) + strlen(path) + 3;
        if (len + need > cap) {
            char *bigger = realloc(out, cap = 2 * cap + need);
            if (!bigger) {
                free(out);
                return fail(err, errlen, -ENOMEM, "stage: out of memory");
            }
            out = bigger;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s\t%s\n", name, path);
    }
    *text = out;
    return 0;
}

static int stage_map(struct pyn_stage *st, const struct pyn_stage_options *opt, const struct pyn_manifest *m,
                     const char *library_dir, int rank, struct pyn_stage_record *rec, char *err, size_t errlen)
{
    char *text = NULL, *copy = NULL;
    int rc = 0;
    uint64_t t0 = pyn_clock_monotonic_ns();
    if (rank == 0) {
        size_t len = 0;
        char why[PYN_STAGE_ERR_MAX] = "";
        if (opt->kind == PYN_STAGE_CACHE) {
            rc = resolve_map(st, m, library_dir, rec, &text, err, errlen);
            if (rc == 0 && opt->pilot_map &&
                (rc = pyn_file_write_atomic(opt->pilot_map, text, strlen(text), why, sizeof why)) != 0)
                fail(err, errlen, rc, "stage: --pilot-map: %s", why);
        } else {
            if ((rc = pyn_file_read_all(opt->pilot_map, &text, &len, why, sizeof why)) != 0)
                fail(err, errlen, rc, "stage: --pilot-map: %s", why);
            rec->shared_opens++;
            if (rc == 0 && strlen(text) != len)
                rc =
                    fail(err, errlen, -EINVAL, "stage: %s: holds a NUL byte: not a pynamic path cache", opt->pilot_map);
        }
        /* Checked here, once: a bad map stops the run before any broadcast. */
        if (rc == 0 && !(copy = strdup(text)))
            rc = fail(err, errlen, -ENOMEM, "stage: out of memory");
        if (rc == 0)
            rc = pyn_stage_map_parse(copy, m, st->files, st->nfiles,
                                     opt->kind == PYN_STAGE_PILOT ? opt->pilot_map : "the path cache", err, errlen);
        free(copy);
        if (rc) {
            free(text);
            text = NULL;
        }
    }
    uint64_t t1 = pyn_clock_monotonic_ns();
    char *shared = bcast_string(text, rank);
    rec->read_s = (double)(t1 - t0) * 1e-9;
    rec->bcast_s = (double)(pyn_clock_monotonic_ns() - t1) * 1e-9;
    free(text);
    if (!shared)
        return rank == 0 ? rc : -ECANCELED;
    if (rank != 0)
        rc = pyn_stage_map_parse(shared, m, st->files, st->nfiles, "the path cache", err, errlen);
    free(shared);
    if (rc == 0 && !(st->map = calloc(st->nfiles ? st->nfiles : 1, sizeof *st->map)))
        rc = fail(err, errlen, -ENOMEM, "stage: out of memory");
    for (size_t i = 0; rc == 0 && i < st->nfiles; ++i)
        st->map[i] =
            (struct pyn_audit_map_entry){pyn_audit_hash(st->files[i].name), st->files[i].name, st->files[i].path};
    if (rc == 0) {
        qsort(st->map, st->nfiles, sizeof *st->map, cmp_entry);
        const char *why = NULL;
        if (pyn_fs_set_map(st->map, st->nfiles, &why))
            rc = fail(err, errlen, -ENOTSUP, "stage: --stage %s needs ld.so's auditor to apply the map, and %s",
                      pyn_stage_kind_name(opt->kind), why);
    }
    return rc;
}

int pyn_stage_run(struct pyn_stage **out, const struct pyn_stage_options *opt, const struct pyn_manifest *m,
                  const char *library_dir, MPI_Comm node, struct pyn_stage_record *rec, char *err, size_t errlen)
{
    int rank = 0, node_rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_rank(node, &node_rank);
    memset(rec, 0, sizeof *rec);
    err[0] = '\0';
    struct pyn_stage *st = *out = calloc(1, sizeof *st);
    if (!st)
        MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR);
    st->kind = opt->kind;
    st->node = node;
    st->leaders = MPI_COMM_NULL; /* not 0 in every MPI: set before any early return */
    st->lock_fd = -1;
    st->leader = opt->kind == PYN_STAGE_BCAST && node_rank == 0;
    rec->leader = st->leader;
    int rc = pyn_stage_files_list(m, &st->files, &st->nfiles);
    if (rc == 0 && !(st->written = calloc(st->nfiles ? st->nfiles : 1, 1)))
        rc = -ENOMEM;
    if (rc)
        fail(err, errlen, rc, "stage: out of memory");
    if (any_failed(rc))
        return rc ? rc : -ECANCELED;
    /* Set-up, before the clock: communicator creation is collective and
     * costs the same whatever is staged. */
    if (opt->kind == PYN_STAGE_BCAST)
        MPI_Comm_split(MPI_COMM_WORLD, st->leader ? 0 : MPI_UNDEFINED, rank, &st->leaders);
    pyn_coll_barrier(MPI_COMM_WORLD);
    uint64_t t0 = rec->start_ns = pyn_clock_monotonic_ns();
    if (opt->kind == PYN_STAGE_BCAST)
        rc = stage_bcast(st, opt, m, library_dir, rank, rec, err, errlen);
    else if (opt->kind == PYN_STAGE_CACHE || opt->kind == PYN_STAGE_PILOT)
        rc = stage_map(st, opt, m, library_dir, rank, rec, err, errlen);
    /* The agreement ends the step: its time is what staging added. */
    int failed = any_failed(rc);
    rec->total_s = (double)(pyn_clock_monotonic_ns() - t0) * 1e-9;
    if (failed && rc == 0)
        rc = -ECANCELED;
    /* Stopped by a signal: what failed since (a copy the handler removed) is
     * its consequence; the run says once what stopped it. */
    if (rc == -ECANCELED || pyn_interrupt_caught(NULL))
        err[0] = '\0';
    if (rc == 0)
        rec->files = (int64_t)st->nfiles;
    return rc;
}

const char *pyn_stage_note(const struct pyn_stage *st)
{
    return st && st->note[0] ? st->note : NULL;
}

const char *pyn_stage_library_dir(const struct pyn_stage *st)
{
    return st && st->kind == PYN_STAGE_BCAST ? st->dir : NULL;
}

const char *pyn_stage_path(const struct pyn_stage *st, const char *file)
{
    const struct pyn_stage_file *f = st ? pyn_stage_files_find(st->files, st->nfiles, file) : NULL;
    return f ? f->path : NULL;
}

int pyn_stage_finish(struct pyn_stage *st, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!st)
        return 0;
    int rc = 0;
    if (st->map)
        pyn_fs_set_map(NULL, 0, &(const char *){NULL});
    if (st->prefix)
        pyn_fs_set_local_prefix(NULL);
    /* The host's ranks are done with the copies before the leader removes them. */
    if (st->kind == PYN_STAGE_BCAST)
        pyn_coll_barrier(st->node);
    pyn_interrupt_cleanup(NULL, 0);
    pyn_watchdog_copies(NULL, 0);
    /* The SIGINT/SIGTERM handler may have removed some already. */
    int gone_ok = pyn_interrupt_caught(NULL) != 0;
#define REMOVED(call) ((call) == 0 || (gone_ok && errno == ENOENT))
    char path[PATH_MAX];
    for (size_t i = 0; st->written && i < st->nfiles; ++i) {
        snprintf(path, sizeof path, "%s/%s", st->dir, st->files[i].name);
        if (st->written[i] && !REMOVED(unlink(path)) && rc == 0)
            rc = fail(err, errlen, -errno, "stage: remove %s: %s", path, strerror(errno));
    }
    for (long k = st->search_made; k >= 1; --k) {
        snprintf(path, sizeof path, "%s/search/%ld", st->dir, k);
        if (!REMOVED(rmdir(path)) && rc == 0)
            rc = fail(err, errlen, -errno, "stage: remove %s: %s", path, strerror(errno));
    }
    if (st->search_root_made) {
        snprintf(path, sizeof path, "%s/search", st->dir);
        if (!REMOVED(rmdir(path)) && rc == 0)
            rc = fail(err, errlen, -errno, "stage: remove %s: %s", path, strerror(errno));
    }
    if (st->dir_made && !REMOVED(rmdir(st->dir)) && rc == 0)
        rc = fail(err, errlen, -errno, "stage: remove %s: %s", st->dir, strerror(errno));
#undef REMOVED
    pyn_stage_dir_unlock(st->lock_fd);
    for (size_t i = 0; i < st->ncleanup; ++i)
        free(st->cleanup[i]);
    free(st->cleanup);
    if (st->leaders != MPI_COMM_NULL)
        MPI_Comm_free(&st->leaders);
    pyn_stage_files_free(st->files, st->nfiles);
    free(st->written);
    free(st->map);
    free(st->dir);
    free(st->prefix);
    free(st);
    return rc;
}
