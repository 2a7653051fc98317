#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Builds the broken inputs of the `faults` tests (test fixtures), and checks
that each is broken the way it claims, so a test never passes on an intact
input.

  make_fault.py libdir --from LIBDIR --to DEST [--exe EXE] [OP...]
      copies every *.so of LIBDIR into DEST (DEST/lib with --exe, beside a
      copy of EXE, whose RUNPATH is $ORIGIN/lib, and of the auditor beside
      EXE), then applies:
        --only NAME            copy NAME alone (a directory holding one library, for LD_LIBRARY_PATH)
        --remove NAME          delete NAME
        --truncate NAME:SIZE   cut NAME to SIZE bytes ("half": half its size; "loaded-half": half of
                               what ld.so maps, so that loading it reads past the end)
        --mode NAME:OCTAL      chmod NAME (000: unreadable for the test's user)
        --elf-machine NAME:N   set NAME's e_machine to N (183: AArch64): a library built for another machine
        --elf-class NAME:32    set NAME's EI_CLASS to 32-bit (as gcc -m32 builds it)
  make_fault.py file --from FILE --to DEST [--truncate SIZE] [--tamper-checksum] [--mode OCTAL]
      copies a manifest and breaks it: cut it short (invalid JSON), change one
      module's checksum (valid JSON that no longer folds to the total), chmod.
  make_fault.py dir --to DEST --mode OCTAL
      an empty directory with that mode (a report directory nobody may write).
"""
import argparse
import glob
import json
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import die  # noqa: E402


def split_op(text, what):
    name, sep, value = text.rpartition(":")
    if not sep or not name or not value:
        die(f"{what} '{text}': expected NAME:VALUE")
    return name, value


def loaded_extent(path):
    """Where the file's last loadable segment ends: the bytes ld.so maps (the debug sections after it are
    never mapped, so cutting only those breaks nothing)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            die(f"{path}: not a 64-bit ELF file")
        order = "<" if head[5] == 1 else ">"
        phoff, = struct.unpack_from(order + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    end = 0
    for i in range(phnum):
        p_type, _flags, p_offset, _vaddr, _paddr, p_filesz = struct.unpack_from(order + "IIQQQQ", table, i * phentsize)
        if p_type == 1:  # PT_LOAD
            end = max(end, p_offset + p_filesz)
    return end


def truncate(path, size_text):
    full = os.path.getsize(path)
    if size_text == "loaded-half":
        size = loaded_extent(path) // 2
    else:
        size = full // 2 if size_text == "half" else int(size_text)
    if size >= full:
        die(f"cannot truncate {path} ({full} bytes) to {size} bytes: that is not shorter")
    os.truncate(path, size)
    if os.path.getsize(path) != size:
        die(f"{path} is not {size} bytes after truncating it")
    print(f"make_fault: {path}: truncated from {full} to {size} bytes")


def chmod(path, mode_text):
    os.chmod(path, int(mode_text, 8))
    print(f"make_fault: {path}: mode {mode_text}")


def patch_elf(path, field, value_text):
    """Rewrites one field of the ELF header in place (e_machine, or EI_CLASS), and checks that it changed."""
    with open(path, "r+b") as f:
        head = bytearray(f.read(20))
        if head[:4] != b"\x7fELF":
            die(f"{path}: not an ELF file")
        order = "<" if head[5] == 1 else ">"
        if field == "machine":
            offset, new = 18, struct.pack(order + "H", int(value_text))
        elif value_text in ("32", "64"):
            offset, new = 4, bytes([1 if value_text == "32" else 2])
        else:
            die(f"--elf-class {value_text}: expected 32 or 64")
        if head[offset:offset + len(new)] == new:
            die(f"{path}: its {field} is {value_text} already: nothing would be broken")
        f.seek(offset)
        f.write(new)
    print(f"make_fault: {path}: ELF {field} set to {value_text}")


def make_libdir(args):
    dest = os.path.abspath(args.to)
    shutil.rmtree(dest, ignore_errors=True)
    libdir = os.path.join(dest, "lib") if args.exe else dest
    os.makedirs(libdir)
    libs = sorted(glob.glob(os.path.join(args.source, "*.so")))
    if not libs:
        die(f"no *.so in {args.source}")
    if args.only:
        libs = [lib for lib in libs if os.path.basename(lib) in args.only]
        if len(libs) != len(set(args.only)):
            die(f"--only {' '.join(args.only)}: not all in {args.source}")
    for lib in libs:
        shutil.copy2(lib, libdir)
    if args.exe:
        shutil.copy2(args.exe, dest)
        # The auditor the executable names in DT_DEPAUDIT ($ORIGIN/...) goes with it.
        auditor = os.path.join(os.path.dirname(os.path.abspath(args.exe)), "libpynamic-audit.so")
        if os.path.exists(auditor):
            shutil.copy2(auditor, dest)
    for name in args.remove:
        path = os.path.join(libdir, name)
        if not os.path.exists(path):
            die(f"{name} is not in {args.source}")
        os.remove(path)
        print(f"make_fault: {path}: removed")
    for op in args.truncate:
        name, size = split_op(op, "--truncate")
        truncate(os.path.join(libdir, name), size)
    for op in args.mode:
        name, mode = split_op(op, "--mode")
        chmod(os.path.join(libdir, name), mode)
    for field in ("machine", "class"):
        for op in getattr(args, f"elf_{field}"):
            name, value = split_op(op, f"--elf-{field}")
            patch_elf(os.path.join(libdir, name), field, value)


def make_file(args):
    dest = os.path.abspath(args.to)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if os.path.exists(dest):
        os.chmod(dest, 0o644)
        os.remove(dest)
    shutil.copy2(args.source, dest)
    if args.tamper_checksum:
        with open(dest) as f:
            manifest = json.load(f)
        module = next(lib for lib in manifest["libraries"] if lib["kind"] == "module")
        old = int(module["checksum"], 16)
        module["checksum"] = f"0x{old ^ 1:016x}"
        with open(dest, "w") as f:
            json.dump(manifest, f, indent=1)
        print(f"make_fault: {dest}: {module['name']} checksum changed to {module['checksum']}")
    if args.truncate:
        truncate(dest, args.truncate[0])
    if args.mode:
        chmod(dest, args.mode[0])


def make_dir(args):
    dest = os.path.abspath(args.to)
    if os.path.isdir(dest):
        os.chmod(dest, 0o755)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    chmod(dest, args.mode[0])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["libdir", "file", "dir"])
    p.add_argument("--from", dest="source")
    p.add_argument("--to", required=True)
    p.add_argument("--exe")
    p.add_argument("--only", action="append", default=[])
    p.add_argument("--remove", action="append", default=[])
    p.add_argument("--truncate", action="append", default=[])
    p.add_argument("--mode", action="append", default=[])
    p.add_argument("--elf-machine", action="append", default=[])
    p.add_argument("--elf-class", action="append", default=[])
    p.add_argument("--tamper-checksum", action="store_true")
    args = p.parse_args()
    if args.what != "dir" and not args.source:
        p.error("--from is required")
    {"libdir": make_libdir, "file": make_file, "dir": make_dir}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
