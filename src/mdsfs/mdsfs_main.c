/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mdsfs: mounts a read-only view of a directory whose every
 * metadata operation goes through one queue with a fixed service time, like
 * a single metadata server, and counts what it served (docs/mdsfs.md).
 *
 *   pynamic-mdsfs [options] SOURCE MOUNTPOINT
 *
 * Runs in the foreground until unmounted (fusermount3 -u MOUNTPOINT), or
 * SIGTERM/SIGINT/SIGHUP, or --lifetime; SIGUSR1 resets the counts. */
#define _GNU_SOURCE
#include "mdsfs_fs.h"
#include "mdsfs_server.h"
#include "pyn_file.h"
#include "pyn_options.h"
#include "pyn_tool.h"
#include "pyn_version.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "pynamic-mdsfs";

/* The options' typed values, with the defaults below; each *_text is the
 * argument as given (NULL when not given), which the statistics' "options"
 * block shows. */
struct settings {
    const char *mds_latency_text, *read_latency_text, *read_mbps_text;
    const char *entry_timeout_text, *attr_timeout_text, *negative_timeout_text;
    const char *data_cache_text, *threads_text, *lifetime_text, *stats_path;
    int allow_other, help, version;
    uint64_t mds_latency_us, read_latency_us, read_mbps, threads, lifetime_s;
    double entry_timeout, attr_timeout, negative_timeout;
    int data_cache;            /* enum mdsfs_data_cache */
    char *source, *mountpoint; /* absolute */
};

static struct settings set = {
    .mds_latency_us = 200,
    .threads = 64,
    .data_cache = MDSFS_CACHE_DROP,
};

#define TIMEOUT_MAX 1e6
static const struct pyn_option option_table[] = {
    PYN_OPTION_UNSIGNED(
        "--mds-latency-us", "N", &set.mds_latency_us, 0, 10000000, "microseconds", "mds_latency_us",
        "service time of every metadata operation in microseconds, one at a time (default 200; 0: the real call only)",
        .text = &set.mds_latency_text),
    PYN_OPTION_UNSIGNED("--read-latency-us", "N", &set.read_latency_us, 0, 10000000, "microseconds", "read_latency_us",
                        "delay added to every data read in microseconds, not queued (default 0)",
                        .text = &set.read_latency_text),
    PYN_OPTION_UNSIGNED("--read-mbps", "N", &set.read_mbps, 0, 1000000, "MB/s", "read_mbps",
                        "each data read also takes its size at N MB/s, not queued (default 0: no limit)",
                        .text = &set.read_mbps_text),
    PYN_OPTION_DOUBLE("--entry-timeout", "S", &set.entry_timeout, 0, TIMEOUT_MAX, "seconds", "entry_timeout",
                      "seconds the kernel may cache a name it looked up (default 0: every path walk asks)",
                      .text = &set.entry_timeout_text),
    PYN_OPTION_DOUBLE("--attr-timeout", "S", &set.attr_timeout, 0, TIMEOUT_MAX, "seconds", "attr_timeout",
                      "seconds the kernel may cache attributes (default 0: every stat asks)",
                      .text = &set.attr_timeout_text),
    PYN_OPTION_DOUBLE("--negative-timeout", "S", &set.negative_timeout, 0, TIMEOUT_MAX, "seconds", "negative_timeout",
                      "seconds the kernel may cache a name's absence (default 0: every failed probe asks)",
                      .text = &set.negative_timeout_text),
    PYN_OPTION_ENUM(
        "--data-cache", "MODE", &set.data_cache, mdsfs_data_cache_names, "data_cache",
        "file data in the page cache: drop (at every open, default), keep (across opens) or direct (direct_io)",
        .text = &set.data_cache_text),
    PYN_OPTION_UNSIGNED("--threads", "N", &set.threads, 2, 4096, NULL, "threads",
                        "most FUSE worker threads, i.e. requests that can wait in the queue at once (default 64)",
                        .text = &set.threads_text),
    PYN_OPTION_PATH("--stats", "FILE", &set.stats_path, "stats",
                    "write the statistics JSON to FILE when unmounted (atomically)"),
    PYN_OPTION_UNSIGNED("--lifetime", "S", &set.lifetime_s, 0, 31 * 24 * 3600, "seconds", "lifetime",
                        "unmount and exit after S seconds (default 0: never); a watchdog for scripts",
                        .text = &set.lifetime_text),
    PYN_OPTION_FLAG("--allow-other", &set.allow_other, "allow_other",
                    "let other users than the one mounting use the mount (FUSE allow_other)"),
    PYN_OPTION_FLAG("--help", &set.help, NULL, "print this help and exit"),
    PYN_OPTION_FLAG("--version", &set.version, NULL, "print the version and exit"),
    PYN_OPTIONS_END};
