/* SPDX-License-Identifier: BSD-3-Clause */
/* A module of another build named like a generated one (PYN_IMPOSTOR, e.g.
 * libmodule3): it imports cleanly and its entry() returns a checksum the
 * manifest does not expect. Put earlier on sys.path (PYTHONPATH, a search
 * directory) it shadows the generated module: the Python modes must name
 * the file they imported instead, not blame the tree at the visit. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef PYN_IMPOSTOR
#error "PYN_IMPOSTOR (the module's name) must be defined"
#endif
#define PYN_STR2(x) #x
#define PYN_STR(x) PYN_STR2(x)
#define PYN_CAT2(a, b) a##b
#define PYN_CAT(a, b) PYN_CAT2(a, b)

static PyObject *entry(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromUnsignedLongLong(0x1234567890abcdefULL);
}

static PyMethodDef methods[] = {
    {"entry", entry, METH_NOARGS, "a checksum no manifest expects"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, PYN_STR(PYN_IMPOSTOR), NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PYN_CAT(PyInit_, PYN_IMPOSTOR)(void)
{
    return PyModule_Create(&module);
}
