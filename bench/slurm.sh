#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A one-host Slurm cluster on this machine for you to run pynamic under srun
# (docs/launchers.md): the cluster the slurm tests use
# (ctest/slurm/local_slurm.py), in a fixed directory, for a working session.
#
#   sudo bench/slurm.sh start [--dir DIR] [--lifetime DURATION]
#       starts munged, slurmctld and slurmd (Debian's packages: bench/install-deps.sh --tests),
#       waits until the node is idle and prints how to use it: `. DIR/env.sh`. A watchdog stops
#       the cluster after DURATION (default 8h; 90m, 3600s or 3600 also work). Refuses when a
#       cluster is already running in DIR.
#   bench/slurm.sh status [--dir DIR]
#       exit 0: running (and how to use it); 3: no cluster in DIR; 1: some daemon is gone (stop cleans up)
#   sudo bench/slurm.sh stop [--dir DIR]
#       cancels the cluster's jobs and stops the daemons and the watchdog this script started (no other
#       process); fails if any is left. The logs stay in DIR until the next start.
#
# DIR: --dir, else $PYNAMIC_SLURM_DIR, else /var/tmp/pynamic-slurm-USER (USER: the one who ran sudo).
# /var/tmp because the daemons run as root and write their state there while the jobs run as you:
# it is on local disk (a home on NFS may refuse root), readable by every user (root's home is not),
# short (slurmd makes Unix sockets, at most 107 bytes of path, in its spool directory), and not a
# per-service private /tmp. DIR must be root's and writable by root only: it is refused otherwise.
#
# env.sh sets SLURM_CONF to the cluster's slurm.conf and SLURM_OVERCOMMIT=1 (srun's --overcommit):
# srun may start more tasks than the node has CPUs, which then share the cores, as
# `mpiexec.mpich -n 4` does on a 2-core machine. The node itself is declared as it is (`slurmd -C`).
set -euo pipefail

me=bench/slurm.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
local_slurm=$root/ctest/slurm/local_slurm.py
daemons=(munged slurmctld slurmd srun sinfo scontrol squeue scancel)
# An outer allocation's variables would make srun ask this cluster for a job it does not have.
outer_vars=(SLURM_JOB_ID SLURM_JOBID SLURM_STEP_ID SLURM_STEPID SLURM_JOB_NODELIST SLURM_NODELIST SLURM_NTASKS
            SLURM_NPROCS SLURM_NNODES SLURM_JOB_NUM_NODES)

die() { echo "$me: $*" >&2; exit 1; }
usage() {
  echo "$me: $* (usage: $me start [--dir DIR] [--lifetime DURATION] | status [--dir DIR] | stop [--dir DIR])" >&2
  exit 2
}

# 8h, 90m, 3600s or 3600 -> seconds; anything else is a usage error.
seconds_of() {
  [[ $1 =~ ^([0-9]+)([smh]?)$ ]] || usage "--lifetime '$1' is not a duration (allowed: N, Ns, Nm or Nh)"
  local n=$((10#${BASH_REMATCH[1]})) unit=${BASH_REMATCH[2]}
  case $unit in m) n=$((n * 60)) ;; h) n=$((n * 3600)) ;; esac
  ((n > 0)) || usage "--lifetime '$1' must be more than 0"
  echo "$n"
}

action=${1:-}
case $action in
  start | status | stop) shift ;;
  -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
  '') usage "no action" ;;
  *) usage "unknown action '$action'" ;;
