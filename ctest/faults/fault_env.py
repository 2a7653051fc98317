#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs a command inside a broken environment, then checks what it left.

    fault_env.py [SETUP...] [CHECKS...] -- COMMAND [ARG...]

Used by the `faults` tests as the program (or the launcher) that
ctest/run_mode.py starts, so run_mode.py still records every rank's exit
status and checks the messages; this script adds the fault and the checks
that only make sense inside it. It exits with COMMAND's exit status, or

    97  a check after the command failed (the file system holds something
        it must not, a device was replaced, ...),
    98  the fault could not be set up (no privilege to mount, ...): the test
        fails loudly instead of passing without its fault.

Setup (in this order):
  --tmpfs DIR          mount a private tmpfs on DIR, in a mount namespace of
                       its own (the mount vanishes with the command, even if
                       the test is killed; nothing outside sees it)
  --size BYTES         its size (default 64 KiB)  --inodes N  its inode limit
  --keep FILE=TEXT     put FILE with TEXT in it before filling (an older
                       report that must survive unchanged)
  --fill blocks|inodes fill it: every data block, or every inode
  --read-only          remount it read-only
  --noexec             mount it noexec (no executable mappings from it)
  --drop-dac           run COMMAND without CAP_DAC_OVERRIDE and
                       CAP_DAC_READ_SEARCH (as root; as another user file
                       permissions already apply), so mode 000 means unreadable
Checks:
  --only-keep          after COMMAND, DIR must hold exactly the files put
                       there by --keep and --fill, each unchanged (and no
                       directory the command made)
  --char-device PATH   PATH must still be a character device afterwards
  --report-must-not-pass FILE
                       if COMMAND fails and FILE (a JSON report, removed
                       first) exists, it must say "passed": false
  --report-failed-ranks FILE RANKS
                       FILE (a JSON report) must exist afterwards, say
                       "passed": false and name exactly RANKS (comma
                       separated) as the failed ranks, each with its error:
                       the ranks that only stopped because another failed
                       are not failures
"""
import argparse
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # ctest/: pynamictest
from pynamictest import CheckFailed, die, load_report, reenter_in_mount_namespace, run  # noqa: E402

EXIT_CHECK = 97
EXIT_SETUP = 98
# Capabilities that let root ignore file permissions (linux/capability.h).
DAC_CAPS = ("cap_dac_override", "cap_dac_read_search")
FILLER = "filler"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tmpfs")
    p.add_argument("--size", type=int, default=64 * 1024)
    p.add_argument("--inodes", type=int)
    p.add_argument("--keep", action="append", default=[])
    p.add_argument("--fill", choices=["blocks", "inodes"])
    p.add_argument("--read-only", action="store_true")
    p.add_argument("--noexec", action="store_true")
    p.add_argument("--drop-dac", action="store_true")
    p.add_argument("--only-keep", action="store_true")
    p.add_argument("--char-device", action="append", default=[])
    p.add_argument("--report-must-not-pass")
    p.add_argument("--report-failed-ranks", nargs=2, metavar=("FILE", "RANKS"))
    p.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        p.error("no command given after --")
    if (args.fill or args.read_only or args.noexec or args.keep or args.only_keep or args.inodes) and not args.tmpfs:
        p.error("--fill, --read-only, --noexec, --keep, --only-keep and --inodes need --tmpfs")
    return args


def run_checked(cmd, what):
    proc = run(cmd)
    if proc.returncode != 0:
        die(f"{what}: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}", EXIT_SETUP)


def fill_blocks(dir_):
    """Writes one file until the file system says ENOSPC, and proves it is full."""
    path = os.path.join(dir_, FILLER)
    chunk = b"\0" * 4096
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                break
    # A partial last block may still take a few bytes: fill to the byte.
    with open(path, "ab", buffering=0) as f:
        while True:
            try:
                if f.write(b"\0") != 1:
                    break
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                break
    st = os.statvfs(dir_)
    if st.f_bavail != 0:
        die(f"{dir_} still has {st.f_bavail} free blocks after filling it", EXIT_SETUP)
    return [FILLER]


def fill_inodes(dir_):
    names = []
    while True:
        name = f"{FILLER}.{len(names)}"
        try:
            os.close(os.open(os.path.join(dir_, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
            break
        names.append(name)
        if len(names) > 100000:
            die(f"{dir_}: no inode limit reached after 100000 files (give --inodes)", EXIT_SETUP)
    if os.statvfs(dir_).f_favail != 0:
        die(f"{dir_} still has free inodes after filling it", EXIT_SETUP)
    return names


def snapshot(dir_):
    out = {}
    for name in os.listdir(dir_):
        path = os.path.join(dir_, name)
        if os.path.isdir(path) and not os.path.islink(path):
            out[name + "/"] = sorted(os.listdir(path))  # a directory left behind, with what it holds
            continue
        with open(path, "rb") as f:
            out[name] = f.read()
    return out


def setup_tmpfs(args):
    dir_ = os.path.abspath(args.tmpfs)
    os.makedirs(dir_, exist_ok=True)
    opts = f"size={args.size}" + (f",nr_inodes={args.inodes}" if args.inodes else "") + (",noexec" if args.noexec else "")
    run_checked(["mount", "-t", "tmpfs", "-o", opts, "pyn-fault", dir_], f"cannot mount a tmpfs on {dir_}")
    for item in args.keep:
        name, _, text = item.partition("=")
        with open(os.path.join(dir_, name), "w") as f:
            f.write(text)
    if args.fill == "blocks":
        fill_blocks(dir_)
    elif args.fill == "inodes":
        fill_inodes(dir_)
    if args.noexec and not os.statvfs(dir_).f_flag & os.ST_NOEXEC:
        die(f"{dir_} is not noexec after mounting it noexec", EXIT_SETUP)
    if args.read_only:
        run_checked(["mount", "-o", "remount,ro", dir_], f"cannot remount {dir_} read-only")
        probe = os.path.join(dir_, "probe")
        try:
            open(probe, "w").close()
            die(f"{dir_} is writable after remounting it read-only", EXIT_SETUP)
        except OSError as e:
            if e.errno != errno.EROFS:
                die(f"{dir_}: expected EROFS, got {e}", EXIT_SETUP)
    return dir_, snapshot(dir_)


def drop_dac_prefix():
    """A command prefix that removes root's power to ignore permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        die("setpriv (util-linux) not found: cannot run without CAP_DAC_OVERRIDE", EXIT_SETUP)
    # Dropped from the bounding set, the capabilities are gone after exec even for uid 0.
    prefix = [setpriv, "--inh-caps=" + ",".join("-" + c[4:] for c in DAC_CAPS),
              "--bounding-set=" + ",".join("-" + c[4:] for c in DAC_CAPS), "--"]
    # Prove it: a mode-000 file must be unreadable under the prefix.
    probe_dir = os.environ.get("TMPDIR", "/tmp")
    probe = os.path.join(probe_dir, f"pyn-fault-probe-{os.getpid()}")
    with open(probe, "w") as f:
        f.write("x")
    os.chmod(probe, 0)
    try:
        proc = subprocess.run(prefix + ["cat", probe], capture_output=True, text=True)
    finally:
        os.unlink(probe)
    if proc.returncode == 0 or "Permission denied" not in proc.stderr:
        die(f"a mode-000 file stays readable under {' '.join(prefix)} ({proc.returncode}, "
            f"{proc.stderr.strip()!r}): cannot make a file unreadable", EXIT_SETUP)
    return prefix


