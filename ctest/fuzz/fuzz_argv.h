/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_argv.h: turns a fuzzer input into an argv, one argument per line.
 * An empty line is an empty argument; a newline at the very end ends the
 * last argument rather than starting an empty one. The copy is NUL-separated
 * in place, so arguments can hold any byte but '\n' and '\0' (a '\0' ends
 * its argument early, as it would in a real argv). */
#ifndef FUZZ_ARGV_H
#define FUZZ_ARGV_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Returns argc (at least 1: argv[0] = prog), argv[argc] = NULL; *copy is
 * the buffer to free. max counts argv[0] and excludes the final NULL. */
static int fuzz_argv(const uint8_t *data, size_t size, const char *prog, char **argv, int max, char **copy)
{
    int argc = 0;
    argv[argc++] = (char *)prog;
    *copy = malloc(size + 1);
    if (!*copy) {
        argv[argc] = NULL;
        return argc;
    }
    memcpy(*copy, data, size);
    (*copy)[size] = '\0';
    char *p = *copy, *end = *copy + size;
    while (p < end && argc < max) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl)
            *nl = '\0';
        argv[argc++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    argv[argc] = NULL;
    return argc;
}

#endif
