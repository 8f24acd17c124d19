"""The local multi-replica set-up: PostgreSQL, N Streamlit replicas, HAProxy in front.

`Stack(directory, replicas=2, port=8500)` starts, in order:

1. PostgreSQL (`deploy.postgres.Cluster` under `<directory>/postgres`, database `workshop`),
   the workshop store every replica shares (`WORKSHOP_DATABASE_URL`);
2. N replicas, each `streamlit run app.py` on its own loopback port (8601, 8602, …), same code
   and environment, optionally pinned to CPUs with `taskset`;
3. HAProxy with `deploy/haproxy.cfg` plus a generated `<directory>/replicas.cfg` that lists
   the replicas, listening on `port`.

What was started is written to `<directory>/state.json`, so `python -m deploy down` in another
shell stops exactly those processes (by their ids; each replica in its own process group).
Logs go to `<directory>/logs/`. The facilitator secret is `WORKSHOP_FACILITATOR_PIN` if set,
else a random one kept in `<directory>/facilitator_pin` (mode 600) and printed by `up`.

Faults for tests and benchmarks: `kill_replica(i)` (SIGKILL to its process group, like a
crash), `start_replica(i)` (the same port again), `postgres.restart()`; `server_states()`
reads HAProxy's view of every replica from its admin socket.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from deploy.postgres import Cluster, free_port, port_open

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = Path(__file__).resolve().parent
HAPROXY_CONFIG = DEPLOY / "haproxy.cfg"
DEFAULT_DIRECTORY = ROOT / "var" / "deploy"
DEFAULT_PORT = 8500
FIRST_REPLICA_PORT = 8601
DEFAULT_POSTGRES_PORT = 8432
DATABASE = "workshop"
PIN_ENV = "WORKSHOP_FACILITATOR_PIN"


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _alive(pid: int | None, marker: str) -> bool:
    """Whether `pid` is still the process we started (its command line contains `marker`)."""
    if not pid:
        return False
    try:
        return marker in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _stop(pid: int | None, marker: str, timeout: float = 10) -> None:
    """SIGTERM to the process group we started, SIGKILL if it is still there after `timeout`."""
    if not _alive(pid, marker):
        return
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid, marker):
        _reap(pid)
        time.sleep(0.1)
    if _alive(pid, marker):
        _signal_group(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    """Collect a child that has exited (no zombie left behind when we started it)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _taskset(cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus] if cpus else []


@dataclass
class Replica:
    name: str
    port: int
    cpus: str | None = None
    pid: int | None = None
    process: subprocess.Popen | None = field(default=None, repr=False, compare=False)  # when started here

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def marker(self) -> str:
        return f"--server.port {self.port}"

    def alive(self) -> bool:
        if self.process is not None and self.process.pid == self.pid:  # started by us: ask the process
            return self.process.poll() is None
        return _alive(self.pid, self.marker)  # from the state file: is that pid still our replica?


