/* pyn_tool.h: what every pynamic program shares: its exit statuses, its
 * name in messages, where its executable lives (the defaults of a build or
 * install tree are relative to it), and the escaping that keeps an error
 * line one line. libc only: the configure-time generator links it too. */
#ifndef PYN_TOOL_H
#define PYN_TOOL_H

#include <stddef.h>

/* Every program's exit status (each program's --help says what its 1 means). */
enum pyn_exit_status {
    PYN_EXIT_OK = 0,    /* done: the run passed, the tree was generated, the file system unmounted cleanly */
    PYN_EXIT_ERROR = 1, /* failed: a run's checks, a file, the memory, a mount */
    PYN_EXIT_USAGE = 2  /* the command line was refused; nothing was done */
};

/* The name a program calls itself in messages: argv0 without its
 * directory. Points into argv0. */
const char *pyn_prog_name(const char *argv0);

/* The running executable's absolute, resolved path (realpath of
 * /proc/self/exe, so links such as an install's bin/ are followed),
 * malloc'd. NULL with errno set when it cannot be resolved or memory runs
 * out. */
char *pyn_exe_path(void);

/* The directory of pyn_exe_path(), malloc'd; NULL with errno set. */
char *pyn_exe_dir(void);

/* "<pyn_exe_dir()>/<relative>", malloc'd; NULL with errno set. */
char *pyn_exe_relative(const char *relative);

/* given, or else default_rel beside the executable, as an absolute path
 * that exists (realpath), malloc'd. NULL with one line in err: "<what>:
 * out of memory", or "<what> <path>: <strerror>" naming the path tried. */
char *pyn_exe_resolve(const char *given, const char *default_rel, const char *what, char *err, size_t errlen);

/* Rewrites control characters (below 0x20, and 0x7f) in the NUL-terminated
 * text in place as visible escapes (\r, \n, \t, \xNN), within size bytes,
 * so a message that echoes a user's argument stays one visible line. What
 * does not fit is cut at a character boundary, never inside an escape. */
void pyn_escape_controls(char *text, size_t size);

/* 1 if text holds a control character (as pyn_escape_controls escapes), else 0. */
int pyn_has_controls(const char *text);

#endif
