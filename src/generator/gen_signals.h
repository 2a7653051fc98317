/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_signals.h: what an interrupted pynamic-gen leaves behind.
 *
 * Ctrl-C (SIGINT to the whole process group), a scheduler's SIGTERM or a
 * closed terminal (SIGHUP) stops the generator and its writers; each
 * process removes the temporary file it is writing, the parent stops its
 * writers, and the signal is raised again so the exit status says what
 * happened. Writers also die with their parent (SIGKILL included:
 * PR_SET_PDEATHSIG), so none goes on writing into a tree nobody waits for.
 * What a SIGKILL still leaves (a temporary file) the next run removes
 * (pyn_gen_remove_temporaries, gen_files.h). */
#ifndef PYN_GEN_SIGNALS_H
#define PYN_GEN_SIGNALS_H

#include <sys/types.h>

/* Installs the handlers. Call once, before the first file is written. */
void pyn_gen_signals_install(void);

/* The temporary file this process is writing now (NULL: none): removed if a
 * signal stops it. path is copied. */
void pyn_gen_signals_temporary(const char *path);

/* The writers this parent runs (n of them; 0: none): stopped with SIGTERM
 * if a signal stops the parent. pids must stay valid until cleared. */
void pyn_gen_signals_writers(const pid_t *pids, unsigned n);

/* In a writer, first thing after fork(): it dies with its parent (parent
 * is the pid fork() was called in), and it stops no writers of its own.
 * Returns 0, or -1 when the parent is already gone. */
int pyn_gen_signals_writer_started(pid_t parent);

#endif
