#!/usr/bin/env bash
# Starts, inspects and stops pynamic-mdsfs, the emulated shared file system
# (docs/mdsfs.md). Every wait is bounded; every failure is one line on
# stderr and a non-zero exit status.
#
#   bench/mdsfs.sh start SRC MOUNTPOINT [--wait S] [--log FILE] [pynamic-mdsfs options...]
#       mounts SRC on MOUNTPOINT (created if missing) and returns once the mount answers
#       (at most S seconds, default 10); the daemon's messages go to FILE (default: a new
#       file in ${TMPDIR:-/tmp}, named on success)
#   bench/mdsfs.sh stats MOUNTPOINT    prints the served-operation counts (JSON)
#   bench/mdsfs.sh reset MOUNTPOINT    sets the counts to zero (returns once done)
#   bench/mdsfs.sh stop MOUNTPOINT [--wait S]
#       unmounts (fusermount3 -u) and waits at most S seconds (default 10) for the daemon to exit
#
# The daemon: $PYNAMIC_MDSFS, else pynamic-mdsfs on PATH, else the one build
# tree of this checkout that has it (build/<preset>/pynamic-mdsfs).
set -euo pipefail

me=mdsfs.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stats_name=.mdsfs-stats
fstype=fuse.pynamic-mdsfs

die() { echo "$me: $*" >&2; exit 1; }
usage() { echo "$me: $* (usage: $me start SRC MOUNTPOINT [options] | stats|reset|stop MOUNTPOINT)" >&2; exit 2; }

