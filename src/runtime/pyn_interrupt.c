/* SPDX-License-Identifier: BSD-3-Clause */
/* SIGINT and SIGTERM (pyn_interrupt.h). The handler may interrupt anything,
 * MPI's progress engine and the loader included, so it writes nothing
 * itself and calls only unlink, rmdir and strlen; errno is kept. */
#define _GNU_SOURCE
#include "pyn_interrupt.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const int stop_signals[] = {SIGINT, SIGTERM};
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])
static struct sigaction saved[NSTOP];
static int armed;
static volatile sig_atomic_t caught, caught_step;
static char *const *volatile cleanup_paths[PYN_INTERRUPT_OWNERS];
static volatile sig_atomic_t cleanup_count[PYN_INTERRUPT_OWNERS];

static void on_stop_signal(int sig)
{
    int saved_errno = errno;
    if (!caught) {
        caught_step = (sig_atomic_t)pyn_step_current(NULL);
        caught = sig;
        /* A rank that cannot reach the next agreement (another one is
         * stuck) must not keep the job alive: SIGALRM ends it after the grace. */
        alarm(PYN_INTERRUPT_GRACE_S);
    }
    for (int owner = 0; owner < PYN_INTERRUPT_OWNERS; ++owner) {
        /* Count first: the main flow clears the count before it frees the list. */
        int n = cleanup_count[owner];
        pyn_interrupt_remove_paths(cleanup_paths[owner], n > 0 ? (size_t)n : 0);
    }
    errno = saved_errno;
}

void pyn_interrupt_remove_paths(char *const *paths, size_t n)
{
    for (size_t i = 0; paths && i < n; ++i) {
        size_t len = strlen(paths[i]);
        if (len > 0 && paths[i][len - 1] == '/')
            rmdir(paths[i]);
        else
            unlink(paths[i]);
    }
}

void pyn_interrupt_arm(void)
{
    caught = 0;
    for (size_t i = 0; i < NSTOP; ++i) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop_signal;
        /* SA_RESTART: MPI's and the loader's system calls carry on; the run
         * notices the flag at its next agreement. */
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        for (size_t j = 0; j < NSTOP; ++j)
            sigaddset(&sa.sa_mask, stop_signals[j]);
        sigaction(stop_signals[i], &sa, &saved[i]);
    }
    armed = 1;
}

void pyn_interrupt_disarm(void)
{
    for (int owner = 0; owner < PYN_INTERRUPT_OWNERS; ++owner)
        pyn_interrupt_cleanup_for((enum pyn_interrupt_owner)owner, NULL, 0);
    if (caught)
        alarm(0);
    if (!armed)
        return;
    for (size_t i = 0; i < NSTOP; ++i)
        sigaction(stop_signals[i], &saved[i], NULL);
    armed = 0;
}

int pyn_interrupt_caught(enum pyn_step *step)
{
    int sig = caught;
    if (sig && step)
        *step = (enum pyn_step)caught_step;
    return sig;
}

void pyn_interrupt_cleanup_for(enum pyn_interrupt_owner owner, char *const *paths, size_t n)
{
    cleanup_count[owner] = 0;
    cleanup_paths[owner] = paths;
    cleanup_count[owner] = paths ? (sig_atomic_t)n : 0;
}

void pyn_interrupt_cleanup(char *const *paths, size_t n)
{
    pyn_interrupt_cleanup_for(PYN_INTERRUPT_STAGE, paths, n);
}

const char *pyn_interrupt_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}
