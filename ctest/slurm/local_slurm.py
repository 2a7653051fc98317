#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A one-host Slurm cluster for the tests: munged, slurmctld and slurmd from
the distribution, configured in a directory of their own, with no system
configuration read or changed.

  local_slurm.py start --dir DIR [--wait S] [--lifetime S]
  local_slurm.py stop  --dir DIR
  local_slurm.py status --dir DIR

start writes DIR/slurm.conf (the node is this host, with the CPU count and
memory `slurmd -C` reports; MpiDefault=pmi2; EnforcePartLimits=ALL, so a job
the cluster can never run is refused at submission, not left pending; free
TCP ports; state, spool and logs in DIR; munge's key and socket in a private
temporary directory),
starts munged, slurmctld and slurmd in the foreground of their own sessions
(their PIDs are known exactly), waits at most --wait seconds until sinfo
shows the node idle, runs one trivial srun step, and records what it
started in DIR/cluster.json. On any failure it stops what it started, prints
the daemons' last log lines and exits 1.

A watchdog process stops the cluster after --lifetime seconds (default one
hour) if `stop` never runs (an interrupted ctest), so no daemon outlives
its tests for long. stop cancels the cluster's jobs, shuts the daemons down
(scontrol shutdown, then SIGTERM, then SIGKILL, each bounded), stops munged
and the watchdog, and checks that none of them is left. Only processes this
script started are signalled: a recorded PID is signalled only while its
command line still names this cluster's configuration or socket.

status prints each recorded process and whether it still runs (by the same
test) and exits 0 when all four run, 3 when no cluster is recorded in DIR,
1 when some are gone (stop cleans up).

Tests use it with SLURM_CONF=DIR/slurm.conf. Needs root (slurmd launches
the job steps) and the binaries given on the command line or on PATH.
Standard library only.
"""
import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DAEMONS = ("slurmd", "slurmctld", "munged")


class ClusterError(Exception):
    pass


def log(msg):
    print(f"local_slurm: {msg}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["start", "stop", "status", "watchdog"])
    p.add_argument("--dir", required=True, help="directory for slurm.conf, state, spool and logs")
    p.add_argument("--wait", type=float, default=60, help="seconds to wait for the node to become idle")
    p.add_argument("--lifetime", type=float, default=3600, help="seconds after which the watchdog stops the cluster")
    for prog in ("munged", "slurmctld", "slurmd", "sinfo", "srun", "scontrol", "squeue", "scancel"):
        p.add_argument(f"--{prog}", default=None, help=f"path of {prog} (default: found on PATH, /usr/sbin, /sbin)")
    return p.parse_args()


def find(args, prog):
    given = getattr(args, prog)
    path = given or shutil.which(prog, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if not path or not os.access(path, os.X_OK):
        raise ClusterError(f"{prog}: not found{' at ' + given if given else ''} "
                           "(Debian: apt-get install slurmctld slurmd slurm-client munge, or bench/install-deps.sh --tests)")
    return path


def cluster_env(conf):
    env = dict(os.environ, SLURM_CONF=conf)
    # An outer allocation (ctest run inside a Slurm job) must not leak into this cluster's commands.
    for var in ("SLURM_JOB_ID", "SLURM_JOBID", "SLURM_STEP_ID", "SLURM_STEPID", "SLURM_JOB_NODELIST",
                "SLURM_NODELIST", "SLURM_NTASKS", "SLURM_NPROCS", "SLURM_NNODES", "SLURM_JOB_NUM_NODES"):
        env.pop(var, None)
    return env


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def node_line(slurmd):
    """This host as slurmd sees it: NodeName=... CPUs=... RealMemory=..."""
    out = subprocess.run([slurmd, "-C"], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise ClusterError(f"{slurmd} -C failed ({out.returncode}): {out.stderr.strip()}")
    line = next((l for l in out.stdout.splitlines() if l.startswith("NodeName=")), None)
    if not line:
        raise ClusterError(f"{slurmd} -C printed no NodeName line: {out.stdout.strip()!r}")
    return line.strip()


def write_conf(d, munge_socket, node, ports):
    fields = dict(kv.split("=", 1) for kv in node.split() if "=" in kv)
    name = fields["NodeName"]
    hardware = " ".join(f"{k}={v}" for k, v in fields.items()
                        if k in ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore", "RealMemory"))
    conf = f"""# Written by ctest/slurm/local_slurm.py: a one-host cluster for the tests.