find_daemon() {
  if [[ -n ${PYNAMIC_MDSFS:-} ]]; then
    [[ -x $PYNAMIC_MDSFS ]] || die "PYNAMIC_MDSFS=$PYNAMIC_MDSFS is not an executable file"
    echo "$PYNAMIC_MDSFS"; return
  fi
  if command -v pynamic-mdsfs >/dev/null; then command -v pynamic-mdsfs; return; fi
  local found=("$root"/build/*/pynamic-mdsfs)
  [[ -x ${found[0]} ]] || die "pynamic-mdsfs not found: build it (cmake --build --preset ci) or set PYNAMIC_MDSFS"
  ((${#found[@]} == 1)) || die "several pynamic-mdsfs builds (${found[*]}): choose one with PYNAMIC_MDSFS=PATH"
  echo "${found[0]}"
}

# The type of the file system mounted exactly on $1 (absolute), or nothing.
mount_type() {
  local esc=${1//\\/\\134}
  esc=${esc// /\\040}
  awk -v mp="$esc" '$5 == mp { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break } } END { print t }' \
    /proc/self/mountinfo
}

# Absolute path of a mount point that must be ours, or a clear failure.
our_mount() {
  local abs type
  # A mount whose daemon died cannot be stat'ed (ENOTCONN): then take the path as written.
  abs=$(realpath -e -- "$1" 2>/dev/null) || abs=$(realpath -m -s -- "$1")
  type=$(mount_type "$abs")
  [[ -n $type || -d $abs ]] || die "mount point $1: no such directory"
  [[ -n $type ]] || die "$abs is not a mount point (nothing mounted there)"
  [[ $type == "$fstype" ]] || die "$abs is a $type mount, not a pynamic-mdsfs one: leaving it alone"
  echo "$abs"
}

# The daemon's pid, from its own statistics.
daemon_pid() {
  local pid
  pid=$(sed -n 's/^  "pid": \([0-9][0-9]*\),\{0,1\}$/\1/p' "$1/$stats_name" 2>/dev/null) || true
  [[ -n $pid ]] || die "$1: cannot read the daemon's pid from $1/$stats_name"
  echo "$pid"
}

parse_wait() {
  [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]] || usage "--wait '$1' is not a number of seconds"
}

# Waits until the command "$@" succeeds, at most $wait seconds; status 1 on timeout.
wait_until() {
  local int=${wait%%.*} frac=000
  [[ $wait == *.* ]] && frac=${wait#*.}000
  local deadline=$(( $(date +%s%3N) + 10#$int * 1000 + 10#${frac:0:3} ))
  until "$@"; do
    (( $(date +%s%3N) < deadline )) || return 1
    sleep 0.05
  done
}

cmd_start() {
  (($# >= 2)) || usage "start needs SRC and MOUNTPOINT"
  local src=$1 mnt=$2 log="" daemon_args=()
  wait=10
  shift 2
  while (($#)); do
    case $1 in
      --wait) (($# >= 2)) || usage "--wait needs a value"; parse_wait "$2"; wait=$2; shift 2 ;;
      --wait=*) parse_wait "${1#*=}"; wait=${1#*=}; shift ;;
      --log) (($# >= 2)) || usage "--log needs a value"; log=$2; shift 2 ;;
      --log=*) log=${1#*=}; shift ;;
      *) daemon_args+=("$1"); shift ;;
    esac
  done
  local daemon
  daemon=$(find_daemon)
  [[ -d $src ]] || die "source $src: no such directory"
  mkdir -p -- "$mnt" || die "mount point $mnt: cannot create it"
  mnt=$(realpath -- "$mnt")
  local type
  type=$(mount_type "$mnt")
  [[ -z $type ]] || die "mount point $mnt: busy: a $type file system is already mounted there"
  if [[ -z $log ]]; then
    log=$(mktemp "${TMPDIR:-/tmp}/pynamic-mdsfs.XXXXXX.log") || die "cannot create a log file in ${TMPDIR:-/tmp}"
  fi
  : >"$log" || die "log $log: cannot write it"
  # Its own session: the daemon outlives this script and a terminal's ^C.
  setsid "$daemon" "${daemon_args[@]}" "$src" "$mnt" </dev/null >>"$log" 2>&1 &
  local pid=$!
  ready() {
    kill -0 "$pid" 2>/dev/null || return 0 # exited: stop waiting, judged below
    [[ $(mount_type "$mnt") == "$fstype" ]] && [[ $(daemon_pid "$mnt" 2>/dev/null) == "$pid" ]]
  }
  if ! wait_until ready; then
    kill -TERM "$pid" 2>/dev/null || true
    sleep 0.5
    kill -KILL "$pid" 2>/dev/null || true
    [[ $(mount_type "$mnt") != "$fstype" ]] || fusermount3 -u -z "$mnt" 2>/dev/null || true
    die "pynamic-mdsfs did not mount $mnt within $wait s: stopped it (log $log: $(tail -n 1 "$log"))"
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    local status=0
    wait "$pid" || status=$?
    die "pynamic-mdsfs exited with status $status without mounting: $(tail -n 1 "$log")"
  fi
  echo "$me: serving $src on $mnt (pid $pid, log $log)"
}

cmd_stats() {
  (($# == 1)) || usage "stats needs MOUNTPOINT"
  local mnt
  mnt=$(our_mount "$1")
  cat -- "$mnt/$stats_name" || die "$mnt/$stats_name: cannot read it"
}

cmd_reset() {
  (($# == 1)) || usage "reset needs MOUNTPOINT"
  local mnt pid before
  mnt=$(our_mount "$1")
  pid=$(daemon_pid "$mnt")
  resets() { sed -n 's/^  "resets": \([0-9][0-9]*\),\{0,1\}$/\1/p' "$mnt/$stats_name"; }
  before=$(resets)
  kill -USR1 "$pid" || die "reset: cannot signal pid $pid"
  wait=5
  reset_done() { [[ $(resets) -gt $before ]]; }
  wait_until reset_done || die "reset: the daemon (pid $pid) did not reset its counts within $wait s"
}

cmd_stop() {
  (($# >= 1)) || usage "stop needs MOUNTPOINT"
  local mnt=$1 pid
  wait=10
  shift
  while (($#)); do
    case $1 in
      --wait) (($# >= 2)) || usage "--wait needs a value"; parse_wait "$2"; wait=$2; shift 2 ;;
      --wait=*) parse_wait "${1#*=}"; wait=${1#*=}; shift ;;
      *) usage "stop: unknown argument '$1'" ;;
    esac
  done
  mnt=$(our_mount "$mnt")
  local out
  if ! pid=$(daemon_pid "$mnt" 2>/dev/null); then
    # The daemon died and left its mount behind (reads fail with ENOTCONN): detach it.
    out=$(fusermount3 -u -z "$mnt" 2>&1) || die "unmount $mnt: ${out:-fusermount3 -u -z failed}"
    die "$mnt: the daemon was gone (its mount no longer answered): detached the stale mount"
  fi
  out=$(fusermount3 -u "$mnt" 2>&1) || die "unmount $mnt: ${out:-fusermount3 -u failed} (still in use? the daemon, pid $pid, still serves it)"
  gone() { ! kill -0 "$pid" 2>/dev/null; }
  wait_until gone || die "unmounted $mnt but the daemon (pid $pid) is still running after $wait s"
}

(($# >= 1)) || usage "no command"
cmd=$1
shift
case $cmd in
  start) cmd_start "$@" ;;
  stats) cmd_stats "$@" ;;
  reset) cmd_reset "$@" ;;
  stop) cmd_stop "$@" ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) usage "unknown command '$cmd'" ;;
esac
