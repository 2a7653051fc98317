#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Debian package of the installed tree: built, installed with apt-get, removed cleanly.

  check_package.py build --cpack CPACK --config BUILD/CPackConfig.cmake --build BUILD --workdir DIR
                         --version V --treedir REL --bindir REL --modulefile REL
      cpack -G DEB into DIR; exactly one pynamic_V_ARCH.deb. Its control fields (Package, Version,
      Architecture, Maintainer, Section, Description) are set; every file is under ./usr/; the bin/ links are
      relative and resolve into the tree; the manifest is the build's; the modulefile is there. Depends must
      name the package of every library an ELF file in it links (readelf NEEDED, found with ldconfig -p and
      dpkg -S) that the package does not carry itself, mpich (mpiexec.mpich) and python3 bounded to the
      minor version the driver's extension was built for.
  check_package.py install --deb-dir DIR --workdir DIR2 --version V
      As root: refuses (one line, exit 1) if a pynamic package is installed that this test did not install;
      records the /usr file list, writes DIR2/installed-by-test.json (the .deb's md5sums) before it runs
      apt-get install -y ./pynamic_V_ARCH.deb (dependencies from the archive when missing, none fetched when
      present), then checks dpkg -s (installed, version V) and that every file dpkg -L lists exists.
  check_package.py remove --workdir DIR2
      The fixture's cleanup, run even when a test failed midway: if the installed pynamic is the one
      installed-by-test.json records, apt-get remove --purge -y pynamic; then every file it listed is gone,
      its own directories too, and no path appeared under /usr since the install that no package owns.
      A pynamic this test did not install is left alone (and said so).

Standard library, dpkg, apt-get, readelf and ldconfig only.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # ctest/: pynamictest
from pynamictest import check, checked  # noqa: E402

PACKAGE = "pynamic"
MARKER = "installed-by-test.json"
USR_BEFORE = "usr-before.json"
APT_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
# Another apt-get on the machine holds the lock for a while: wait for it rather than fail.
APT = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=300"]


def out(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=True, **kw).stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def depends_names(depends):
    """{package name} of a Depends field (alternatives and version bounds dropped), and the python3 bounds."""
    names, python = set(), []
    for clause in depends.split(","):
        for alt in clause.split("|"):
            m = re.match(r"\s*([a-z0-9.+-]+)(?::\w+)?\s*(?:\(([<>=]+)\s*([^)]+)\))?", alt)
            check(m, f"Depends: cannot read {alt!r}")
            names.add(m.group(1))
            if m.group(1) == "python3" and m.group(2):
                python.append((m.group(2), m.group(3).strip()))
    return names, python


def owning_package(soname, ldcache):
    path = ldcache.get(soname)
    check(path, f"{soname}: not in the dynamic linker's cache (ldconfig -p)")
    # usrmerge: dpkg may know the file under /lib or /usr/lib.
    for p in dict.fromkeys([path, os.path.realpath(path), re.sub(r"^/usr/", "/", path), "/usr" + path]):
        r = subprocess.run(["dpkg-query", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].split(",")[0].strip()
    check(False, f"{soname} ({path}): no package owns it (dpkg -S)")


def do_build(a):
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    r = subprocess.run([a.cpack, "-G", "DEB", "--config", a.config, "-B", a.workdir], capture_output=True,
                       text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    check(r.returncode == 0, f"cpack -G DEB exited {r.returncode}")
    arch = out(["dpkg", "--print-architecture"]).strip()
    debs = glob.glob(os.path.join(a.workdir, "*.deb"))
    want = os.path.join(a.workdir, f"{PACKAGE}_{a.version}_{arch}.deb")
    check(debs == [want], f"cpack wrote {debs}, expected only {want}")
    fields = {}
    for name in ("Package", "Version", "Architecture", "Maintainer", "Section", "Description", "Depends"):
        fields[name] = out(["dpkg-deb", "-f", want, name]).strip()
    print("\n".join(f"{k}: {v}" for k, v in fields.items()))
    check(fields["Package"] == PACKAGE and fields["Version"] == a.version and fields["Architecture"] == arch,
          f"Package/Version/Architecture {fields['Package']}/{fields['Version']}/{fields['Architecture']}, "
          f"expected {PACKAGE}/{a.version}/{arch}")
    for name in ("Maintainer", "Section", "Description"):
        check(fields[name], f"the package has no {name}")

    root = os.path.join(a.workdir, "root")
    subprocess.run(["dpkg-deb", "-x", want, root], check=True)
    listed = out(["dpkg-deb", "-c", want]).splitlines()
    outside = [line for line in listed if not re.search(r" \./usr/", line) and not line.endswith(" ./")]
    check(not outside, f"files outside /usr in the package: {outside[:3]}")
    usr = os.path.join(root, "usr")
    tree, bindir = os.path.join(usr, a.treedir), os.path.join(usr, a.bindir)
    check(filecmp_same(os.path.join(tree, "generated", "manifest.json"),
                       os.path.join(a.build, "generated", "manifest.json")),
          f"the package's /usr/{a.treedir}/generated/manifest.json is not the build's")
    links = sorted(os.listdir(bindir))
    check("pynamic-mode-dlopen" in links, f"/usr/{a.bindir}/pynamic-mode-dlopen missing (have {links})")
    for name in links:
        link = os.path.join(bindir, name)
        check(os.path.islink(link) and not os.path.isabs(os.readlink(link))
              and os.path.realpath(link) == os.path.realpath(os.path.join(tree, name)) and os.path.isfile(link),
              f"/usr/{a.bindir}/{name}: not a relative link into /usr/{a.treedir}")
    check(os.path.isfile(os.path.join(usr, a.modulefile)), f"/usr/{a.modulefile} (the modulefile) missing")

    # Depends against what the files link.
    names, python = depends_names(fields["Depends"])
    ldcache = {}
    for line in out(["ldconfig", "-p"]).splitlines():
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and ("x86-64" in m.group(2) or arch != "amd64"):
            ldcache.setdefault(m.group(1), m.group(3))
    carried = {n for _, _, files in os.walk(usr) for n in files}
    needed = {}
    for d, _, files in os.walk(usr):
        for n in files:
            path = os.path.join(d, n)
            if os.path.islink(path) or not is_elf(path):
                continue
            for so in re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", out(["readelf", "-d", "-W", path])):
                if so not in carried:
                    needed.setdefault(so, os.path.relpath(path, root))
    missing = {}
    for so, user in sorted(needed.items()):
        pkg = owning_package(so, ldcache)
        if pkg not in names:
            missing[pkg] = f"{so}, linked by {user}"
    check(not missing, f"Depends lacks the packages of linked libraries: {missing}")
    check("mpich" in names, "Depends lacks mpich (mpiexec.mpich)")
    ext = glob.glob(os.path.join(tree, "python", "_pynamic.cpython-*.so"))
    if ext:
        m = re.search(r"cpython-(\d)(\d+)-", ext[0])
        major, minor = int(m.group(1)), int(m.group(2))
        want_py = {(">=", f"{major}.{minor}~"), ("<<", f"{major}.{minor + 1}")}
        check(want_py <= set(python), f"Depends bounds python3 by {python}, expected {sorted(want_py)} "
              f"({os.path.basename(ext[0])} is built for Python {major}.{minor})")
    shutil.rmtree(root)
    print(f"{os.path.basename(want)}: {len(listed)} entries under /usr, Depends covers the {len(needed)} "
          f"libraries it links from outside ({sorted(needed)})")


def filecmp_same(x, y):
    with open(x, "rb") as f, open(y, "rb") as g:
        return f.read() == g.read()


def status():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "not-installed"


def installed_md5sums():
    path = f"/var/lib/dpkg/info/{PACKAGE}.md5sums"
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


def usr_paths():
    return sorted(n for d, dirs, files in os.walk("/usr") for n in [os.path.join(d, f) for f in files + dirs])


def ours(workdir):
    """The marker the install step wrote before apt-get install ({deb, version, md5sums}), or None."""
    path = os.path.join(workdir, MARKER)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        marker = json.load(f)
    return marker


def do_install(a):
    check(os.geteuid() == 0, f"apt-get install needs root (uid {os.geteuid()}): run the install.package tests as "
          "root, or configure with -DPYNAMIC_TEST_PACKAGES=OFF")
    os.makedirs(a.workdir, exist_ok=True)
    marker = ours(a.workdir)
    st = status()
    if not st.startswith("not-installed") and not st.startswith("unknown"):
        check(marker and installed_md5sums() == marker["md5sums"],
              f"a {PACKAGE} package is already installed ({st}) that this test did not install: refusing to "
              f"replace it (remove it with apt-get remove --purge {PACKAGE}, or run the tests elsewhere)")
        # A previous run's, left by a cleanup that never ran: remove it first.
        remove(a.workdir)
    arch = out(["dpkg", "--print-architecture"]).strip()
    deb = os.path.join(a.deb_dir, f"{PACKAGE}_{a.version}_{arch}.deb")
    check(os.path.isfile(deb), f"{deb}: no such package (install.package.deb builds it)")
    with open(os.path.join(a.workdir, USR_BEFORE), "w") as f:
        json.dump(usr_paths(), f)
    # A directory apt's unprivileged _apt user can read, so apt-get does not fall back to reading it as root.
    staging = tempfile.mkdtemp(prefix="pynamic-deb.")
    try:
        os.chmod(staging, 0o755)
        local = os.path.join(staging, os.path.basename(deb))
        shutil.copyfile(deb, local)
        os.chmod(local, 0o644)
        md5sums = out(["dpkg-deb", "--info", local, "md5sums"])
        with open(os.path.join(a.workdir, MARKER), "w") as f:
            json.dump({"deb": deb, "version": a.version, "md5sums": md5sums}, f)
        r = subprocess.run(APT + ["install", local], capture_output=True, text=True, env=APT_ENV, timeout=a.timeout)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        check(r.returncode == 0, f"apt-get install {local} exited {r.returncode}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    st = status()
    check(st == f"install ok installed {a.version}", f"dpkg-query: {PACKAGE} is '{st}', expected "
          f"'install ok installed {a.version}'")
    check(installed_md5sums() == md5sums, f"the installed {PACKAGE} is not {deb} (md5sums differ)")
    files = out(["dpkg-query", "-L", PACKAGE]).splitlines()
    absent = [p for p in files if not os.path.lexists(p)]
    check(not absent, f"dpkg -L {PACKAGE} lists paths that do not exist: {absent[:5]}")
    print(f"{PACKAGE} {a.version} installed from {deb}: {len(files)} paths")


def remove(workdir):
    """Purges the pynamic this test installed (the marker's md5sums are the installed package's), checks it left
    nothing, then removes the marker."""
    marker = ours(workdir)
    st = status()
    installed = not st.startswith("not-installed") and not st.startswith("unknown")
    if marker is None:
        print(f"nothing of this test's to remove ({PACKAGE}: {st})")
        return
    if installed:
        check(installed_md5sums() == marker["md5sums"], f"the installed {PACKAGE} ({st}) is not the package "
              f"this test installed ({marker['deb']}): left alone")
        files = out(["dpkg-query", "-L", PACKAGE]).splitlines()
        r = subprocess.run(APT + ["remove", "--purge", PACKAGE], capture_output=True, text=True, env=APT_ENV,
                           timeout=600)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        check(r.returncode == 0, f"apt-get remove --purge {PACKAGE} exited {r.returncode}")
        st = status()
        check(st.startswith("not-installed") or st.startswith("unknown"),
              f"after apt-get remove --purge, dpkg-query says {PACKAGE} is '{st}'")
        left = []
        for p in files:
            if not os.path.lexists(p):
                continue
            # A directory it shares with other packages (/usr/bin) stays; nothing else may.
            shared = os.path.isdir(p) and subprocess.run(["dpkg-query", "-S", p], capture_output=True).returncode == 0
            if not shared:
                left.append(p)
        check(not left, f"after the purge these paths of {PACKAGE} remain: {left[:5]}")
        print(f"{PACKAGE} purged: none of its {len(files)} paths remain but shared directories")
    before_path = os.path.join(workdir, USR_BEFORE)
    if os.path.exists(before_path):
        with open(before_path) as f:
            before = set(json.load(f))
        new = [p for p in usr_paths() if p not in before]
        # Another process may install packages meanwhile: what a package owns is not this test's.
        stray = [p for p in new if subprocess.run(["dpkg-query", "-S", p], capture_output=True).returncode != 0]
        check(not stray, f"{len(stray)} paths appeared under /usr during the test that no package owns: {stray[:5]}")
        print(f"/usr: no path left behind ({len(new)} new, every one owned by another package)")
        os.remove(before_path)
    os.remove(os.path.join(workdir, MARKER))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True)
    b = sub.add_parser("build")
    for opt in ("--cpack", "--config", "--build", "--workdir", "--version", "--treedir", "--bindir", "--modulefile"):
        b.add_argument(opt, required=True)
    i = sub.add_parser("install")
    for opt in ("--deb-dir", "--workdir", "--version"):
        i.add_argument(opt, required=True)
    i.add_argument("--timeout", type=float, default=500, help="seconds apt-get install may take")
    r = sub.add_parser("remove")
    r.add_argument("--workdir", required=True)
    a = p.parse_args()
    body = {"build": do_build, "install": do_install, "remove": lambda a: remove(a.workdir)}[a.action]
    return checked(body, a, errors=(subprocess.SubprocessError, OSError, KeyError, ValueError),
                   passed=None)


if __name__ == "__main__":
    sys.exit(main())
