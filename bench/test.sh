#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole test suite, dependencies included: what CI runs (.ci/run).
#   bench/test.sh                  install-deps --tests, then the workflow presets ci and asan
#   bench/test.sh --no-deps        skip install-deps
#   bench/test.sh --only asan      one workflow (ci or asan)
# Each workflow preset (presets.json) configures, builds and tests one tree: ci every test, asan the serial
# tests under ASan + UBSan + LeakSanitizer. The first step that fails ends the run; a summary of every step's
# time and status is printed either way.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/test.sh [--no-deps] [--only ci|asan] [--help]
Runs the whole test suite, as CI does: bench/install-deps.sh --tests, then
`cmake --workflow --preset ci` (configure, build, every test) and `cmake --workflow --preset asan` (the
serial tests under ASan + UBSan + LeakSanitizer). Stops at the first step that fails.
  --no-deps        do not run bench/install-deps.sh --tests
  --only WORKFLOW  run one workflow preset: ci or asan
  --help           this text
Run it as root: the tests start a local Slurm cluster, mount FUSE file systems and drop the page cache.
Exit status: 0 when every step passed, the failed step's status otherwise, 2 for a usage error.
EOF
}

die_usage() {
  echo "bench/test.sh: $1" >&2
  exit 2
}

deps=1
workflows=(ci asan)
while (($#)); do
  case "$1" in
    --no-deps) deps=0 ;;
    --only)
      (($# >= 2)) || die_usage "--only needs a value: ci or asan"
      [[ $2 == ci || $2 == asan ]] || die_usage "--only: '$2' is not a workflow preset (allowed: ci, asan)"
      workflows=("$2")
      shift
      ;;
    --only=*)
      v=${1#--only=}
      [[ $v == ci || $v == asan ]] || die_usage "--only: '$v' is not a workflow preset (allowed: ci, asan)"
      workflows=("$v")
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die_usage "unknown argument '$1' (allowed: --no-deps, --only ci|asan, --help)" ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The ci tree requires the local-Slurm tests (PYNAMIC_TEST_SLURM=ON), whose slurmd must run as root, and the
# mdsfs and fault tests mount file systems: say so before installing or building anything.
if [[ $(id -u) -ne 0 ]]; then
  echo "bench/test.sh: the test suite must run as root (uid $(id -u)): it starts a local Slurm cluster and" \
       "mounts FUSE file systems; run: sudo bench/test.sh" >&2
  exit 1
fi

steps=() times=() statuses=() verdict=""
# On every exit (a failed step, an interrupt): each step's time and status, then one line with the verdict.
summary() {
  local i total=0
  ((${#steps[@]})) || return 0
  echo
  echo "bench/test.sh: summary"
  for i in "${!steps[@]}"; do
    printf '  %-24s %8.1f s  %s\n' "${steps[$i]}" "${times[$i]}" "${statuses[$i]}"
    total=$(awk -v a="$total" -v b="${times[$i]}" 'BEGIN { print a + b }')
  done
  printf '  %-24s %8.1f s\n' "total" "$total"
  echo "bench/test.sh: ${verdict:-interrupted after step '${steps[-1]}'}"
}
trap summary EXIT

# run NAME COMMAND...: runs one step, records its time and status; the first failure ends the script.
run() {
  local name=$1 start end rc=0
  shift
  echo
  echo "bench/test.sh: === $name: $*"
  start=$(date +%s.%N)
  "$@" || rc=$?
  end=$(date +%s.%N)
  steps+=("$name")
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
  if ((rc != 0)); then
    statuses+=("FAILED (exit status $rc)")
    verdict="FAILED at step '$name': '$*' exited with status $rc"
    exit "$rc"
  fi
  statuses+=("passed")
}

if ((deps)); then
  run "install-deps --tests" bash bench/install-deps.sh --tests
fi
for w in "${workflows[@]}"; do
  run "workflow $w" cmake --workflow --preset "$w"
done
verdict="passed: every step (${#steps[@]})"
