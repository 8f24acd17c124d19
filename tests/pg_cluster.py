"""A throwaway PostgreSQL server for tests: initdb in a temp dir, pg_ctl on a free loopback port.

Uses Debian's binaries (`/usr/lib/postgresql/<version>/bin`, installed by
scripts/install_system_deps.sh). initdb refuses to run as root, so as root every server
command runs as the `postgres` system user (created by the Debian package) via `runuser`.
The cluster trusts local connections and listens on 127.0.0.1 only; it lives in a fresh
directory that is removed when it stops.
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


@dataclass
class Cluster:
    bindir: Path
    directory: Path
    port: int
    user: str

    @property
    def datadir(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> "Cluster":
        self._run("initdb", "-D", str(self.datadir), "-U", self.user, "--auth=trust", "--encoding=UTF8",
                  "--no-sync", "--locale=C")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.directory} "
                   f"-c max_connections=100 -c fsync=on")
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.directory / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")
        return self

    def create_database(self, name: str) -> str:
        """A new empty database (one per test keeps tests independent); its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_cluster() -> Cluster:
    """Start a new cluster; raises RuntimeError with the server's words if anything fails."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    directory = Path(tempfile.mkdtemp(prefix="workshop-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = Cluster(bindir=bindir, directory=directory, port=free_port(), user="postgres")
    try:
        cluster.start()
    except subprocess.CalledProcessError as err:
        log = cluster.log()
        cluster.stop()
        raise RuntimeError(f"could not start PostgreSQL: {err.stderr or err.stdout}\n{log[-2000:]}") from err
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", cluster.port)) == 0:
                return cluster
        time.sleep(0.1)
    cluster.stop()
    raise RuntimeError("PostgreSQL did not accept connections within 30 s")