static const struct pyn_option *const tables[] = {option_table, NULL};

static struct mdsfs_server *server;
static uint64_t started_ns;
static volatile sig_atomic_t lifetime_expired;

/* One line on stderr for a usage error; control characters escaped. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    pyn_vformat_middle(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pyn_escape_controls(msg, sizeof msg);
    fprintf(stderr, "%s: %s (see --help)\n", prog, msg);
    return PYN_EXIT_USAGE;
}

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_mountinfo(char *s)
{
    char *out = s;
    for (char *in = s; *in;) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
            in[3] <= '7') {
            *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 4;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

/* The file system type mounted exactly on path ("" if none), in type. */
static void mounted_type(const char *path, char *type, size_t typelen)
{
    type[0] = '\0';
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        /* id parent major:minor root MOUNTPOINT options [optional...] - TYPE source superoptions */
        char *save = NULL, *field = strtok_r(line, " ", &save);
        for (int i = 0; field && i < 4; ++i)
            field = strtok_r(NULL, " ", &save);
        if (!field)
            continue;
        unescape_mountinfo(field);
        if (strcmp(field, path) != 0)
            continue;
        char *dash;
        while ((dash = strtok_r(NULL, " ", &save)) && strcmp(dash, "-") != 0)
            ;
        char *fstype = dash ? strtok_r(NULL, " ", &save) : NULL;
        snprintf(type, typelen, "%s", fstype ? fstype : "unknown");
    }
    free(line);
    fclose(f);
}

/* SOURCE and MOUNTPOINT: existing directories, the mount point not already
 * a mount point. Exit status, with one line printed on failure. */
static int check_paths(const char *source, const char *mountpoint)
{
    struct stat st;
    set.source = realpath(source, NULL);
    if (!set.source || stat(set.source, &st) != 0) {
        fprintf(stderr, "%s: source %s: %s\n", prog, source, strerror(errno));
        return PYN_EXIT_ERROR;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: source %s: not a directory\n", prog, source);
        return PYN_EXIT_ERROR;
    }
    set.mountpoint = realpath(mountpoint, NULL);
    if (!set.mountpoint || stat(set.mountpoint, &st) != 0) {
        fprintf(stderr, "%s: mount point %s: %s\n", prog, mountpoint, strerror(errno));
        return PYN_EXIT_ERROR;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: mount point %s: not a directory\n", prog, mountpoint);
        return PYN_EXIT_ERROR;
    }
    char type[256];
    mounted_type(set.mountpoint, type, sizeof type);
    if (type[0]) {
        fprintf(stderr, "%s: mount point %s: busy: a %s file system is already mounted there%s\n", prog, set.mountpoint,
                type,
                strcmp(type, "fuse.pynamic-mdsfs") == 0 ? " (stop it first: bench/mdsfs.sh stop MOUNTPOINT)" : "");
        return PYN_EXIT_ERROR;
    }
    if (strcmp(set.source, set.mountpoint) == 0 ||
        (strncmp(set.mountpoint, set.source, strlen(set.source)) == 0 && set.mountpoint[strlen(set.source)] == '/')) {
        fprintf(stderr, "%s: mount point %s is inside the source %s: the mount would serve itself\n", prog,
                set.mountpoint, set.source);
        return PYN_EXIT_ERROR;
    }
    if (set.stats_path) {
        /* Fail now rather than lose the counts at unmount. */
        char *copy = strdup(set.stats_path);
        char *slash = copy ? strrchr(copy, '/') : NULL;
        const char *dir = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
        if (!copy || access(dir, W_OK | X_OK) != 0) {
            fprintf(stderr, "%s: --stats %s: directory %s: %s\n", prog, set.stats_path, dir,
                    copy ? strerror(errno) : "out of memory");
            free(copy);
            return PYN_EXIT_ERROR;
        }
        free(copy);
    }
    return PYN_EXIT_OK;
}

