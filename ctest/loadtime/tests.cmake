# SPDX-License-Identifier: BSD-3-Clause
# Where the loading time goes (src/runtime/pyn_loadtime.h; docs/metrics.md).
# Included from ctest/CMakeLists.txt.
#   loadtime.unit          pyn_loadtime_split on made-up auditor events:
#                          start-up, a dlopen that maps two objects, one that
#                          maps none, a nested one, events outside any load,
#                          one library a load; the per-library rows;
#                          --trace-ranks's parser (too many, empty, ...).
#   loadtime.trace.*       --trace FILE: valid trace-event JSON, a track for
#                          each --trace-ranks rank (0 and the slowest by
#                          default), every generated library mapped on each,
#                          slices inside their phase, their sums the report's
#                          split (modecheck/trace.py): dlopen at 4 ranks (the
#                          default ranks, and all four), python at 4 ranks
#                          (1,3,slowest), the linked modes, dlopen --load-each.
#   loadtime.usage.*       --trace-ranks out of range, not a number, a
#                          trailing comma, negative; --trace on the --json
#                          path: one line, exit 2.
# Every passing mode run checks its report's split (modecheck/loadtime.py).
pynamic_unit_test(loadtime.unit "${CMAKE_CURRENT_LIST_DIR}/test_loadtime.c" pynamic_core)
set(_lt_work "${PYNAMIC_TEST_WORK}")
pynamic_mode_test(loadtime.trace.dlopen.parallel dlopen pynamic-mode-dlopen RANKS 4 LABELS loadtime
                  CHECK --trace "${_lt_work}/loadtime.trace.dlopen.parallel/trace.json")
pynamic_mode_test(loadtime.trace.python.parallel python pynamic-mode-python RANKS 4 LABELS loadtime
                  CHECK --trace "${_lt_work}/loadtime.trace.python.parallel/trace.json"
                        --expect-option trace_ranks=1,3,slowest
                  ARGS --trace-ranks 1,3,slowest)
pynamic_mode_test(loadtime.trace.linked.serial linked pynamic-mode-linked LABELS loadtime
                  CHECK --trace "${_lt_work}/loadtime.trace.linked.serial/trace.json")
pynamic_mode_test(loadtime.trace.python-linked.serial python-linked pynamic-mode-python-linked LABELS loadtime
                  CHECK --trace "${_lt_work}/loadtime.trace.python-linked.serial/trace.json")
pynamic_mode_test(loadtime.trace.load-each.serial dlopen pynamic-mode-dlopen LABELS loadtime
                  CHECK --trace "${_lt_work}/loadtime.trace.load-each.serial/trace.json"
                        --expect-stdout "(?m)^import +lib[a-z0-9]+\\.so +[0-9.]+ +[0-9.]+ +[0-9.]+ "
                  ARGS --load-each)

set(_lt_usage "^pynamic-mode-dlopen: --trace-ranks")
foreach(_case "out-of-range|4|4\" is not a rank of this job \\(0 to 3\\)" "word|x|x\" is not a rank of this job"
              "trailing-comma|0,|0,: ends with a comma" "negative|0,slowest,-1|-1\" is not a rank")
  string(REPLACE "|" ";" _parts "${_case}")
  list(GET _parts 0 _id)
  list(GET _parts 1 _value)
  list(GET _parts 2 _says)
  pynamic_mode_test(loadtime.usage.trace-ranks-${_id}.parallel dlopen pynamic-mode-dlopen RANKS 4
                    LABELS "loadtime;faults" TIMEOUT 60
                    CHECK --expect-exit 2 --one-line-error --no-report --expect-stderr "${_lt_usage}.*${_says}"
                    ARGS "--trace-ranks=${_value}")
endforeach()
pynamic_mode_test(loadtime.usage.trace-is-json.serial dlopen pynamic-mode-dlopen LABELS "loadtime;faults" TIMEOUT 60
                  CHECK --expect-exit 2 --one-line-error --no-report
                        --expect-stderr "^pynamic-mode-dlopen: --trace .*/t\\.json: the same file as --json"
                  ARGS --json "${_lt_work}/loadtime.usage.trace-is-json.serial/t.json"
                       --trace "${_lt_work}/loadtime.usage.trace-is-json.serial/t.json")
pynamic_mode_test(loadtime.trace.all-ranks.parallel dlopen pynamic-mode-dlopen RANKS 4 LABELS loadtime
                  CHECK --trace "${_lt_work}/loadtime.trace.all-ranks.parallel/trace.json"
                        --expect-option trace_ranks=0,1,2,3
                  ARGS --trace-ranks 0,1,2,3)
