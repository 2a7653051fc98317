/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_pydlopen.h: the embedding executables' dlopen, which marks the start
 * and end of CPython's dlopen calls for the load time's split while the
 * import phase runs (pyn_pydlopen.c says why it is written as it is). */
#ifndef PYN_PYDLOPEN_H
#define PYN_PYDLOPEN_H

/* 1: mark every dlopen call from now on; 0: pass them straight through. */
void pyn_pydlopen_mark(int on);

#endif