static void add_setting(const char *key, const char *value, void *ctx)
{
    json_object_set_new((json_t *)ctx, key, value ? json_string(value) : json_null());
}

/* The whole statistics document: who serves what, the effective settings,
 * and the server's counts. */
static json_t *stats_document(void *ctx)
{
    (void)ctx;
    json_t *doc = mdsfs_server_stats(server);
    if (!doc)
        return NULL;
    json_t *tool = json_object(), *options = json_object(), *effective = json_object();
    json_object_set_new(tool, "name", json_string(prog));
    json_object_set_new(tool, "version", json_string(PYN_VERSION));
    pyn_options_each_setting(tables, add_setting, options);
    json_object_set_new(effective, "mds_latency_us", json_integer((json_int_t)set.mds_latency_us));
    json_object_set_new(effective, "read_latency_us", json_integer((json_int_t)set.read_latency_us));
    json_object_set_new(effective, "read_mbps", json_integer((json_int_t)set.read_mbps));
    json_object_set_new(effective, "entry_timeout", json_real(set.entry_timeout));
    json_object_set_new(effective, "attr_timeout", json_real(set.attr_timeout));
    json_object_set_new(effective, "negative_timeout", json_real(set.negative_timeout));
    json_object_set_new(effective, "data_cache", json_string(mdsfs_data_cache_names[set.data_cache]));
    json_object_set_new(effective, "threads", json_integer((json_int_t)set.threads));
    json_object_set_new(doc, "schema_version", json_integer(1));
    json_object_set_new(doc, "tool", tool);
    json_object_set_new(doc, "pid", json_integer(getpid()));
    json_object_set_new(doc, "source", json_string(set.source));
    json_object_set_new(doc, "mountpoint", json_string(set.mountpoint));
    json_object_set_new(doc, "options", options);
    json_object_set_new(doc, "settings", effective);
    json_object_set_new(doc, "uptime_s", json_real((double)(mdsfs_now_ns() - started_ns) / 1e9));
    return doc;
}

/* SIGUSR1 (reset) and the lifetime, handled by one thread with sigwait so
 * that nothing runs in a signal handler. */
static void *signal_thread(void *arg)
{
    (void)arg;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    uint64_t end_ns = set.lifetime_s ? started_ns + set.lifetime_s * 1000000000u : 0;
    for (;;) {
        int sig;
        if (end_ns) {
            uint64_t now = mdsfs_now_ns();
            if (now >= end_ns) {
                lifetime_expired = 1;
                fprintf(stderr, "%s: lifetime of %llu s reached: unmounting %s\n", prog,
                        (unsigned long long)set.lifetime_s, set.mountpoint);
                kill(getpid(), SIGTERM); /* libfuse's handler ends the loop */
                return NULL;
            }
            uint64_t left = end_ns - now;
            struct timespec ts = {(time_t)(left / 1000000000u), (long)(left % 1000000000u)};
            sig = sigtimedwait(&usr1, NULL, &ts);
        } else {
            int got;
            sig = sigwait(&usr1, &got) == 0 ? got : -1;
        }
        if (sig == SIGUSR1)
            mdsfs_server_reset(server);
    }
    return NULL;
}

