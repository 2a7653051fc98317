/* SPDX-License-Identifier: BSD-3-Clause */
/* A stand-in for the last module (PYN_BAD_MODULE, e.g. libmodule7) whose
 * initialisation fails: PyInit raises, as a module with a failing init
 * would. The last module because no other module calls into it (module i
 * calls module i-1's extern), so libmodulebegin, which needs every module,
 * still loads: the failure is the module's own import. The Python modes
 * must name the module and the exception, and fail on every rank. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef PYN_BAD_MODULE
#error "PYN_BAD_MODULE (the module's name) must be defined"
#endif
#define PYN_STR2(x) #x
#define PYN_STR(x) PYN_STR2(x)
#define PYN_CAT2(a, b) a##b
#define PYN_CAT(a, b) PYN_CAT2(a, b)

PyMODINIT_FUNC PYN_CAT(PyInit_, PYN_BAD_MODULE)(void)
{
    PyErr_SetString(PyExc_RuntimeError, "pynamic test: " PYN_STR(PYN_BAD_MODULE) " refuses to initialise");
    return NULL;
}
