"""Two replicas behind HAProxy with PostgreSQL (deploy/): faults survived under load.

The set-up is the one `python -m deploy up` starts (on free ports, in a temp directory). The
load is the load generator's simulated browsers (benchmarks/loadtest/: Streamlit's own
websocket protocol, through HAProxy, with its sticky cookie):

* kill -9 of a replica while 20 viewers change filters and switch pages and 9 workshop groups
  submit from the participant page: every viewer and group on it reconnects through the
  balancer and resumes — and every run any viewer completed, before and after, shows exactly
  what a fresh visit of its URL shows; nobody else is disturbed; the restarted replica takes
  new viewers; every acknowledged score is stored, once.
* PostgreSQL stopped and started during a workshop: submissions in the window fail with the
  store's clear message, every group's retry succeeds, nothing is half-written.

No timing is asserted. HAProxy and PostgreSQL are required (scripts/install_system_deps.sh
installs both; `make test` and CI run it): without them these tests fail, they do not skip.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.loadtest.client import StreamlitClient
from benchmarks.loadtest.faults import postgres_restart, replica_kill
from deploy.postgres import find_bindir
from deploy.stack import PIN_ENV, Stack, haproxy_binary
from tree import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PIN = "replica-test-pin"
LOGS = ROOT / "test-artifacts" / "replicas"


def run(coroutine):
    """Run the load generator in a thread of its own: in a whole test session the browser tests'
    Playwright (sync API) keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def stack():
    missing = [name for name, found in (("haproxy", haproxy_binary()), ("PostgreSQL", find_bindir())) if not found]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: run scripts/install_system_deps.sh (make test does)")
    # Not pytest's tmp_path: as root, PostgreSQL runs as the `postgres` user, which must reach its directory.
    directory = Path(tempfile.mkdtemp(prefix="deploy-test-"))
    directory.chmod(0o755)
    running = Stack.free_ports(directory, replicas=2, env={PIN_ENV: PIN, "WORKSHOP_REFRESH_SECONDS": "3"})
    try:
        running.up()
        run(warm(running))
        yield running
    finally:
        running.down()
        shutil.rmtree(LOGS, ignore_errors=True)  # the replicas' and HAProxy's logs, kept for a failed run
        shutil.copytree(running.logs, LOGS, dirs_exist_ok=True)
        shutil.rmtree(directory, ignore_errors=True)


async def warm(stack: Stack) -> None:
    """One page on each replica directly: the first run of a fresh process pays the imports."""
    for replica in stack.members:
        client = StreamlitClient(replica.url, timeout=180)
        try:
            await client.open("erfaringer")
        finally:
            await client.close()


def test_haproxy_accepts_the_configuration(stack):
    checked = stack.check_config()
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert {name: row["status"] for name, row in stack.server_states().items()} == {"r1": "UP", "r2": "UP"}


def test_kill_9_of_a_replica_under_load(stack):
    report = run(replica_kill(stack, PIN, viewers=20, groups=9))
    assert report.on_victim and report.elsewhere, "both replicas had viewers"
    assert report.problems() == []
    assert set(report.resumed) == report.on_victim
    assert report.views_checked >= 40 and report.acks >= 9
    assert report.victim in report.newcomers.values()


def test_a_fresh_replica_serves_simultaneous_first_visitors():
    """Right after a (re)start many viewers arrive at once (a killed replica's viewers all
    reconnect): every one gets its whole page, none an exception."""
    from browser_support import start_streamlit, stop_process

    async def visit(url):
        clients = [StreamlitClient(url, timeout=180) for _ in range(8)]
        try:
            return await asyncio.gather(*(c.open(page) for c, page in zip(clients, ["erfaringer", "mulighetsrom",
                                                                                    "utforsk", ""] * 2)))
        finally:
            for client in clients:
                await client.close()

    process, url = start_streamlit(log_name="fresh-replica.log")
    try:
        runs = run(visit(url))
    finally:
        stop_process(process)
    assert [run.exceptions for run in runs] == [[]] * 8
    assert all(len(run.of_kind("plotly_chart")) >= 1 for run in runs)


def test_postgresql_restart_during_a_workshop(stack):
    report = run(postgres_restart(stack, PIN, groups=9))
    assert report.failures, "some submissions fell into the outage"
    assert report.problems() == []
    assert report.acked_after == set(report.groups)
