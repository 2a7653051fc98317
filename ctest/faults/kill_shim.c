/* SPDX-License-Identifier: BSD-3-Clause */
/* Test-only LD_PRELOAD shim: makes one rank die, stop or pause at a chosen
 * point.
 *
 *   PYN_FAULT_RANK=2 PYN_FAULT_MODULE=libmodule3.so PYN_FAULT_ACTION=kill \
 *   LD_PRELOAD=.../libpyn_fault_kill.so mpiexec -n 4 pynamic-mode-dlopen
 *
 * When the process's rank (PMI_RANK from MPICH's hydra, PMIX_RANK, or
 * SLURM_PROCID; 0 without a launcher) is PYN_FAULT_RANK, at the point
 * PYN_FAULT_WHEN names:
 *   dlopen   (default) dlopen() of a file name ending in PYN_FAULT_MODULE
 *            (the import phase);
 *   create   open() with O_CREAT of a path ending in PYN_FAULT_MODULE (a
 *            --stage bcast leader writing its node-local copy: staging);
 *   barrier  the first MPI_Barrier() or MPI_Ibarrier() after such a dlopen
 *            (the barrier that starts the visit phase, every other rank
 *            waiting in it; MPI_Ibarrier under --timeout),
 *   gather   the first MPI_Gather() or MPI_Igather() of MPI_BYTE after such
 *            a dlopen (the gather of the ranks' records for the reports, at
 *            the end of the run, rank 0 waiting in it),
 *   bcast    the first MPI_Bcast() or MPI_Ibcast() of MPI_BYTE after such a
 *            create (a --stage bcast leader receiving the file's first chunk
 *            from rank 0, in the leaders' broadcast),
 * it writes one line to stderr and then
 *   kill   raises SIGKILL (the node's OOM killer, a node failure),
 *   segv   raises SIGSEGV (a crash in a library's constructor),
 *   exit   calls _exit(3) (a library that exits the process),
 *   stop   raises SIGSTOP (a stuck rank: the process stops, threads and all),
 *   pause  creates the file PYN_FAULT_READY and waits until a signal
 *          handler runs (at most 3 s), then carries on: the test sends its
 *          signal when the file appears, so it arrives at that point.
 * Any other call is passed to the real function. The product has no test
 * hooks; this is the whole mechanism. Never linked into anything but this test. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <fcntl.h>
#include <mpi.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *my_rank(void)
{
    static const char *const vars[] = {"PMI_RANK", "PMIX_RANK", "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; ++i) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return v;
    }
    return "0";
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return m > 0 && n >= m && strcmp(s + n - m, suffix) == 0 && (n == m || s[n - m - 1] == '/');
}

/* This rank, at this point (PYN_FAULT_WHEN, default dlopen), on this file. */
static int armed_for(const char *when, const char *file)
{
    const char *rank = getenv("PYN_FAULT_RANK"), *module = getenv("PYN_FAULT_MODULE");
    const char *w = getenv("PYN_FAULT_WHEN");
    return file && rank && module && strcmp(w && *w ? w : "dlopen", when) == 0 && strcmp(rank, my_rank()) == 0 &&
           ends_with(file, module);
}

