/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_fault_addr.h: which file a faulting address belongs to, from a fatal
 * signal handler. libmodulebegin needs every module, so one dlopen() maps the
 * whole tree: when a truncated library kills the process inside it, the file
 * being dlopen'ed is not the one at fault; the address of the fault is. */
#ifndef PYN_FAULT_ADDR_H
#define PYN_FAULT_ADDR_H

#include <stddef.h>

/* Finds the mapping of this process that holds addr (by reading
 * /proc/self/maps) and copies its path into out (NUL-terminated, cut to
 * outlen - 1). Returns 0, or -1 when addr is in no file mapping or the
 * table cannot be read. Async-signal-safe: open, read and close only, no
 * allocation, no locks (the loader's lock may be held by the dlopen that
 * faulted). */
int pyn_fault_mapping_path(const void *addr, char *out, size_t outlen);

#endif
