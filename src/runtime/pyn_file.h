/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_file.h: whole-file reads and atomic writes. */
#ifndef PYN_FILE_H
#define PYN_FILE_H

#include <stddef.h>

/* Reads the whole file into a NUL-terminated malloc'd buffer (caller frees).
 * Returns 0 or a negative errno with "read <path>: <reason>" in err. */
int pyn_file_read_all(const char *path, char **data, size_t *len, char *err, size_t errlen);

/* Creates a new empty file (O_EXCL, mode 0600, close-on-exec) beside path
 * to be renamed over it: its name is path's last component cut to 32 bytes,
 * then ".tmp." and 6 random characters, so it is a legal name whatever the
 * length of path's (up to NAME_MAX). Returns the descriptor and the
 * malloc'd name in *tmp, or a negative errno (*tmp NULL). */
int pyn_file_create_temp(const char *path, char **tmp);

/* Writes data to a temporary file beside path (pyn_file_create_temp), flushes it to disk and
 * renames it over path, so readers see the old file or the whole new one,
 * never a partial one. Refuses to replace anything but a regular file
 * (-EEXIST). On failure nothing is left behind. Returns 0 or a
 * negative errno with "write <path>: <call>: <reason>" in err. */
int pyn_file_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
