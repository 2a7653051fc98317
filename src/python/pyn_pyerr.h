/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_pyerr.h: the pending Python exception as one line, for the runtime's
 * one-line errors. Shared by the embedding modes and the driver's extension
 * module; needs the Python headers, not libpython. */
#ifndef PYN_PYERR_H
#define PYN_PYERR_H

#include <stddef.h>

/* "TypeName: text" of the pending exception (newlines made spaces) in buf,
 * and clears it; "unknown exception" when none is pending. Call with the
 * GIL held. */
void pyn_py_exception_text(char *buf, size_t len);

#endif
