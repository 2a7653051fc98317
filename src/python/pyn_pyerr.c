/* SPDX-License-Identifier: BSD-3-Clause */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyn_pyerr.h"

#include "pyn_tool.h"

#include <stdio.h>

void pyn_py_exception_text(char *buf, size_t len)
{
    PyObject *type = NULL, *value = NULL, *tb = NULL;
#if PY_VERSION_HEX >= 0x030C0000
    value = PyErr_GetRaisedException();
    type = value ? Py_NewRef((PyObject *)Py_TYPE(value)) : NULL;
#else
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
#endif
    const char *name = "unknown exception", *text = "";
    PyObject *name_obj = type ? PyObject_GetAttrString(type, "__name__") : NULL;
    PyObject *text_obj = value ? PyObject_Str(value) : NULL;
    if (name_obj && PyUnicode_Check(name_obj) && PyUnicode_AsUTF8(name_obj))
        name = PyUnicode_AsUTF8(name_obj);
    if (text_obj && PyUnicode_AsUTF8(text_obj))
        text = PyUnicode_AsUTF8(text_obj);
    pyn_format_middle(buf, len, "%s%s%s", name, text[0] ? ": " : "", text);
    for (char *p = buf; *p; ++p)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    Py_XDECREF(name_obj);
    Py_XDECREF(text_obj);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
}