static void fault(const char *where)
{
    const char *action = getenv("PYN_FAULT_ACTION");
    if (!action)
        action = "kill";
    fprintf(stderr, "fault-injection: rank %s (pid %ld): %s %s\n", my_rank(), (long)getpid(), action, where);
    fflush(stderr);
    if (strcmp(action, "pause") == 0) {
        /* SIGINT and SIGTERM blocked from before the ready file to the wait,
         * which unblocks them atomically (ppoll): a signal the test sends
         * once the file exists cannot slip in before the wait and be missed.
         * A process-directed signal may be taken by another thread (MPI's),
         * which does not end this wait: then it ends after PAUSE_S, still
         * well before the runtime's grace (PYN_INTERRUPT_GRACE_S, 10 s). */
        enum { PAUSE_S = 3 };
        sigset_t stop, saved;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        sigprocmask(SIG_BLOCK, &stop, &saved);
        const char *ready = getenv("PYN_FAULT_READY");
        /* The raw system call: this shim's open() must not see it. */
        int fd = ready ? (int)syscall(SYS_openat, AT_FDCWD, ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
        if (fd >= 0)
            close(fd);
        struct timespec t = {PAUSE_S, 0};
        ppoll(NULL, 0, &t, &saved); /* EINTR as soon as a handler has run on this thread */
        sigprocmask(SIG_SETMASK, &saved, NULL);
        return;
    }
    if (strcmp(action, "stop") == 0) {
        raise(SIGSTOP);
        return;
    }
    if (strcmp(action, "segv") == 0)
        raise(SIGSEGV);
    else if (strcmp(action, "exit") == 0)
        _exit(3);
    else
        raise(SIGKILL);
    _exit(125); /* not reached unless the signal is blocked or ignored */
}

static int dlopened;    /* the module was dlopen'ed: the next MPI_Barrier is the visit's */
static int gather_next; /* the module was dlopen'ed: the next gather of bytes is the report's */
static int bcast_next;  /* the module's copy was created: the next broadcast of bytes is its first chunk */

void *dlopen(const char *file, int flags)
{
    static void *(*real_dlopen)(const char *, int);
    if (!real_dlopen)
        *(void **)&real_dlopen = dlsym(RTLD_NEXT, "dlopen");
    if (armed_for("dlopen", file)) {
        char where[4200];
        snprintf(where, sizeof where, "while opening %s", file);
        fault(where);
    }
    if (armed_for("barrier", file))
        dlopened = 1;
    if (armed_for("gather", file))
        gather_next = 1;
    return real_dlopen(file, flags);
}

static int open_with(const char *name, const char *path, int flags, va_list ap)
{
    static int (*real_open)(const char *, int, ...);
    static int (*real_open64)(const char *, int, ...);
    int (**real)(const char *, int, ...) = strcmp(name, "open") == 0 ? &real_open : &real_open64;
    if (!*real)
        *(void **)real = dlsym(RTLD_NEXT, name);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    if ((flags & O_CREAT) && armed_for("create", path)) {
        char where[4200];
        snprintf(where, sizeof where, "while creating %s", path);
        fault(where);
    }
    if ((flags & O_CREAT) && armed_for("bcast", path))
        bcast_next = 1;
    return (*real)(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int fd = open_with("open", path, flags, ap);
    va_end(ap);
    return fd;
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int fd = open_with("open64", path, flags, ap);
    va_end(ap);
    return fd;
}

/* Looks for name in every loaded object but this shim: the MPI library may
 * not be in the global scope RTLD_NEXT searches (the driver's extension
 * module, and with it libmpich, is loaded RTLD_LOCAL by Python). */
struct lookup {
    const char *name;
    void *self;
    void *found;
};

static int look_in(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct lookup *l = data;
    if (l->found || !info->dlpi_name || !info->dlpi_name[0])
        return l->found != NULL;
    void *h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
    if (!h)
        return 0;
    void *f = dlsym(h, l->name);
    if (f && f != l->self)
        l->found = f;
    dlclose(h);
    return l->found != NULL;
}

static void *real_symbol(const char *name, void *self)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (f)
        return f;
    struct lookup l = {name, self, NULL};
    dl_iterate_phdr(look_in, &l);
    if (!l.found) {
        fprintf(stderr, "kill_shim: %s: not found in any loaded object\n", name);
        _exit(97);
    }
    return l.found;
}

/* The real MPI function, found once (the shim links no MPI; mpi.h declares it). */
#define REAL(fn)                                                                                                       \
    static __typeof__(&fn) real;                                                                                       \
    if (!real)                                                                                                         \
    *(void **)&real = real_symbol(#fn, (void *)&fn)

static void at_barrier(void)
{
    if (dlopened) {
        dlopened = 0;
        fault("before the barrier that starts the visit");
    }
}

int MPI_Barrier(MPI_Comm comm)
{
    REAL(MPI_Barrier);
    at_barrier();
    return real(comm);
}

int MPI_Ibarrier(MPI_Comm comm, MPI_Request *req)
{
    REAL(MPI_Ibarrier);
    at_barrier();
    return real(comm, req);
}

static void at_gather(MPI_Datatype type)
{
    if (gather_next && type == MPI_BYTE) {
        gather_next = 0;
        fault("before the gather of the ranks' records");
    }
}

int MPI_Gather(const void *in, int n, MPI_Datatype t, void *out, int on, MPI_Datatype ot, int root, MPI_Comm comm)
{
    REAL(MPI_Gather);
    at_gather(t);
    return real(in, n, t, out, on, ot, root, comm);
}

int MPI_Igather(const void *in, int n, MPI_Datatype t, void *out, int on, MPI_Datatype ot, int root, MPI_Comm comm,
                MPI_Request *req)
{
    REAL(MPI_Igather);
    at_gather(t);
    return real(in, n, t, out, on, ot, root, comm, req);
}

static void at_bcast(MPI_Datatype type)
{
    if (bcast_next && type == MPI_BYTE) {
        bcast_next = 0;
        fault("in the broadcast of the copy's first chunk");
    }
}

int MPI_Bcast(void *buf, int n, MPI_Datatype t, int root, MPI_Comm comm)
{
    REAL(MPI_Bcast);
    at_bcast(t);
    return real(buf, n, t, root, comm);
}

int MPI_Ibcast(void *buf, int n, MPI_Datatype t, int root, MPI_Comm comm, MPI_Request *req)
{
    REAL(MPI_Ibcast);
    at_bcast(t);
    return real(buf, n, t, root, comm, req);
}
