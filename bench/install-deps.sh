#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what pynamic needs on Debian 12 (or Ubuntu), idempotently; needs
# root (or sudo).
#   bench/install-deps.sh          build and run: compilers, CMake, Ninja, MPICH, jansson, hwloc, Python 3,
#                                  libfuse3 (pynamic-mdsfs)
#   bench/install-deps.sh --tests  also what the test suite uses: clang (fuzzing), valgrind, strace,
#                                  Slurm with munge (a one-host cluster for the srun tests), and
#                                  python3-jsonschema (every report a test reads is validated against
#                                  docs/report.schema.json), locales (the locale sources: the driver is
#                                  tested under a Turkish locale built with localedef), dpkg-dev and file
#                                  (cpack -G DEB: dpkg-shlibdeps), lmod (the modulefile's test)
set -euo pipefail

packages=(cmake ninja-build gcc make pkg-config mpich libmpich-dev libjansson-dev libhwloc-dev libfuse3-dev fuse3
          python3 python3-dev)
case "${1:-}" in
  "") ;;
  --tests) packages+=(clang valgrind strace slurmctld slurmd slurm-client munge gnuplot-nox python3-jsonschema
              libhwloc-plugins python3-mpi4py locales dpkg-dev file lmod) ;;
  *) echo "install-deps: unknown argument '$1' (allowed: --tests)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: need root to install: ${missing[*]} (run: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