def main():
    argv = sys.argv[1:]
    args = parse_args(argv)
    if args.tmpfs and not args.in_namespace:
        reenter_in_mount_namespace(__file__, argv, map_root=True, status=EXIT_SETUP)  # does not return
    dir_, before = (setup_tmpfs(args) if args.tmpfs else (None, None))
    devices = {}
    for path in args.char_device:
        st = os.lstat(path)
        if not stat.S_ISCHR(st.st_mode):
            die(f"{path} is not a character device to begin with", EXIT_SETUP)
        devices[path] = st.st_rdev
    prefix = drop_dac_prefix() if args.drop_dac else []
    if args.report_must_not_pass and os.path.exists(args.report_must_not_pass):
        os.remove(args.report_must_not_pass)
    try:
        # close_fds=False: under an MPI launcher the command is a rank and needs the launcher's PMI socket.
        proc = subprocess.run(prefix + args.command, close_fds=False)
    except OSError as e:
        die(f"cannot run {args.command[0]}: {e}", EXIT_SETUP)
    problems = []
    if args.only_keep:
        after = snapshot(dir_)
        extra = sorted(set(after) - set(before))
        gone = sorted(set(before) - set(after))
        changed = sorted(n for n in set(before) & set(after) if before[n] != after[n])
        if extra:
            problems.append(f"{dir_} holds files the command left behind: {extra}")
        if gone or changed:
            problems.append(f"{dir_}: files removed {gone} or changed {changed}")
    for path, rdev in devices.items():
        try:
            st = os.lstat(path)
            ok = stat.S_ISCHR(st.st_mode) and st.st_rdev == rdev
        except OSError:
            ok = False
        if not ok:
            problems.append(f"{path} is no longer the character device it was")
    report = args.report_must_not_pass
    if report and proc.returncode != 0 and os.path.exists(report):
        try:
            passed = load_report(report)["result"]["passed"]
        except (OSError, ValueError, KeyError, TypeError, CheckFailed) as e:
            passed = f"unreadable ({e})"
        if passed is not False:
            problems.append(f"the command exited {proc.returncode} but left {report} saying passed: {passed}")
    if args.report_failed_ranks:
        path, ranks_text = args.report_failed_ranks
        want = sorted(int(r) for r in ranks_text.split(","))
        try:
            result = load_report(path)["result"]
            got = sorted(e["rank"] for e in result["errors"])
            if result["passed"] is not False or result["failed_ranks"] != len(want) or got != want:
                problems.append(f"{path}: passed {result['passed']}, failed_ranks {result['failed_ranks']}, errors "
                                f"from ranks {got}; expected only ranks {want} to have failed")
        except (OSError, ValueError, KeyError, TypeError, CheckFailed) as e:
            problems.append(f"{path}: no readable report ({e})")
    if problems:
        die("; ".join(problems), EXIT_CHECK)
    if proc.returncode < 0:
        # Killed by a signal: die of the same one, so the caller sees what happened.
        signal.signal(-proc.returncode, signal.SIG_DFL)
        os.kill(os.getpid(), -proc.returncode)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
