#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job: install the dependencies, build a preset (demo by default),
# run every mode under the MPI launcher and print how they compare.
#   bench/demo.sh                 # demo preset, 4 ranks
#   PRESET=ci RANKS=2 bench/demo.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
preset=${PRESET:-demo}
ranks=${RANKS:-4}
# The C modes, the embedding Python modes, and "driver": pynamic_driver.py under the found python3.
modes=(linked dlopen python python-linked driver)

"$root/bench/install-deps.sh"
cd "$root"
cmake --preset "$preset"
cmake --build --preset "$preset"

build="$root/build/$preset"
# The launcher CMake found (MPICH's by name, or what the preset chose).
launcher=$(sed -n 's/^MPIEXEC_EXECUTABLE:[A-Z]*=//p' "$build/CMakeCache.txt")
np_flag=$(sed -n 's/^MPIEXEC_NUMPROC_FLAG:[A-Z]*=//p' "$build/CMakeCache.txt")
# The Python the build found (the driver's extension module is built for it).
python=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$build/CMakeCache.txt")
results="$build/demo-results"
mkdir -p "$results"
reports=()
for mode in "${modes[@]}"; do
  if [[ $mode == driver ]]; then
    program=("${python:-python3}" "$build/pynamic_driver.py")
  else
    program=("$build/pynamic-mode-$mode")
  fi
  echo
  echo "=== ${program[*]##*/} on $ranks ranks"
  # The launch time goes first, as the original takes it.
  "$launcher" "${np_flag:--n}" "$ranks" "${program[@]}" "$(date +%s.%N)" --json "$results/$mode.json"
  reports+=("$results/$mode.json")
done
echo
python3 "$root/bench/compare_reports.py" "${reports[@]}"
echo "reports: $results"
