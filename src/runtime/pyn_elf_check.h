/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_elf_check.h: why a file cannot be loaded into this process, from
 * its ELF header alone. ld.so skips a candidate of the wrong machine (and,
 * while searching, of the wrong class) and then reports the library as
 * "No such file or directory"; this names what is really wrong. For the
 * error path of a failed load only: one stat, one open and one read of the
 * header, never anything mapped. */
#ifndef PYN_ELF_CHECK_H
#define PYN_ELF_CHECK_H

#include <stddef.h>

/* Returns 0 when the file at path looks loadable as a shared object here
 * (a regular file, ELF, this process's class, byte order and machine,
 * ET_DYN); else a negative errno with what is wrong in why, one line not
 * naming the path:
 *   -ENOENT   "not there"
 *   -errno    "stat: <strerror>" or "open: <strerror>" (e.g. Permission denied)
 *   -EISDIR   "not a regular file (a directory)" (also devices, FIFOs, sockets: -EINVAL)
 *   -ENOEXEC  "empty (0 bytes)", "not an ELF file", "shorter than an ELF header (40 bytes)",
 *             "a 32-bit ELF file (ELFCLASS32, for x86-64); this process is 64-bit",
 *             "big-endian (ELFDATA2MSB); this process is little-endian",
 *             "an ELF file for AArch64 (e_machine 183); this process is x86-64 (e_machine 62)",
 *             "an ELF executable (ET_EXEC), not a shared object (ET_DYN)" */
int pyn_elf_check_loadable(const char *path, char *why, size_t whylen);

#endif
