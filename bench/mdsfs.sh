#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
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
#       unmounts (fusermount3 -u) and waits at most S seconds (default 10) for the daemon to exit;
#       a hung daemon is not waited for beyond S: one line says how to force it (fusermount3 -u -z)
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
# Read from /proc/self/mountinfo only: never touches the mount, which may hang.
# mountinfo escapes space, tab, newline and backslash as octal; the path goes
# to awk through the environment, as -v would undo those escapes.
mount_type() {
  local esc=${1//\\/\\134}
  esc=${esc// /\\040}
  esc=${esc//$'\t'/\\011}
  esc=${esc//$'\n'/\\012}
  MDSFS_MP=$esc awk '$5 == ENVIRON["MDSFS_MP"] { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break } }
    END { print t }' /proc/self/mountinfo
}

# Absolute path of a mount point that must be ours, or a clear failure. The
# path as written is looked up in mountinfo first, touching nothing: a hung
# daemon's mount does not answer a stat. Only a path that is not a mount point
# as written (a link to one, say) is resolved, within $wait seconds.
our_mount() {
  local abs type
  abs=$(realpath -m -s -- "$1")
  type=$(mount_type "$abs")
  if [[ -z $type ]]; then
    abs=$(timeout -s KILL "$wait" realpath -e -- "$1" 2>/dev/null) || abs=$(realpath -m -s -- "$1")
    type=$(mount_type "$abs")
  fi
  [[ -n $type || -d $abs ]] || die "mount point $1: no such directory"
  [[ -n $type ]] || die "$abs is not a mount point (nothing mounted there)"
  [[ $type == "$fstype" ]] || die "$abs is a $type mount, not a pynamic-mdsfs one: leaving it alone"
  echo "$abs"
}

# The daemon's pid, from its own statistics, read within $wait seconds.
# Status 1 when they cannot be read (a dead daemon's mount: ENOTCONN), 3 when
# the read did not end in time (a hung daemon).
read_pid() {
  local pid st=0
  pid=$(timeout -s KILL "$wait" sed -n 's/^  "pid": \([0-9][0-9]*\),\{0,1\}$/\1/p' "$1/$stats_name" 2>/dev/null) ||
    st=$?
  ((st != 124 && st != 137)) || return 3
  ((st == 0)) && [[ -n $pid ]] || return 1
  echo "$pid"
}

daemon_pid() {
  local pid st=0
  pid=$(read_pid "$1") || st=$?
  ((st != 3)) || die "$1: the daemon did not answer within $wait s (hung?): $(how_to_force "$1")"
  ((st == 0)) || die "$1: cannot read the daemon's pid from $1/$stats_name"
  echo "$pid"
}

# A pynamic-mdsfs serving mount point $1, found in /proc without touching the
# mount: its last argument is the mount point (start passes it absolute).
pid_serving() {
  local p args
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/exe" 2>/dev/null) == */pynamic-mdsfs ]] || continue
    mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
    ((${#args[@]})) && [[ ${args[-1]} == "$1" ]] && { echo "${p#/proc/}"; return; }
  done
}

how_to_force() {
  local pid
  pid=$(pid_serving "$1")
  if [[ -n $pid ]]; then
    echo "force it with: fusermount3 -u -z '$1' && kill -KILL $pid"
  else
    echo "force it with: fusermount3 -u -z '$1' (then end its pynamic-mdsfs)"
  fi
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
  # The log first: a failure here leaves nothing behind (no mount point made).
  if [[ -z $log ]]; then
    local tmp=${TMPDIR:-/tmp}
    [[ -d $tmp ]] || die "cannot create a log file: TMPDIR=$tmp is not a directory (set TMPDIR or give --log FILE)"
    log=$(mktemp "$tmp/pynamic-mdsfs.XXXXXX.log" 2>/dev/null) ||
      die "cannot create a log file in $tmp (not writable?): give --log FILE"
  fi
  { : >"$log"; } 2>/dev/null || die "log $log: cannot write it"
  # A mount point made here is removed again if the mount fails.
  local made=""
  if [[ ! -e $mnt ]]; then
    local out
    out=$(mkdir -p -- "$mnt" 2>&1) || die "mount point $mnt: cannot create it: ${out##*: }"
    made=yes
  fi
  mnt=$(realpath -- "$mnt")
  fail() {
    [[ -z $made ]] || rmdir -- "$mnt" 2>/dev/null || true
    die "$@"
  }
  local type
  type=$(mount_type "$mnt")
  [[ -z $type ]] || fail "mount point $mnt: busy: a $type file system is already mounted there"
  # Its own session: the daemon outlives this script and a terminal's ^C.
  setsid "$daemon" "${daemon_args[@]}" "$src" "$mnt" </dev/null >>"$log" 2>&1 &
  local pid=$!
  ready() {
    kill -0 "$pid" 2>/dev/null || return 0 # exited: stop waiting, judged below
    [[ $(mount_type "$mnt") == "$fstype" ]] && [[ $(read_pid "$mnt" 2>/dev/null) == "$pid" ]]
  }
  if ! wait_until ready; then
    kill -TERM "$pid" 2>/dev/null || true
    sleep 0.5
    kill -KILL "$pid" 2>/dev/null || true
    [[ $(mount_type "$mnt") != "$fstype" ]] || fusermount3 -u -z "$mnt" 2>/dev/null || true
    fail "pynamic-mdsfs did not mount $mnt within $wait s: stopped it (log $log: $(tail -n 1 "$log"))"
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    local status=0
    wait "$pid" || status=$?
    fail "pynamic-mdsfs exited with status $status without mounting: $(tail -n 1 "$log")"
  fi
  echo "$me: serving $src on $mnt (pid $pid, log $log)"
}

cmd_stats() {
  (($# == 1)) || usage "stats needs MOUNTPOINT"
  local mnt
  wait=10
  mnt=$(our_mount "$1")
  timeout -s KILL "$wait" cat -- "$mnt/$stats_name" 2>/dev/null || die "$mnt/$stats_name: cannot read it within $wait s"
}

cmd_reset() {
  (($# == 1)) || usage "reset needs MOUNTPOINT"
  local mnt pid before
  wait=5
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
  local out st=0
  pid=$(read_pid "$mnt") || st=$?
  # A hung daemon (stopped, deadlocked) answers nothing: give up, say how to force it.
  ((st != 3)) || die "$mnt: the daemon did not answer within $wait s (hung?): not unmounted; $(how_to_force "$mnt")"
  if ((st != 0)); then
    # The daemon died and left its mount behind (reads fail with ENOTCONN): detach it.
    out=$(fusermount3 -u -z "$mnt" 2>&1) || die "unmount $mnt: ${out:-fusermount3 -u -z failed}"
    die "$mnt: the daemon was gone (its mount no longer answered): detached the stale mount"
  fi
  st=0
  out=$(timeout -s KILL "$wait" fusermount3 -u "$mnt" 2>&1) || st=$?
  ((st != 124 && st != 137)) || die "unmount $mnt: fusermount3 -u did not end within $wait s: $(how_to_force "$mnt")"
  ((st == 0)) || die "unmount $mnt: ${out:-fusermount3 -u failed} (still in use? the daemon, pid $pid, still serves it)"
  gone() { ! kill -0 "$pid" 2>/dev/null; }
  wait_until gone || die "unmounted $mnt but the daemon (pid $pid) is still running after $wait s (kill -KILL $pid)"
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
