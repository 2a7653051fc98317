/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_pyorigin.h: did Python import the generated files the run meant to
 * load? A module of the same name found earlier on sys.path (PYTHONPATH, a
 * search directory, a stray copy) is imported instead; its visit then
 * returns other checksums, and the run blamed the tree ("were not built
 * from this manifest"). Python's headers only: the embedding modes and the
 * driver's extension module both link it. */
#ifndef PYN_PYORIGIN_H
#define PYN_PYORIGIN_H

#include "pyn_run.h"

/* After the import phase, outside the clocks, with the interpreter
 * running: for every generated module and marker in sys.modules, compares
 * the file it was loaded from (module.__file__) with the one the run meant
 * (pyn_run_staged_path(), else pyn_run_library_dir()/FILE) by device and
 * inode. On the first that differs, records this rank's error naming the
 * module, both files and the sys.path entry that shadowed it (and whether
 * PYTHONPATH put it there) with pyn_run_fail() and returns its value; else
 * 0. Not for built-in modules (no file). */
int pyn_py_check_imported(struct pyn_run *run);

#endif