static int write_stats_file(void)
{
    json_t *doc = stats_document(NULL);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(9)) : NULL;
    json_decref(doc);
    if (!text) {
        fprintf(stderr, "%s: --stats %s: out of memory\n", prog, set.stats_path);
        return PYN_EXIT_ERROR;
    }
    size_t len = strlen(text);
    char *withnl = realloc(text, len + 2);
    if (withnl) {
        text = withnl;
        text[len++] = '\n';
        text[len] = '\0';
    }
    char err[1024];
    int rc = pyn_file_write_atomic(set.stats_path, text, len, err, sizeof err);
    free(text);
    if (rc) {
        fprintf(stderr, "%s: --stats: %s\n", prog, err);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}

static void print_help(void)
{
    printf("usage: %s [options] SOURCE MOUNTPOINT\n"
           "Mounts a read-only view of SOURCE on MOUNTPOINT whose every metadata operation (lookup, getattr,\n"
           "open, opendir, readdir, readlink, access, statfs) waits in one FIFO queue served one at a time, like a\n"
           "single metadata server, and counts what it served. Runs until unmounted (fusermount3 -u MOUNTPOINT)\n"
           "or SIGTERM/SIGINT. SIGUSR1 resets the counts. MOUNTPOINT/" MDSFS_STATS_NAME " reads the counts as JSON.\n"
           "Scripted start/stop: bench/mdsfs.sh. More: docs/mdsfs.md.\n\noptions:\n",
           prog);
    pyn_options_print_help(tables, NULL, stdout);
    printf("\nexit status: 0 unmounted cleanly, 1 error (source, mount point, mount, --stats file), "
           "2 usage error\n");
}

/* A FUSE session over fs with the settings' mount options, or NULL (libfuse
 * said why on stderr). ro: the kernel refuses every change itself. No
 * default_permissions: access() reaches the server as ACCESS, as it would
 * on NFS or Lustre. */
static struct fuse_session *new_session(struct mdsfs_fs *fs)
{
    char mount_opts[256];
    snprintf(mount_opts, sizeof mount_opts, "ro,fsname=pynamic-mdsfs,subtype=pynamic-mdsfs%s",
             set.allow_other ? ",allow_other" : "");
    char *fuse_argv[] = {(char *)prog, "-o", mount_opts, NULL};
    struct fuse_args args = FUSE_ARGS_INIT(3, fuse_argv);
    struct fuse_session *se = fuse_session_new(&args, mdsfs_fs_operations(), sizeof *mdsfs_fs_operations(), fs);
    fuse_opt_free_args(&args); /* the copy fuse_session_new's option parsing made */
    return se;
}

/* Serves the mount until it is unmounted or a signal ends the loop;
 * returns libfuse's result (the number of that signal, or an error). */
static int serve_loop(struct fuse_session *se)
{
    fprintf(stderr,
            "%s: serving %s on %s (pid %d): metadata latency %llu us, read latency %llu us, read limit %llu MB/s, "
            "entry/attr/negative timeouts %g/%g/%g s, data cache %s, up to %llu threads\n",
            prog, set.source, set.mountpoint, (int)getpid(), (unsigned long long)set.mds_latency_us,
            (unsigned long long)set.read_latency_us, (unsigned long long)set.read_mbps, set.entry_timeout,
            set.attr_timeout, set.negative_timeout, mdsfs_data_cache_names[set.data_cache],
            (unsigned long long)set.threads);
    struct fuse_loop_config *loop = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(loop, (unsigned)set.threads);
    fuse_loop_cfg_set_idle_threads(loop, (unsigned)set.threads);
    int loop_rc = fuse_session_loop_mt(se, loop);
    fuse_loop_cfg_destroy(loop);
    return loop_rc;
}

/* After the loop, unmounted: its verdict, the statistics file, the last
 * line. Returns the exit status. */
