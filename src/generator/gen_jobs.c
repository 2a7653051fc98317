/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_jobs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen_emit.h"
#include "gen_signals.h"
#include "pyn_tool.h"

/* What a writer sends back: fixed size, so one write() of less than
 * PIPE_BUF arrives whole. */
typedef struct report {
    pyn_gen_emit_counts counts;
    int rc;
    char err[400];
} report;

/* Writes the libraries g = first, first + stride, ... */
static void emit_share(const pyn_gen_model *m, pyn_gen_tree *t, unsigned first, unsigned stride, report *r)
{
    pyn_gen_buf path, content;
    pyn_gen_buf_init(&path);
    pyn_gen_buf_init(&content);
    memset(r, 0, sizeof *r);
    for (uint32_t g = first; g < m->nlibs; g += stride) {
        pyn_gen_buf_clear(&path);
        pyn_gen_buf_clear(&content);
        pyn_gen_buf_printf(&path, "%s/", t->src_dir.data);
        pyn_gen_lib_name(m, g, &path);
        pyn_gen_buf_puts(&path, ".c");
        r->rc = pyn_gen_emit_library(m, g, &content);
        if (r->rc == 0 && pyn_gen_buf_failed(&path))
            r->rc = -ENOMEM;
        if (r->rc) {
            pyn_format_middle(r->err, sizeof r->err, "cannot generate '%s': %s",
                              pyn_gen_buf_failed(&path) ? t->src_dir.data : path.data, strerror(-r->rc));
            break;
        }
        int written;
        r->rc = pyn_gen_write_if_changed(t, path.data, &content, &written, r->err, sizeof r->err);
        if (r->rc)
            break;
        if (written)
            ++r->counts.written;
        else
            ++r->counts.unchanged;
    }
    pyn_gen_buf_free(&path);
    pyn_gen_buf_free(&content);
}

static int read_report(int fd, report *r)
{
    size_t got = 0;
    while (got < sizeof *r) {
        ssize_t n = read(fd, (char *)r + got, sizeof *r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

int pyn_gen_emit_all(const pyn_gen_model *m, pyn_gen_tree *t, unsigned jobs, pyn_gen_emit_counts *counts, char *err,
                     size_t errlen)
{
    counts->written = counts->unchanged = 0;
    if (jobs > m->nlibs)
        jobs = m->nlibs;
    if (jobs <= 1) {
        report r;
        emit_share(m, t, 0, 1, &r);
        *counts = r.counts;
        if (r.rc)
            snprintf(err, errlen, "%s", r.err);
        return r.rc;
    }

    pid_t pids[jobs];
    int fds[jobs];
    unsigned started = 0;
    int rc = 0;
    fflush(NULL); /* nothing buffered may be printed twice */
    pid_t self = getpid();
    for (; started < jobs; ++started) {
        int p[2];
        if (pipe(p) != 0) {
            rc = -errno;
            snprintf(err, errlen, "cannot start writer %u: pipe: %s", started, strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            rc = -errno;
            snprintf(err, errlen, "cannot start writer %u: fork: %s", started, strerror(errno));
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) {
            close(p[0]);
            if (pyn_gen_signals_writer_started(self) != 0)
                _exit(1);
            report r;
            emit_share(m, t, started, jobs, &r);
            ssize_t n = write(p[1], &r, sizeof r);
            _exit(n == (ssize_t)sizeof r ? 0 : 1);
        }
        close(p[1]);
        pids[started] = pid;
        fds[started] = p[0];
        pyn_gen_signals_writers(pids, started + 1);
    }
    if (rc) {
        /* Stop the writers already running: the run has failed. */
        for (unsigned w = 0; w < started; ++w)
            kill(pids[w], SIGTERM);
    }
    for (unsigned w = 0; w < started; ++w) {
        report r;
        int got = read_report(fds[w], &r);
        close(fds[w]);
        int status;
        while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
            ;
        if (rc)
            continue;
        if (got != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            rc = -EIO;
            snprintf(err, errlen,
                     "writer %u of %u ended without a report "
                     "(status 0x%x)",
                     w, jobs, (unsigned)status);
            continue;
        }
        if (r.rc) {
            rc = r.rc;
            snprintf(err, errlen, "%s", r.err);
            continue;
        }
        counts->written += r.counts.written;
        counts->unchanged += r.counts.unchanged;
    }
    pyn_gen_signals_writers(NULL, 0);
    return rc;
}