ClusterName=pynamic-test
SlurmctldHost={name}
SlurmUser=root
SlurmdUser=root
SlurmctldPort={ports[0]}
SlurmdPort={ports[1]}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: works in containers and on hosts without a cgroup setup.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# A job this cluster can never run (more nodes or CPUs than it has, a longer time than MaxTime) is refused at
# submission with Slurm's reason, instead of pending forever.
EnforcePartLimits=ALL
MpiDefault=pmi2
ReturnToService=2
InactiveLimit=0
KillWait=5
MinJobAge=10
NodeName={name} {hardware} State=UNKNOWN
PartitionName=test Nodes={name} Default=YES MaxTime=30 State=UP
"""
    path = os.path.join(d, "slurm.conf")
    with open(path + ".tmp", "w") as f:
        f.write(conf)
    os.replace(path + ".tmp", path)
    return path, name


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None


def ours(pid, marker):
    """The process is alive and is the one we started (not a reused PID)."""
    line = cmdline(pid)
    return line is not None and marker in line


def start_daemon(name, argv, logpath, env):
    logf = open(logpath, "ab")
    # Own session, no inherited descriptors: ctest does not wait for them and no terminal signal reaches them.
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                            start_new_session=True, close_fds=True, env=env)
    logf.close()
    log(f"started {name} (pid {proc.pid}): {' '.join(argv)}")
    return proc


def wait_for(what, cond, seconds, procs=()):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, p in procs:
            if p.poll() is not None:
                raise ClusterError(f"{name} exited with status {p.returncode} while waiting for {what}")
        if cond():
            return
        time.sleep(0.25)
    raise ClusterError(f"timed out after {seconds:.0f} s waiting for {what}")


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError as e:
        return f"({e})\n"


def state_path(d):
    return os.path.join(d, "cluster.json")


def load_state(d):
    try:
        with open(state_path(d)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def save_state(d, state):
    with open(state_path(d) + ".tmp", "w") as f:
        json.dump(state, f, indent=2)
    os.replace(state_path(d) + ".tmp", state_path(d))


def signal_ours(pid, marker, sig):
    if pid and ours(pid, marker):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def wait_gone(pids_markers, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [(p, m) for p, m in pids_markers if p and ours(p, m) and not zombie(p)]
        if not alive:
            return []
        time.sleep(0.2)
    return [(p, m) for p, m in pids_markers if p and ours(p, m) and not zombie(p)]


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def daemon_markers(state):
    """What each recorded process's command line must contain to be ours (a PID may have been reused). The
    watchdog's ends with a space: DIR must not match a longer directory name that starts with it."""
    return {"slurmctld": state["conf"], "slurmd": state["conf"], "munged": state.get("munge_socket", "\0"),
            "watchdog": f"watchdog --dir {state['dir']} "}


def stop_cluster(state, tools, quiet=False):
    """Stops everything the state records; returns the list of survivors (should be empty)."""
    conf = state["conf"]
    env = cluster_env(conf)
    pids = state.get("pids", {})
    markers = daemon_markers(state)

    def run(argv, timeout):
        try:
            return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
        except (subprocess.TimeoutExpired, OSError) as e:
            if not quiet:
                log(f"{' '.join(argv)}: {e}")
            return None

    ctld = pids.get("slurmctld")
    if ctld and ours(ctld, conf) and tools.get("scancel") and tools.get("squeue"):
        # Jobs first, so no job step (slurmstepd and its tasks) outlives the daemons.
        run([tools["scancel"], "--quiet", "--full", "--user", "root"], 15)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            q = run([tools["squeue"], "-h", "-o", "%i"], 10)
            if q is None or q.returncode != 0 or not q.stdout.strip():
                break
            time.sleep(0.5)
    if ctld and ours(ctld, conf) and tools.get("scontrol"):
        run([tools["scontrol"], "shutdown"], 15)
    slurm = [(pids.get(n), markers[n]) for n in ("slurmctld", "slurmd")]
    left = wait_gone(slurm, 15)
    for pid, marker in left:
        signal_ours(pid, marker, signal.SIGTERM)
    left = wait_gone(left, 10)
    for pid, marker in left:
        signal_ours(pid, marker, signal.SIGKILL)
    wait_gone(left, 5)
    for name in ("munged", "watchdog"):
        if name == "watchdog" and pids.get(name) == os.getpid():
            continue
        signal_ours(pids.get(name), markers[name], signal.SIGTERM)
    every = [(pids.get(n), markers[n]) for n in ("slurmctld", "slurmd", "munged")]
    if pids.get("watchdog") != os.getpid():
        every.append((pids.get("watchdog"), markers["watchdog"]))
    left = wait_gone(every, 10)
    for pid, marker in left:
        signal_ours(pid, marker, signal.SIGKILL)
    for pid, _ in every:
        if pid:
            reap(pid)
    left = wait_gone(left, 5)
    munge_dir = state.get("munge_dir")
    if munge_dir and os.path.isdir(munge_dir) and os.path.basename(munge_dir).startswith("pynamic-munge."):
        shutil.rmtree(munge_dir, ignore_errors=True)
    return left