static int unmounted(int loop_rc)
{
    /* libfuse returns the number of the signal that ended the loop. */
    int status = PYN_EXIT_OK;
    if (loop_rc != 0 && loop_rc != SIGTERM && loop_rc != SIGINT && loop_rc != SIGHUP) {
        fprintf(stderr, "%s: serving %s ended with an error (%d)\n", prog, set.mountpoint, loop_rc);
        status = PYN_EXIT_ERROR;
    }
    if (set.stats_path && write_stats_file() != PYN_EXIT_OK)
        status = PYN_EXIT_ERROR;
    fprintf(stderr, "%s: %s unmounted%s\n", prog, set.mountpoint, lifetime_expired ? " (lifetime reached)" : "");
    return status;
}

/* Mounts the checked settings and serves until unmounted. Returns the exit
 * status, with one line printed on failure. Whatever step fails, one
 * teardown at the end undoes what was set up, in reverse order. */
static int serve(void)
{
    int status = PYN_EXIT_ERROR, handlers = 0, mounted = 0, have_sig_thread = 0, loop_rc = 0;
    struct mdsfs_fs *fs = NULL;
    struct fuse_session *se = NULL;
    pthread_t sig_tid;
    char err[1024];

    /* Every thread from here on (the FUSE workers) blocks SIGUSR1, so an
     * early one never kills the daemon; the signal thread takes it. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    /* Sleep precisely: the default 50 us timer slack would lengthen every service time. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    started_ns = mdsfs_now_ns();
    server = mdsfs_server_create(set.mds_latency_us * 1000u);
    struct mdsfs_fs_config cfg = {
        .source = set.source,
        .entry_timeout = set.entry_timeout,
        .attr_timeout = set.attr_timeout,
        .negative_timeout = set.negative_timeout,
        .data_cache = set.data_cache,
        .read_latency_ns = set.read_latency_us * 1000u,
        .read_bytes_per_s = set.read_mbps * 1000000u,
        .stats = stats_document,
    };
    if (!server || mdsfs_fs_create(&cfg, server, &fs, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, server ? err : "out of memory");
        goto teardown;
    }
    if (!(se = new_session(fs))) {
        fprintf(stderr, "%s: fuse_session_new failed (see the line above)\n", prog);
        goto teardown;
    }
    if (fuse_set_signal_handlers(se) != 0) {
        fprintf(stderr, "%s: cannot install signal handlers\n", prog);
        goto teardown;
    }
    handlers = 1;
    if (fuse_session_mount(se, set.mountpoint) != 0) {
        fprintf(stderr,
                "%s: mount on %s failed (libfuse's reason is on the line above; /dev/fuse and "
                "fusermount3 are needed)\n",
                prog, set.mountpoint);
        goto teardown;
    }
    mounted = 1;
    have_sig_thread = pthread_create(&sig_tid, NULL, signal_thread, NULL) == 0;
    if (!have_sig_thread)
        fprintf(stderr, "%s: warning: no signal thread: SIGUSR1 and --lifetime will not work\n", prog);
    loop_rc = serve_loop(se);

teardown:
    if (mounted)
        fuse_session_unmount(se);
    if (handlers)
        fuse_remove_signal_handlers(se);
    if (se)
        fuse_session_destroy(se);
    if (have_sig_thread) {
        pthread_cancel(sig_tid);
        pthread_join(sig_tid, NULL);
    }
    if (mounted)
        status = unmounted(loop_rc);
    mdsfs_fs_destroy(fs);
    mdsfs_server_destroy(server);
    return status;
}

int main(int argc, char **argv)
{
    const char *positional[3];
    size_t npositional = 0;
    char err[1024];
    if (pyn_options_parse(tables, argc, argv, positional, 3, &npositional, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return PYN_EXIT_USAGE;
    }
    if (set.help) {
        print_help();
        return PYN_EXIT_OK;
    }
    if (set.version) {
        printf("%s (pynamic) %s\n", prog, PYN_VERSION);
        return PYN_EXIT_OK;
    }
    if (npositional != 2)
        return usage_error("expected SOURCE and MOUNTPOINT, got %zu argument%s", npositional,
                           npositional == 1 ? "" : "s");
    int status = check_paths(positional[0], positional[1]);
    if (status == PYN_EXIT_OK)
        status = serve();
    free(set.source);
    free(set.mountpoint);
    return status;
}
