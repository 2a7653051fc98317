/* A stand-in for libmodule1 whose initialisation fails: PyInit raises, as a
 * module with a broken dependency or a failing init would. The Python modes
 * must name the module and the exception, and fail on every rank. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

PyMODINIT_FUNC PyInit_libmodule1(void)
{
    PyErr_SetString(PyExc_RuntimeError, "pynamic test: libmodule1 refuses to initialise");
    return NULL;
}
