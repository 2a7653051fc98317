/* pyn_file.h: whole-file reads and atomic writes. */
#ifndef PYN_FILE_H
#define PYN_FILE_H

#include <stddef.h>

/* Reads the whole file into a NUL-terminated malloc'd buffer (caller frees).
 * Returns 0 or a negative errno with "read <path>: <reason>" in err. */
int pyn_file_read_all(const char *path, char **data, size_t *len, char *err, size_t errlen);

/* Writes data to a temporary file beside path, flushes it to disk and
 * renames it over path, so readers see the old file or the whole new one,
 * never a partial one. Refuses to replace anything but a regular file
 * (-EEXIST). On failure nothing is left behind. Returns 0 or a
 * negative errno with "write <path>: <call>: <reason>" in err. */
int pyn_file_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
