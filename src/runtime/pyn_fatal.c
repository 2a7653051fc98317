/* SPDX-License-Identifier: BSD-3-Clause */
/* The fatal-signal reporter of the import phase and the exit (pyn_fatal.h). The handler
 * may run inside the loader with its locks held, so it makes only
 * async-signal-safe calls: write, strlen, signal, raise, and the open, read
 * and close of /proc/self/maps in pyn_fault_mapping_path. Everything it
 * prints beyond the signal and the paths is formatted when it is armed. */
#define _GNU_SOURCE
#include "pyn_fatal.h"

#include "pyn_fault_addr.h"
#include "pyn_results.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const int fatal_signals[] = {SIGBUS, SIGSEGV, SIGILL, SIGFPE};
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static char fatal_prefix[PYN_HOST_MAX + 512];
static const char *volatile fatal_loading;
static struct sigaction fatal_saved[NFATAL];

static void write_all(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    write_all(fatal_prefix);
    write_all(sig == SIGBUS ? "SIGBUS" : sig == SIGSEGV ? "SIGSEGV" : sig == SIGILL ? "SIGILL" : "SIGFPE");
    const char *what = fatal_loading;
    if (what) {
        write_all(" while loading ");
        write_all(what);
    }
    /* Loading libmodulebegin maps every module: the file at fault is the
     * one the faulting address lies in. */
    static char at[4096];
    if (info && info->si_addr && pyn_fault_mapping_path(info->si_addr, at, sizeof at) == 0) {
        write_all(" (the fault is in ");
        write_all(at);
        write_all(")");
    }
    write_all("\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install(struct sigaction *saved)
{
    for (size_t i = 0; i < NFATAL; ++i) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_fatal_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal_signals[i], &sa, saved ? &saved[i] : NULL);
    }
}

void pyn_fatal_arm(const char *prog, int rank, const char *host, const char *step)
{
    snprintf(fatal_prefix, sizeof fatal_prefix, "%s: rank %d (%s): %s: fatal signal ", prog, rank, host, step);
    fatal_loading = NULL;
    install(fatal_saved);
}

void pyn_fatal_disarm(void)
{
    for (size_t i = 0; i < NFATAL; ++i)
        sigaction(fatal_signals[i], &fatal_saved[i], NULL);
    fatal_loading = NULL;
}

void pyn_fatal_loading(const char *what)
{
    fatal_loading = what;
}
