/* What every program shares (pyn_tool.h). */
#define _GNU_SOURCE
#include "pyn_tool.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pyn_prog_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    return slash ? slash + 1 : argv0;
}

char *pyn_exe_path(void)
{
    return realpath("/proc/self/exe", NULL);
}

char *pyn_exe_dir(void)
{
    char *exe = pyn_exe_path();
    if (!exe)
        return NULL;
    char *dir = strdup(dirname(exe));
    int saved = errno;
    free(exe);
    errno = saved;
    return dir;
}

char *pyn_exe_relative(const char *relative)
{
    char *dir = pyn_exe_dir(), *path = NULL;
    if (!dir)
        return NULL;
    if (asprintf(&path, "%s/%s", dir, relative) < 0) {
        path = NULL;
        errno = ENOMEM;
    }
    int saved = errno;
    free(dir);
    errno = saved;
    return path;
}

char *pyn_exe_resolve(const char *given, const char *default_rel, const char *what, char *err, size_t errlen)
{
    /* A default that cannot be placed (/proc/self/exe unresolved) is
     * reported as out of memory too, as the programs always have. */
    char *candidate = given ? strdup(given) : pyn_exe_relative(default_rel);
    if (!candidate) {
        snprintf(err, errlen, "%s: out of memory", what);
        return NULL;
    }
    char *abs = realpath(candidate, NULL);
    if (!abs)
        snprintf(err, errlen, "%s %s: %s", what, candidate, strerror(errno));
    free(candidate);
    return abs;
}

/* How c is shown: itself, \r \n \t, or \xNN; written to out (room for 4)
 * unless out is NULL. Returns the length. */
static size_t escape_one(unsigned char c, char *out)
{
    char buf[8];
    size_t n;
    if (c >= 0x20 && c != 0x7f) {
        buf[0] = (char)c;
        n = 1;
    } else if (c == '\r' || c == '\n' || c == '\t') {
        buf[0] = '\\';
        buf[1] = c == '\r' ? 'r' : c == '\n' ? 'n' : 't';
        n = 2;
    } else {
        n = (size_t)snprintf(buf, sizeof buf, "\\x%02x", c);
    }
    if (out)
        memcpy(out, buf, n);
    return n;
}

void pyn_escape_controls(char *text, size_t size)
{
    if (size == 0)
        return;
    /* Forward: how many characters fit once escaped. One more is taken
     * while at least 6 bytes are left, so the longest escape (4) and the
     * NUL always fit. */
    size_t in = 0, out = 0;
    while (text[in] && out + 5 < size)
        out += escape_one((unsigned char)text[in++], NULL);
    /* Backward, in place: each character's escape starts at or after the
     * character, so nothing is overwritten before it has been read. */
    text[out] = '\0';
    while (in > 0) {
        unsigned char c = (unsigned char)text[--in];
        out -= escape_one(c, NULL);
        escape_one(c, text + out);
    }
}

int pyn_has_controls(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c)
        if (*c < 0x20 || *c == 0x7f)
            return 1;
    return 0;
}
