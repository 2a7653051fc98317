/* SPDX-License-Identifier: BSD-3-Clause */
#define _POSIX_C_SOURCE 200809L
#include "pyn_fault_addr.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/* Parses a lowercase hexadecimal number at *p, advancing it. */
static uintptr_t parse_hex(const char **p, const char *end)
{
    uintptr_t v = 0;
    for (; *p < end; ++*p) {
        char c = **p;
        if (c >= '0' && c <= '9')
            v = v * 16 + (uintptr_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v * 16 + (uintptr_t)(c - 'a' + 10);
        else
            break;
    }
    return v;
}

/* One line of /proc/self/maps: "start-end perms offset dev inode   path".
 * Copies the path when [start, end) holds addr and the line names a file. */
static int match_line(const char *line, const char *end, uintptr_t addr, char *out, size_t outlen)
{
    const char *p = line;
    uintptr_t start = parse_hex(&p, end);
    if (p >= end || *p != '-')
        return -1;
    ++p;
    uintptr_t stop = parse_hex(&p, end);
    if (addr < start || addr >= stop)
        return -1;
    const char *path = p;
    while (path < end && *path != '/')
        ++path;
    if (path >= end)
        return -1;
    size_t n = 0;
    for (; path < end && n + 1 < outlen; ++path)
        out[n++] = *path;
    out[n] = '\0';
    return 0;
}

int pyn_fault_mapping_path(const void *addr, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return -1;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* Lines are far shorter than the buffer; a line cut at its end is kept
     * and completed by the next read. */
    char buf[8192];
    size_t have = 0;
    int rc = -1;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        size_t from = 0;
        for (size_t i = 0; i < have; ++i) {
            if (buf[i] != '\n')
                continue;
            if (match_line(buf + from, buf + i, (uintptr_t)addr, out, outlen) == 0) {
                rc = 0;
                break;
            }
            from = i + 1;
        }
        if (rc == 0)
            break;
        /* Keep the unfinished line; a line longer than the buffer is dropped. */
        have -= from;
        for (size_t i = 0; i < have; ++i)
            buf[i] = buf[from + i];
        if (have == sizeof buf)
            have = 0;
    }
    close(fd);
    return rc;
}