def tool_paths(args):
    tools = {}
    for prog in ("scontrol", "squeue", "scancel"):
        try:
            tools[prog] = find(args, prog)
        except ClusterError:
            tools[prog] = None
    return tools


def start(args):
    if os.geteuid() != 0:
        raise ClusterError("needs root: slurmd starts job steps as their user, munged and slurmd run as root here "
                           "(configure with -DPYNAMIC_TEST_SLURM=OFF to skip the slurm tests)")
    exe = {p: find(args, p) for p in ("munged", "slurmctld", "slurmd", "sinfo", "srun", "scontrol", "squeue", "scancel")}
    d = os.path.abspath(args.dir)
    os.makedirs(d, exist_ok=True)
    old = load_state(d)
    if old:
        log(f"stopping a cluster left over in {d}")
        stop_cluster(old, exe, quiet=True)
        os.remove(state_path(d))
    for sub in ("state", "spool"):
        shutil.rmtree(os.path.join(d, sub), ignore_errors=True)
        os.makedirs(os.path.join(d, sub))
    for name in ("slurmctld.log", "slurmd.log", "munged.log"):
        if os.path.exists(os.path.join(d, name)):
            os.remove(os.path.join(d, name))

    # munged insists on a private key and a socket directory others can enter but not write: a
    # temporary directory of our own (short path: unix socket paths are limited to 107 bytes).
    munge_dir = tempfile.mkdtemp(prefix="pynamic-munge.")
    os.chmod(munge_dir, 0o755)
    key = os.path.join(munge_dir, "munge.key")
    with open(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(secrets.token_bytes(1024))
    munge_socket = os.path.join(munge_dir, "munge.socket")
    state = {"dir": d, "conf": os.path.join(d, "slurm.conf"), "munge_dir": munge_dir, "munge_socket": munge_socket,
             "pids": {}}
    save_state(d, state)
    procs = []
    try:
        env = dict(os.environ)
        munged = start_daemon("munged", [exe["munged"], "--foreground", "--force", f"--key-file={key}",
                                         f"--socket={munge_socket}", f"--pid-file={munge_dir}/munged.pid",
                                         f"--log-file={d}/munged.log", f"--seed-file={munge_dir}/munged.seed"],
                              os.path.join(d, "munged.out"), env)
        state["pids"]["munged"] = munged.pid
        save_state(d, state)
        procs.append(("munged", munged))
        wait_for("munged's socket", lambda: os.path.exists(munge_socket), 15, procs)

        conf, node = write_conf(d, munge_socket, node_line(exe["slurmd"]), free_ports(2))
        env = cluster_env(conf)
        ctld = start_daemon("slurmctld", [exe["slurmctld"], "-D", "-i", "-f", conf],
                            os.path.join(d, "slurmctld.out"), env)
        state["pids"]["slurmctld"] = ctld.pid
        save_state(d, state)
        procs.append(("slurmctld", ctld))
        slurmd = start_daemon("slurmd", [exe["slurmd"], "-D", "-f", conf], os.path.join(d, "slurmd.out"), env)
        state["pids"]["slurmd"] = slurmd.pid
        save_state(d, state)
        procs.append(("slurmd", slurmd))

        def idle():
            r = subprocess.run([exe["sinfo"], "-h", "-N", "-o", "%T"], env=env, capture_output=True, text=True,
                               timeout=10)
            return r.returncode == 0 and r.stdout.split() == ["idle"]

        wait_for(f"node {node} to be idle in sinfo", idle, args.wait, procs)
        r = subprocess.run([exe["srun"], "--mpi=pmi2", "-n", "1", "--time=1", "/bin/true"], env=env,
                           capture_output=True, text=True, timeout=max(30, args.wait))
        if r.returncode != 0:
            raise ClusterError(f"a trivial srun step failed ({r.returncode}): {r.stderr.strip()}")

        watchdog = subprocess.Popen([sys.executable, os.path.abspath(__file__), "watchdog", "--dir", d,
                                     "--lifetime", str(args.lifetime)] + tool_args(exe),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True, close_fds=True)
        state["pids"]["watchdog"] = watchdog.pid
        state["started"] = time.time()
        state["lifetime"] = args.lifetime
        save_state(d, state)
        log(f"cluster up: node {node} idle, SLURM_CONF={conf}; watchdog (pid {watchdog.pid}) stops it after "
            f"{args.lifetime:.0f} s if the cleanup never runs")
        return 0
    except (ClusterError, subprocess.TimeoutExpired, OSError) as e:
        print(f"local_slurm: start failed: {e}", file=sys.stderr)
        for name in ("munged.log", "slurmctld.log", "slurmd.log", "slurmctld.out", "slurmd.out", "munged.out"):
            path = os.path.join(d, name)
            if os.path.exists(path):
                sys.stderr.write(f"--- last lines of {path}:\n{tail(path)}")
        left = stop_cluster(state, exe, quiet=True)
        os.remove(state_path(d))
        if left:
            print(f"local_slurm: could not stop {left}", file=sys.stderr)
        return 1


def tool_args(exe):
    return [a for prog in ("scontrol", "squeue", "scancel") for a in (f"--{prog}", exe[prog])]


def stop(args):
    d = os.path.abspath(args.dir)
    state = load_state(d)
    if not state:
        log(f"no cluster recorded in {d}: nothing to stop")
        return 0
    left = stop_cluster(state, tool_paths(args))
    if left:
        print(f"local_slurm: processes still running after stop: {left}", file=sys.stderr)
        return 1
    os.remove(state_path(d))
    log("cluster stopped: munged, slurmctld, slurmd and the watchdog are gone")
    return 0


def status(args):
    """Exit 0 when every daemon recorded is running, 3 when no cluster is recorded, 1 when some are gone."""
    d = os.path.abspath(args.dir)
    state = load_state(d)
    if not state:
        print(f"no cluster in {d}")
        return 3
    markers = daemon_markers(state)
    alive = {name: bool(pid and ours(pid, markers[name]) and not zombie(pid)) for name, pid in state["pids"].items()}
    for name, pid in state["pids"].items():
        print(f"{name}: pid {pid} {'running' if alive[name] else 'gone'}")
    expected = set(DAEMONS) | {"watchdog"}
    if set(state["pids"]) != expected or not all(alive.values()):
        print(f"cluster in {d} is not whole (recorded: {', '.join(sorted(state['pids']))}); stop cleans up")
        return 1
    left = state.get("started", time.time()) + state.get("lifetime", 0) - time.time()
    print(f"running: SLURM_CONF={state['conf']}; the watchdog stops it in {max(0, left) / 60:.0f} min")
    return 0


def watchdog(args):
    """Runs detached; the state file's path is in its command line, which is how stop recognises it."""
    d = os.path.abspath(args.dir)
    deadline = time.monotonic() + args.lifetime
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while time.monotonic() < deadline:
        time.sleep(1)
        state = load_state(d)
        if not state or state.get("pids", {}).get("watchdog") not in (None, os.getpid()):
            return 0  # stopped, or a newer cluster took over the directory
    state = load_state(d)
    if state:
        stop_cluster(state, tool_paths(args), quiet=True)
        try:
            os.remove(state_path(d))
        except OSError:
            pass
    return 0


def main():
    args = parse_args()
    try:
        return {"start": start, "stop": stop, "status": status, "watchdog": watchdog}[args.action](args)
    except ClusterError as e:
        print(f"local_slurm: {args.action}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
