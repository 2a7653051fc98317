/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_tool.h: what every pynamic program shares: its exit statuses, its
 * name in messages, where its executable lives (the defaults of a build or
 * install tree are relative to it), and the escaping that keeps an error
 * line one line. libc only: the configure-time generator links it too. */
#ifndef PYN_TOOL_H
#define PYN_TOOL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

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
 * so a message that echoes a user's argument stays one visible line. Text
 * that fits once escaped is kept whole; else it keeps its start and its end
 * with "..." between, as pyn_shorten_middle does (the cause at the end
 * survives), cut between characters, never inside an escape or a UTF-8
 * sequence (the start only when size is below 6 or memory runs out). */
void pyn_escape_controls(char *text, size_t size);

/* snprintf for a one-line message: formats fmt into buf (size bytes),
 * and when the whole text does not fit, keeps its start and its end with
 * "..." between, so a long path in the middle loses its middle rather than
 * the cause at the end ("...: No such file or directory"). Cuts never split
 * a UTF-8 sequence. The arguments may point into buf (the text is formatted
 * elsewhere first). Returns the length of the whole text, as snprintf does,
 * or -1 on a formatting error (buf then holds "" if size > 0). Out of memory
 * for a text longer than 2 KiB, it shortens the first 2 KiB. */
int pyn_format_middle(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pyn_vformat_middle(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* Copies text into buf (size bytes) as pyn_format_middle does: whole when
 * it fits, else its start, "..." and its end. text may be buf itself. */
void pyn_shorten_middle(char *buf, size_t size, const char *text);

/* For a line of line_size bytes that names two long texts (two paths):
 * copies a and b into abuf and bbuf (buflen bytes each), together at most
 * two thirds of the line, shortening them as pyn_shorten_middle does only
 * when they do not fit whole (the shorter keeps what it needs, the longer
 * takes the rest), so that once the line is formatted (pyn_format_middle)
 * each keeps its own start and end and the words between and after them
 * stay. Neither a nor b may be abuf or bbuf. */
void pyn_shorten_pair(char *abuf, char *bbuf, size_t buflen, size_t line_size, const char *a, const char *b);

/* fflush(f), remembering the first failure's errno for pyn_flush_check:
 * stdio drops the bytes of a failed flush, and with them the cause. Returns
 * 0 or the negative errno. Use it wherever output that must arrive (the
 * result lines) is flushed along the way. */
int pyn_flush(FILE *f);

/* Flushes f and says whether everything written to it so far arrived: 0,
 * or the negative errno of the first failed write (remembered by
 * pyn_flush; -EIO when unknown). For the result lines on standard output:
 * a full disk or a closed pipe must fail the run, not vanish. */
int pyn_flush_check(FILE *f);

/* 1 if text holds a control character (as pyn_escape_controls escapes), else 0. */
int pyn_has_controls(const char *text);

/* Makes a text from elsewhere (a library's version string, an environment
 * variable) one clean line for a report, in place: every run of white
 * space and control characters (below 0x20, and 0x7f) becomes one space,
 * none is left at either end, and each byte that does not belong to valid
 * UTF-8 becomes '?' (a JSON string must be UTF-8). Returns text. */
char *pyn_normalise_text(char *text);

#endif
