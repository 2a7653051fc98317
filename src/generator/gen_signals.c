/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_signals.h"

#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* What the handler reads: set with the flag down, so a signal that comes in
 * between sees either nothing or a whole value. */
static char temporary[PATH_MAX];
static volatile sig_atomic_t have_temporary;
static const pid_t *volatile writers;
static volatile sig_atomic_t nwriters;

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Async-signal-safe only: unlink, kill, sigaction, raise. */
static void on_stop(int sig)
{
    if (have_temporary)
        unlink(temporary);
    const pid_t *w = writers;
    for (sig_atomic_t i = 0; w && i < nwriters; ++i)
        kill(w[i], SIGTERM);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* delivered on return: the process dies of sig */
}

void pyn_gen_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; ++i)
        sigaddset(&sa.sa_mask, stop_signals[i]); /* one handler at a time */
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; ++i)
        sigaction(stop_signals[i], &sa, NULL);
}

void pyn_gen_signals_temporary(const char *path)
{
    have_temporary = 0;
    if (!path || strlen(path) >= sizeof temporary)
        return; /* too long to keep: the next run removes it */
    memcpy(temporary, path, strlen(path) + 1);
    have_temporary = 1;
}

void pyn_gen_signals_writers(const pid_t *pids, unsigned n)
{
    nwriters = 0;
    writers = pids;
    nwriters = (sig_atomic_t)n;
}

int pyn_gen_signals_writer_started(pid_t parent)
{
    pyn_gen_signals_writers(NULL, 0);
    have_temporary = 0;
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
        return -1;
    /* The parent may have died before the request: then no signal comes. */
    return getppid() == parent ? 0 : -1;
}
