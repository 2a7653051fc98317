/* Test-only LD_PRELOAD shim: makes one rank die while it imports a module.
 *
 *   PYN_FAULT_RANK=2 PYN_FAULT_MODULE=libmodule3.so PYN_FAULT_ACTION=kill \
 *   LD_PRELOAD=.../libpyn_fault_kill.so mpiexec -n 4 pynamic-mode-dlopen
 *
 * Wraps dlopen(): when the process's rank (PMI_RANK from MPICH's hydra,
 * PMIX_RANK, or SLURM_PROCID; 0 without a launcher) is PYN_FAULT_RANK and
 * the file name being opened ends in PYN_FAULT_MODULE, it writes one line to
 * stderr and then
 *   kill  raises SIGKILL (the node's OOM killer, a node failure),
 *   segv  raises SIGSEGV (a crash in a library's constructor),
 *   exit  calls _exit(3) (a library that exits the process).
 * Any other call is passed to the real dlopen. The product has no test hooks;
 * this is the whole mechanism. Never linked into anything but this test. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void *dlopen(const char *file, int flags)
{
    static void *(*real_dlopen)(const char *, int);
    if (!real_dlopen)
        *(void **)&real_dlopen = dlsym(RTLD_NEXT, "dlopen");
    const char *rank = getenv("PYN_FAULT_RANK"), *module = getenv("PYN_FAULT_MODULE");
    const char *action = getenv("PYN_FAULT_ACTION");
    if (file && rank && module && strcmp(rank, my_rank()) == 0 && ends_with(file, module)) {
        if (!action)
            action = "kill";
        fprintf(stderr, "fault-injection: rank %s (pid %ld): %s while opening %s\n", rank, (long)getpid(), action,
                file);
        fflush(stderr);
        if (strcmp(action, "segv") == 0)
            raise(SIGSEGV);
        else if (strcmp(action, "exit") == 0)
            _exit(3);
        else
            raise(SIGKILL);
        _exit(125); /* not reached unless the signal is blocked or ignored */
    }
    return real_dlopen(file, flags);
}