@dataclass
class Stack:
    directory: Path = DEFAULT_DIRECTORY
    replicas: int = 2
    port: int = DEFAULT_PORT
    replica_ports: list[int] | None = None
    postgres_port: int = DEFAULT_POSTGRES_PORT
    replica_cpus: list[str | None] = field(default_factory=list)  # per replica, e.g. ["0", "1"]
    balancer_cpus: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # extra environment for every replica
    haproxy_pid: int | None = None
    members: list[Replica] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        if not self.members:
            ports = self.replica_ports or [FIRST_REPLICA_PORT + i for i in range(self.replicas)]
            cpus = list(self.replica_cpus) + [None] * (len(ports) - len(self.replica_cpus))
            self.members = [Replica(f"r{i + 1}", port, cpus[i]) for i, port in enumerate(ports)]
        self.postgres = Cluster(self.directory / "postgres", self.postgres_port)

    # --- where things are ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.postgres.url(DATABASE)

    @property
    def logs(self) -> Path:
        return self.directory / "logs"

    @property
    def state_file(self) -> Path:
        return self.directory / "state.json"

    @property
    def socket_path(self) -> Path:
        return self.directory / "haproxy.sock"

    @classmethod
    def free_ports(cls, directory: Path, replicas: int = 2, **options) -> "Stack":
        """A stack on free loopback ports (tests, benchmarks: nothing clashes with `make run`)."""
        return cls(directory=directory, replicas=replicas, port=free_port(),
                   replica_ports=[free_port() for _ in range(replicas)], postgres_port=free_port(), **options)

    # --- up and down --------------------------------------------------------------------

    def facilitator_pin(self) -> str:
        configured = os.environ.get(PIN_ENV, "").strip() or self.env.get(PIN_ENV, "").strip()
        if configured:
            return configured
        path = self.directory / "facilitator_pin"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        return path.read_text().strip()

    def replica_environment(self) -> dict[str, str]:
        return {**os.environ, **self.env, "WORKSHOP_DATABASE_URL": self.database_url, PIN_ENV: self.facilitator_pin()}

    def up(self, timeout: float = 120) -> "Stack":
        """Start everything (what already runs from an earlier `up` is stopped first)."""
        binary = haproxy_binary()
        if binary is None:
            raise FileNotFoundError("HAProxy is not installed (scripts/install_system_deps.sh installs it)")
        if self.state_file.exists():
            Stack.load(self.directory).down()
        self.logs.mkdir(parents=True, exist_ok=True)
        for port in [self.port, *(r.port for r in self.members)]:
            if port_open(port):
                raise RuntimeError(f"port {port} is already in use; choose other ports (--port)")
        self.postgres.start()
        self.postgres.ensure_database(DATABASE)
        self._save()
        for replica in self.members:
            self._spawn(replica)
        self._save()
        deadline = time.monotonic() + timeout
        for replica in self.members:
            self._wait_healthy(replica, deadline)
        self._start_haproxy(binary)
        self._save()
        self.wait_states({r.name: "UP" for r in self.members}, timeout=max(5.0, deadline - time.monotonic()))
        return self

    def down(self, purge: bool = False) -> None:
        """Stop HAProxy, the replicas and PostgreSQL (its data stay unless `purge`)."""
        _stop(self.haproxy_pid, str(HAPROXY_CONFIG))
        for replica in self.members:
            _stop(replica.pid, replica.marker)
        if self.postgres.initialised():
            self.postgres.stop()
        self.state_file.unlink(missing_ok=True)
        if purge:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _spawn(self, replica: Replica) -> None:
        command = [*_taskset(replica.cpus), sys.executable, "-m", "streamlit", "run", "app.py",
                   "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(replica.port),
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with open(self.logs / f"replica-{replica.name}.log", "ab") as log:
            process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                       env=self.replica_environment(), start_new_session=True)
        replica.pid, replica.process = process.pid, process

    def _wait_healthy(self, replica: Replica, deadline: float) -> None:
        while time.monotonic() < deadline:
            if not replica.alive():
                raise RuntimeError(f"replica {replica.name} exited; see {self.logs / f'replica-{replica.name}.log'}")
            if healthy(replica.url):
                return
            time.sleep(0.2)
        raise RuntimeError(f"replica {replica.name} did not become healthy; see {self.logs}")

    def backend_config(self) -> str:
        lines = ["backend replicas"] + [f"    server {r.name} 127.0.0.1:{r.port} cookie {r.name}" for r in self.members]
        return "\n".join(lines) + "\n"

    def haproxy_command(self, binary: str, check: bool = False) -> list[str]:
        backend = self.directory / "replicas.cfg"
        backend.write_text(self.backend_config())
        return [binary, *(["-c"] if check else []), "-f", str(HAPROXY_CONFIG), "-f", str(backend)]

    def haproxy_environment(self) -> dict[str, str]:
        return {**os.environ, "DEPLOY_BIND": f"127.0.0.1:{self.port}", "DEPLOY_RUN_DIR": str(self.directory)}

    def check_config(self) -> subprocess.CompletedProcess:
        """`haproxy -c` on the configuration `up` would use."""
        binary = haproxy_binary()
        if binary is None:
            raise FileNotFoundError("HAProxy is not installed (scripts/install_system_deps.sh installs it)")
        self.directory.mkdir(parents=True, exist_ok=True)
        return subprocess.run(self.haproxy_command(binary, check=True), capture_output=True, text=True,
                              env=self.haproxy_environment(), timeout=30)

    def _start_haproxy(self, binary: str) -> None:
        checked = self.check_config()
        if checked.returncode:
            raise RuntimeError(f"haproxy -c refused the configuration:\n{checked.stdout}{checked.stderr}")
        with open(self.logs / "haproxy.log", "ab") as log:
            process = subprocess.Popen([*_taskset(self.balancer_cpus), *self.haproxy_command(binary)], cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT, env=self.haproxy_environment(),
                                       start_new_session=True)
        self.haproxy_pid = process.pid
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (port_open(self.port) and self.socket_path.exists()):
            if process.poll() is not None:
                raise RuntimeError(f"haproxy exited with {process.returncode}; see {self.logs / 'haproxy.log'}")
            time.sleep(0.1)

    # --- state file ---------------------------------------------------------------------

    def _save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        state = {"port": self.port, "postgres_port": self.postgres_port, "haproxy_pid": self.haproxy_pid,
                 "balancer_cpus": self.balancer_cpus, "env": self.env,
                 "replicas": [{"name": r.name, "port": r.port, "cpus": r.cpus, "pid": r.pid} for r in self.members]}
        self.state_file.write_text(json.dumps(state, indent=2))

    @classmethod
    def load(cls, directory: Path = DEFAULT_DIRECTORY) -> "Stack":
        """The stack an earlier `up` started in `directory` (from its state file)."""
        state = json.loads((Path(directory) / "state.json").read_text())
        members = [Replica(r["name"], r["port"], r["cpus"], r["pid"]) for r in state["replicas"]]
        return cls(directory=Path(directory), port=state["port"], postgres_port=state["postgres_port"],
                   haproxy_pid=state["haproxy_pid"], balancer_cpus=state.get("balancer_cpus"),
                   env=state.get("env") or {}, members=members, replicas=len(members))

    # --- faults -------------------------------------------------------------------------

    def replica(self, name: str) -> Replica:
        return next(r for r in self.members if r.name == name)

    def kill_replica(self, name: str) -> None:
        """kill -9 the replica (its whole process group: a crash, nothing is cleaned up)."""
        replica = self.replica(name)
        if replica.alive():
            _signal_group(replica.pid, signal.SIGKILL)
            if replica.process is not None:
                replica.process.wait(timeout=10)
            else:
                _reap(replica.pid)

    def start_replica(self, name: str, timeout: float = 120) -> None:
        """Start a stopped (or killed) replica again on its port."""
        replica = self.replica(name)
        if not replica.alive():
            self._spawn(replica)
            self._save()
        self._wait_healthy(replica, time.monotonic() + timeout)

    # --- HAProxy's view -----------------------------------------------------------------

    def _admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(self.socket_path))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode(errors="replace")

    def server_states(self) -> dict[str, dict[str, str]]:
        """Per replica HAProxy's `status` (UP, DOWN, …), `scur` (open sessions) and `stot`."""
        lines = self._admin("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        states = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(",")))
            if row.get("pxname") == "replicas" and row.get("svname") not in ("FRONTEND", "BACKEND"):
                states[row["svname"]] = row
        return states

    def wait_states(self, wanted: dict[str, str], timeout: float = 30) -> None:
        """Wait until HAProxy reports each named replica in the wanted state (e.g. "UP", "DOWN")."""
        deadline = time.monotonic() + timeout
        seen: dict[str, str] = {}
        while time.monotonic() < deadline:
            seen = {name: row.get("status", "") for name, row in self.server_states().items()}
            if all(seen.get(name) == state for name, state in wanted.items()):
                return
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy did not report {wanted} within {timeout} s (it reports {seen})")
