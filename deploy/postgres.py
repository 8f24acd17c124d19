"""A local PostgreSQL cluster from Debian's binaries: for `python -m deploy` and for the tests.

`Cluster(directory, port)` runs `initdb` once into `<directory>/data` and `pg_ctl` to start,
stop and restart it on 127.0.0.1:<port>. The binaries are the newest
`/usr/lib/postgresql/<version>/bin` (package `postgresql`, installed by
scripts/install_system_deps.sh). initdb refuses to run as root, so as root every server command
runs as the `postgres` system user (created by the Debian package) via `runuser`, and the
directory is handed to that user. The cluster trusts connections from 127.0.0.1 only and
listens nowhere else: it is for one machine. A production database has its own users and
passwords (docs/deployment.md).

`temporary_cluster()` starts one in a fresh temporary directory (tests; `destroy()` removes it).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Cluster:
    directory: Path
    port: int
    user: str = "postgres"
    bindir: Path | None = None

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        self.bindir = self.bindir or find_bindir()
        if self.bindir is None:
            raise FileNotFoundError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                                    "scripts/install_system_deps.sh installs it")

    @property
    def datadir(self) -> Path:
        return self.directory / "data"

    @property
    def logfile(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # The server started by pg_ctl must not hold our pipes (it would never send EOF): every
        # start passes -l, and output is captured from pg_ctl only.
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=timeout)

    def _options(self) -> str:
        return (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.directory} "
                f"-c max_connections=200 -c fsync=on")

    def initialised(self) -> bool:
        return (self.datadir / "PG_VERSION").exists()

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.datadir), "-U", self.user, "--auth=trust", "--encoding=UTF8",
                  "--no-sync", "--locale=C")

    def running(self) -> bool:
        return self.initialised() and self._run("pg_ctl", "-D", str(self.datadir), "status", check=False).returncode == 0

    def start(self) -> "Cluster":
        """initdb if there is no cluster yet, then start it and wait until it accepts connections."""
        try:
            if not self.initialised():
                self.init()
            if not self.running():
                self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-o", self._options(),
                          "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as err:
            raise RuntimeError(f"could not start PostgreSQL: {err.stderr or err.stdout}\n{self.log()[-2000:]}") from err
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if port_open(self.port):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not accept connections on port {self.port} within 30 s")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; the data stay (`fast`: roll back open transactions, disconnect;
        `immediate`: like a crash, recovery at the next start)."""
        if self.initialised():
            self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop", check=False)

    def destroy(self) -> None:
        """Stop the server and delete the cluster's directory."""
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again (the data stay): every open connection is cut."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop")
        self.start()

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def ensure_database(self, name: str) -> str:
        """The database `name`, created if it does not exist yet; its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""


def temporary_cluster() -> Cluster:
    """Start a new cluster in a fresh temporary directory (`destroy()` stops it and removes it)."""
    directory = Path(tempfile.mkdtemp(prefix="workshop-pg-"))
    cluster = Cluster(directory=directory, port=free_port())
    try:
        return cluster.start()
    except BaseException:
        cluster.destroy()
        raise
