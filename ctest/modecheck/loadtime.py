# SPDX-License-Identifier: BSD-3-Clause
"""Where the loading time went (docs/metrics.md, "Where the loading time goes"): each rank's split of the
start-up and the import into search, map, relocate, init and interpreter, against the phases it splits."""
from pynamictest import check, close

from .loader import unmeasured_reason

# Modes whose import is dlopen calls the runtime or CPython makes; the linked ones find their modules loaded.
IMPORT_LOADS = {"dlopen", "python", "linked", "python-linked"}
INTERPRETER = {"python", "python-linked", "python-static", "python-bigexe"}
PARTS = ("search_s", "map_s", "relocate_s")
# The done-when of the split: the dlopen mode's import is its dlopen calls, but for dlsym and the runtime's own
# bookkeeping (a few microseconds a module).
DLOPEN_LOADER_SHARE = 0.90


def check_split(where, split, with_init):
    check(split["why"] == "measured", f"{where}.why = {split['why']!r}, expected measured")
    for key in PARTS:
        check(split[key] is not None and split[key] >= 0, f"{where}.{key} = {split[key]}")
    if with_init:
        check(split["init_why"] == "measured" and split["init_s"] is not None and split["init_s"] >= 0,
              f"{where}.init_s = {split['init_s']} ({split['init_why']})")
    else:
        check(split["init_s"] is None and "no notification" in split["init_why"],
              f"{where}.init_s = {split['init_s']}: a dlopen has no boundary before the initialisers, expected null "
              f"with the reason, got {split['init_why']!r}")
    total = sum(split[k] for k in PARTS) + (split["init_s"] if with_init else 0.0)
    close(split["loader_s"], total, 1e-9, f"{where}.loader_s vs the sum of its parts")


def check_load(report, totals, mode, built_in, audited):
    """audited: the program ran with --audit."""
    for i, r in enumerate(report["ranks"]):
        load = r["load"]
        where = f"ranks[{i}].load"
        # Counted by the runtime itself, with or without the auditor.
        check(mode == "python-driver" or load["objects_before_import"] >= 5,
              f"{where}.objects_before_import = {load['objects_before_import']}: the executable, ld.so, the vDSO, "
              f"libc and MPI at least")
        reason = unmeasured_reason(mode, audited)
        if reason:
            for slot in ("startup", "import"):
                check(load[slot]["loader_s"] is None and reason in load[slot]["why"],
                      f"{where}.{slot}: {load[slot]}, expected null with the reason ({reason!r})")
            continue
        check_split(f"{where}.startup", load["startup"], True)
        imp = load["import"]
        if mode in IMPORT_LOADS:
            check_split(f"{where}.import", imp, False)
            check(imp["loads"] >= totals["modules"], f"{where}.import.loads = {imp['loads']}, expected a dlopen per "
                                                     f"module at least ({totals['modules']})")
        if mode in ("dlopen", "python"):
            # The whole tree is mapped in the import: every library and both markers.
            want = totals["libraries"] + totals.get("markers", 0)
            check(imp["objects"] == want, f"{where}.import.objects = {imp['objects']}, expected {want}")
        if mode == "dlopen":
            share = imp["loader_s"] / r["import_s"]
            # Under the sanitizers (the asan preset) the runtime's own code between the loads runs instrumented
            # and the loads' share falls (88 % seen): only its bound above holds there.
            sanitized = "-fsanitize" in (report["build"]["generated_c_flags"] or "")
            low = 0.0 if sanitized else DLOPEN_LOADER_SHARE
            check(low <= share <= 1.0,
                  f"{where}.import.loader_s = {imp['loader_s']} is {share:.1%} of import_s {r['import_s']}, expected "
                  f"{low:.0%}-100%: the import is its dlopen calls")
        if mode in INTERPRETER and imp["why"] == "measured":
            close(imp["loader_s"] + imp["interpreter_s"], r["import_s"], 1e-9,
                  f"{where}.import: loader_s + interpreter_s vs import_s")
        elif mode not in INTERPRETER:
            check(imp["interpreter_s"] is None and imp["interpreter_why"] != "measured",
                  f"{where}.import.interpreter_s = {imp['interpreter_s']} in a mode with no interpreter")
        if built_in:
            check(imp["objects"] == 0, f"{where}.import.objects = {imp['objects']}: the modules are built in")