esac
dir=${PYNAMIC_SLURM_DIR:-/var/tmp/pynamic-slurm-${SUDO_USER:-$(id -un)}}
lifetime=8h
while (($#)); do
  case $1 in
    --dir) (($# >= 2)) || usage "--dir needs a value DIR"; dir=$2; shift 2 ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    --lifetime) [[ $action == start ]] || usage "--lifetime is an option of start only"
                (($# >= 2)) || usage "--lifetime needs a value DURATION"; lifetime=$2; shift 2 ;;
    --lifetime=*) [[ $action == start ]] || usage "--lifetime is an option of start only"
                  lifetime=${1#--lifetime=}; shift ;;
    *) usage "unknown argument '$1'" ;;
  esac
done
[[ -n $dir ]] || usage "--dir is empty"
[[ $dir == /* ]] || dir=$PWD/$dir
lifetime_s=$(seconds_of "$lifetime")
env_file=$dir/env.sh

command -v python3 >/dev/null || die "python3 not found (local_slurm.py needs it)"
[[ -f $local_slurm ]] || die "$local_slurm not found: run this script from a pynamic checkout"

need_root() {
  (($(id -u) == 0)) || die "$action needs root (slurmd runs as root to start each job as its user): sudo $0 $action"
}

# Each program's path, found as local_slurm.py would (PATH, then /usr/sbin and /sbin); a missing one is named.
tool_args=()
find_tools() {
  local missing=() prog d found dirs
  IFS=: read -r -a dirs <<<"$PATH:/usr/sbin:/sbin"
  for prog in "${daemons[@]}"; do
    found=
    for d in "${dirs[@]}"; do
      [[ -n $d && -f $d/$prog && -x $d/$prog ]] && { found=$d/$prog; break; }
    done
    if [[ -n $found ]]; then tool_args+=("--$prog" "$found"); else missing+=("$prog"); fi
  done
  ((${#missing[@]} == 0)) || die "not installed: ${missing[*]} (Debian: sudo bench/install-deps.sh --tests, or apt-get install slurmctld slurmd slurm-client munge)"
}

# The directory the root daemons write in: created here, or else a real directory of root's that only
# root may write, so no other user can plant a link or a file there.
check_dir() {
  if [[ ! -e $dir && ! -L $dir ]]; then
    # umask 022: every user who runs srun must read slurm.conf, parents included.
    (umask 022 && mkdir -p -- "$dir") || die "cannot create $dir"
  fi
  [[ -d $dir && ! -L $dir ]] || die "$dir is not a directory (or is a symbolic link): choose another with --dir"
  local owner mode
  read -r owner mode < <(stat -c '%u %a' -- "$dir")
  [[ $owner == 0 ]] || die "$dir belongs to uid $owner, not root: remove it or choose another with --dir"
  ((8#$mode & 8#022)) && die "$dir is writable by group or others (mode $mode): chmod go-w it or choose another with --dir"
  return 0
}

status_of() {
  python3 "$local_slurm" status --dir "$dir"
}

write_env() {
  {
    echo "# Written by bench/slurm.sh start: use the local Slurm in $dir (. $env_file)."
    echo "export SLURM_CONF=$(printf %q "$dir/slurm.conf")"
    echo "# srun --overcommit: more tasks than the node's CPUs share its cores (like mpiexec.mpich -n 4 on 2 cores)."
    echo "export SLURM_OVERCOMMIT=1"
    echo "unset ${outer_vars[*]}"
  } >"$env_file.tmp"
  chmod 0644 "$env_file.tmp"
  mv -f "$env_file.tmp" "$env_file"
}

case $action in
  start)
    need_root
    find_tools
    check_dir
    if status_of >/dev/null; then
      die "a cluster is already running in $dir (SLURM_CONF=$dir/slurm.conf; $me status shows it, $me stop stops it)"
    fi
    rm -f -- "$env_file" # a dead cluster's, if the watchdog or a reboot ended it
    python3 "$local_slurm" start --dir "$dir" --wait 60 --lifetime "$lifetime_s" "${tool_args[@]}" \
      || die "start failed (above: the daemons' last log lines; their logs are in $dir)"
    write_env
    node=$(sed -n 's/^NodeName=\([^ ]*\) .*CPUs=\([0-9]*\).*/\1 (\2 CPUs)/p' "$dir/slurm.conf")
    max_time=$(sed -n 's/^PartitionName=.* MaxTime=\([0-9]*\).*/\1/p' "$dir/slurm.conf")
    echo "$me: local Slurm running in $dir: node $node, jobs up to $max_time min;" \
         "it stops itself in $lifetime ($me stop sooner)"
    echo "$me: to use it in a shell:  . $env_file"
    echo "$me:   (SLURM_CONF=$dir/slurm.conf, SLURM_OVERCOMMIT=1: srun may run more tasks than CPUs, sharing the cores)"
    ;;
  status)
    rc=0
    status_of || rc=$?
    if ((rc == 0)); then
      echo "$me: to use it in a shell:  . $env_file"
    elif ((rc == 3)); then
      echo "$me: not running ($me start starts it)"
    fi
    exit "$rc"
    ;;
  stop)
    need_root
    find_tools
    python3 "$local_slurm" stop --dir "$dir" "${tool_args[@]}" || die "stop left processes running (above)"
    rm -f -- "$env_file"
    ;;
esac
