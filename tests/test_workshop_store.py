"""Live workshop storage: correctness under concurrency, durability across kill -9, access rules.

Every test runs against SQLite (a file in a temp dir) and against a real PostgreSQL server
that a session fixture starts from Debian's binaries (see tests/pg_cluster.py). In CI
(`CI=true`) a missing PostgreSQL fails the run; on a laptop without it those tests skip.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from analysis.workshop_store import (
    SCHEMA_VERSION,
    AccessDenied,
    InvalidScores,
    WorkshopError,
    WorkshopStore,
    database_url,
    schema_version_table,
)
from pg_cluster import find_bindir, start_cluster
from workshop_writer import fork_writer, parse_acks, planned

ROOT = Path(__file__).resolve().parent.parent
PIN = "4711-test"
GROUPS = [f"Gruppe {i}" for i in range(1, 10)]
REVISIONS = 20


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_cluster():
    if find_bindir() is None:
        reason = "PostgreSQL is not installed (scripts/install_system_deps.sh installs it)"
        if in_ci():
            pytest.fail(reason + " — required in CI")
        pytest.skip(reason)
    cluster = start_cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> str:
    """A fresh, empty database per test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workshop.sqlite3'}"
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database("w_" + uuid.uuid4().hex[:12])


@pytest.fixture
def store(url):
    with WorkshopStore(url, facilitator_pin=PIN) as opened:
        yield opened


@pytest.fixture
def session(store):
    return store.open_session(PIN, "Verksted", GROUPS)


def latest_per_cell(acks):
    last = {}
    for ack in acks:
        last[(ack["group"], ack["area"])] = ack
    return last


def assert_consistent(store, session, acks, complete=True):
    """Final state = last acknowledged write per cell; history = every acknowledged write, once."""
    current = store.current_scores(session)
    history = store.history(session)
    last = latest_per_cell(acks)
    by_cell = {(r.group, r.area): r for r in current.itertuples()}
    assert len(by_cell) == len(current), "one row per group × area"
    for cell, ack in last.items():
        row = by_cell[cell]
        if complete:
            assert (row.potential, row.feasibility, row.revision) == (ack["potential"], ack["feasibility"], ack["revision"])
        else:  # a writer killed after COMMIT but before printing may have stored one more
            assert row.revision >= ack["revision"]
    # History: revisions per cell run 1..N without gaps or repeats, in id (commit) order, and
    # the newest history row per cell is the current value.
    assert not history.duplicated(["group", "area", "revision"]).any()
    for (group, area), rows in history.groupby(["group", "area"], sort=False):
        assert rows["revision"].tolist() == list(range(1, len(rows) + 1)), (group, area)
        newest = rows.iloc[-1]
        row = by_cell[(group, area)]
        assert (newest.potential, newest.feasibility, newest.revision) == (row.potential, row.feasibility, row.revision)
    recorded = {(r.group, r.area, r.revision): (r.potential, r.feasibility) for r in history.itertuples()}
    for ack in acks:
        assert recorded[(ack["group"], ack["area"], ack["revision"])] == (ack["potential"], ack["feasibility"])
    if complete:
        assert len(history) == len(acks)


# ---------------------------------------------------------------------------------------------
# Schema and configuration
# ---------------------------------------------------------------------------------------------


def test_schema_is_created_once_and_versioned(url):
    stores = []
    errors = []

    def start():
        try:
            stores.append(WorkshopStore(url))
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    again = WorkshopStore(url)
    assert again.schema_version() == SCHEMA_VERSION
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM workshop_schema_version")).scalar() == SCHEMA_VERSION
    for opened in [*stores, again]:
        opened.dispose()


def test_a_newer_schema_is_refused_with_a_message(url):
    with WorkshopStore(url) as first, first.engine.begin() as conn:
        conn.execute(schema_version_table.insert().values(version=SCHEMA_VERSION + 1, applied_at=datetime.now(timezone.utc)))
    with pytest.raises(WorkshopError) as caught:
        WorkshopStore(url)
    assert "skjemaversjon 2" in caught.value.describe()


def test_sqlite_default_lives_in_the_data_dir_with_wal(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'workshop.sqlite3'}"
    with WorkshopStore(facilitator_pin=PIN) as store:
        store.open_session(PIN, "A", ["G"])
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert (tmp_path / "data" / "workshop.sqlite3").exists()


@pytest.mark.parametrize("url", ["not a url", "mysql+nodriver://x/y", "oracle://u@h/db"])
def test_a_bad_database_url_is_one_clear_message(url):
    with pytest.raises(WorkshopError) as caught:
        WorkshopStore(url)
    assert caught.value.describe().startswith("Databasen for verkstedet svarte ikke:")


@pytest.mark.postgres
def test_database_url_from_the_environment(postgres_cluster, monkeypatch):
    url = postgres_cluster.create_database("w_env")
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", url)
    with WorkshopStore(facilitator_pin=PIN) as store:
        assert store.backend == "postgresql"
        assert store.open_session(PIN, "Via env", ["G"]).is_open


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------


def test_default_areas_are_the_bundled_workshops(session):
    assert len(session.areas) == 13 and all(sector for _, sector in session.areas)
    assert session.groups == tuple(GROUPS)


def test_last_write_wins_and_history_keeps_every_write(store, session):
    area, other = session.area_names[:2]
    first = store.submit(session.join_code, "Gruppe 1", {area: (7, 8), other: (5, 5)})
    second = store.submit(session.join_code, "Gruppe 1", {area: (9, 6)})
    assert first.revisions == {area: 1, other: 1} and second.revisions == {area: 2}
    current = store.current_scores(session).set_index(["group", "area"])
    assert tuple(current.loc[("Gruppe 1", area), ["potential", "feasibility", "revision"]]) == (9, 6, 2)
    history = store.history(session)
    assert history[["area", "potential", "feasibility", "revision"]].values.tolist() == [
        [area, 7, 8, 1], [other, 5, 5, 1], [area, 9, 6, 2]]
    assert history["submission"].nunique() == 2  # one submission, one id, however many areas


BAD_SCORES = [0, 11, 3.5, "x", True, False, None, "", "7,5", float("nan"), -1]


def test_invalid_scores_are_refused_and_nothing_is_stored(store, session):
    area, other = session.area_names[:2]
    for bad in BAD_SCORES:
        with pytest.raises(InvalidScores) as caught:
            store.submit(session.join_code, "Gruppe 2", {other: (6, 6), area: (bad, 5)})
        message = caught.value.describe()
        assert "ingenting er lagret" in message and f"{area} – potensial" in message, bad
    assert store.current_scores(session).empty and store.history(session).empty


def test_valid_forms_of_a_score(store, session):
    area = session.area_names[0]
    store.submit(session.join_code, "Gruppe 3", {area: ("7", 8.0)})
    row = store.current_scores(session).iloc[0]
    assert (row.potential, row.feasibility) == (7, 8)


def test_unknown_group_or_area_stores_nothing(store, session):
    with pytest.raises(WorkshopError, match="not a group"):
        store.submit(session.join_code, "Gruppe 99", {session.area_names[0]: (5, 5)})
    with pytest.raises(WorkshopError, match="not an area"):
        store.submit(session.join_code, "Gruppe 1", {session.area_names[0]: (5, 5), "Månelanding": (5, 5)})
    assert store.history(session).empty


def test_closed_session_refuses_until_reopened(store, session):
    area = session.area_names[0]
    store.close_session(PIN, session.name)
    with pytest.raises(WorkshopError) as caught:
        store.submit(session.join_code, "Gruppe 1", {area: (5, 5)})
    assert "stengt" in caught.value.describe()
    store.reopen_session(PIN, session.name)
    assert store.submit(session.join_code, "Gruppe 1", {area: (5, 5)}).revisions == {area: 1}


def test_reset_clears_scores_but_keeps_the_old_round(store, session):
    area = session.area_names[0]
    store.submit(session.join_code, "Gruppe 1", {area: (5, 5)})
    store.reset_session(PIN, session.name)
    assert store.current_scores(session).empty and store.history(session).empty
    assert len(store.history(session, all_epochs=True)) == 1
    assert store.submit(session.join_code, "Gruppe 1", {area: (6, 6)}).revisions == {area: 1}


def test_delete_removes_everything(store, session):
    store.submit(session.join_code, "Gruppe 1", {session.area_names[0]: (5, 5)})
    store.delete_session(PIN, session.name)
    with pytest.raises(WorkshopError, match="No session"):
        store.session(session.name)
    with pytest.raises(AccessDenied):
        store.submit(session.join_code, "Gruppe 1", {session.area_names[0]: (5, 5)})
    with store.engine.connect() as conn:
        for table in ("workshop_scores", "workshop_history", "workshop_areas", "workshop_groups"):
            assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


def test_session_names_are_unique_and_input_is_checked(store, session):
    with pytest.raises(WorkshopError, match="already exists"):
        store.open_session(PIN, session.name, ["A"])
    with pytest.raises(WorkshopError, match="needs a name"):
        store.open_session(PIN, "  ", ["A"])
    with pytest.raises(WorkshopError, match="at least one group"):
        store.open_session(PIN, "Uten grupper", ["", "  "])
    with pytest.raises(WorkshopError, match="more than once"):
        store.open_session(PIN, "Dobbel", ["A", "A"])
    custom = store.open_session(PIN, "Egne områder", ["A"], areas=[("Vei", "Teknisk"), "Vann"])
    assert custom.areas == (("Vei", "Teknisk"), ("Vann", ""))


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["close_session", "reopen_session", "reset_session", "delete_session"])
def test_facilitator_actions_need_the_pin(store, session, action):
    for wrong in ("", None, "0000", PIN + " x", session.join_code):
        with pytest.raises(AccessDenied) as caught:
            getattr(store, action)(wrong, session.name)
        assert caught.value.describe() == "Feil fasilitator-PIN."
    assert store.session(session.name).is_open
    with pytest.raises(AccessDenied):
        store.open_session("0000", "Ny", ["A"])
    with pytest.raises(AccessDenied):
        store.list_sessions(session.join_code)


def test_without_a_configured_pin_nobody_is_facilitator(url):
    with WorkshopStore(url) as store:
        for pin in ("", None, "1234"):
            with pytest.raises(AccessDenied) as caught:
                store.open_session(pin, "X", ["A"])
            assert "WORKSHOP_FACILITATOR_PIN" in caught.value.describe()


def test_a_join_code_reaches_only_its_own_session(store, session):
    other = store.open_session(PIN, "Annen økt", ["Lag A", "Lag B"])
    assert session.join_code != other.join_code and len(other.join_code) >= 16
    area = other.area_names[0]
    with pytest.raises(WorkshopError, match="not a group"):
        store.submit(session.join_code, "Lag A", {area: (5, 5)})  # another session's group
    for forged in ("", "x", other.join_code[:-1], other.join_code.upper(), session.name):
        with pytest.raises(AccessDenied):
            store.submit(forged, "Lag A", {area: (5, 5)})
    assert store.history(other).empty and store.history(session).empty


def test_no_submission_lands_after_close(store, session):
    """Writers keep trying while the facilitator closes: nothing commits after close returns."""
    stop = threading.Event()

    def keep_writing(group):
        area = session.area_names[0]
        while not stop.is_set():
            try:
                store.submit(session.join_code, group, {area: (5, 5)})
            except WorkshopError:
                pass

    threads = [threading.Thread(target=keep_writing, args=(g,)) for g in GROUPS[:4]]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    store.close_session(PIN, session.name)
    at_close = len(store.history(session))
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    assert at_close > 0 and len(store.history(session)) == at_close


# ---------------------------------------------------------------------------------------------
# Concurrency and durability
# ---------------------------------------------------------------------------------------------


def test_nine_writer_threads(store, session):
    """9 groups at once, 13 areas × 20 rounds each: mostly the whole form in one submission (as
    the participant page sends it), every fifth round area by area (many small transactions)."""
    acks: list[dict] = []
    lock = threading.Lock()
    errors = []

    def writer(index, group):
        try:
            for revision in range(1, REVISIONS + 1):
                values = {area: planned(index, i, revision) for i, area in enumerate(session.area_names)}
                batches = [{a: v} for a, v in values.items()] if revision % 5 == 1 else [values]
                for batch in batches:
                    receipt = store.submit(session.join_code, group, batch)
                    with lock:
                        acks.extend({"group": group, "area": area, "potential": p, "feasibility": f,
                                     "revision": receipt.revisions[area]} for area, (p, f) in batch.items())
        except Exception as err:  # noqa: BLE001 - any failure fails the test below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(i, g)) for i, g in enumerate(GROUPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert len(acks) == len(GROUPS) * 13 * REVISIONS
    assert_consistent(store, session, acks)
    assert Counter(a["revision"] for a in acks)[REVISIONS] == len(GROUPS) * 13


def test_nine_writer_processes(url, store, session):
    """9 forked processes, each with its own connections, 13 areas × 20 rounds each."""
    writers = [fork_writer(url, session.join_code, g, i, REVISIONS) for i, g in enumerate(GROUPS)]
    acks = []
    try:
        for pid, output in writers:
            acks += parse_acks(output.read())
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0, "a writer failed (its traceback is on stderr)"
    finally:
        for _, output in writers:
            output.close()
    assert len(acks) == len(GROUPS) * 13 * REVISIONS
    assert_consistent(store, session, acks)


def test_kill_9_during_a_burst_loses_no_acknowledged_score(url, store, session):
    """Three writer processes submit area by area without pause and are killed with SIGKILL
    mid-burst. Every score a writer acknowledged (reported after COMMIT) is there afterwards,
    seen through a new store (new connections, as after an app restart)."""
    writers = [fork_writer(url, session.join_code, g, i, 0, mode="area") for i, g in enumerate(GROUPS[:3])]
    acks = []
    try:
        for _pid, output in writers:
            for _ in range(40):  # well into its burst
                line = output.readline()
                assert line.endswith("\n"), "a writer stopped early (its traceback is on stderr)"
                acks += parse_acks(line)
    finally:
        for pid, _output in writers:
            os.kill(pid, signal.SIGKILL)
        for pid, output in writers:
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == -signal.SIGKILL
            acks += parse_acks(output.read())
            output.close()
    store.dispose()
    with WorkshopStore(url, facilitator_pin=PIN) as restarted:
        assert len(acks) >= 120
        assert_consistent(restarted, session, acks, complete=False)
        # Usable at once: a new write succeeds and gets the next revision.
        area = session.area_names[0]
        before = restarted.current_scores(session).set_index(["group", "area"]).loc[("Gruppe 1", area), "revision"]
        assert restarted.submit(session.join_code, "Gruppe 1", {area: (1, 1)}).revisions[area] == before + 1
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()


@pytest.mark.postgres
def test_postgresql_restart_fails_clearly_then_works_and_writes_nothing_half(postgres_cluster):
    """PostgreSQL stopped and started again under a live store (a restart during a workshop):
    while it is away a submission fails with the "not confirmed, send again" message (not an
    exception name), reads say the database is away; once it is back the same store works
    again at once (its dead pooled connections are replaced), and no submission is half-written."""
    del postgres_cluster  # skip/fail exactly as the other PostgreSQL tests; this one needs its own server
    cluster = start_cluster()
    try:
        url = cluster.create_database("w_restart")
        with WorkshopStore(url, facilitator_pin=PIN) as store:
            session = store.open_session(PIN, "Verksted", GROUPS)
            everything = {area: (5, 6) for area in session.area_names}
            store.submit(session.join_code, "Gruppe 1", everything)
            cluster.stop()
            for language, phrase in (("nb", "ikke bekreftet lagret"), ("en", "not confirmed as saved")):
                with pytest.raises(WorkshopError) as caught:
                    store.submit(session.join_code, "Gruppe 2", everything)
                assert caught.value.code == "submit_unconfirmed"
                message = caught.value.describe(language)
                assert phrase in message and "Error" not in message
            with pytest.raises(WorkshopError) as caught:
                store.current_scores(session)
            assert caught.value.code == "database_unavailable"
            cluster.start()
            receipt = store.submit(session.join_code, "Gruppe 2", everything)  # the retry: works at once
            assert set(receipt.revisions.values()) == {1}
            history = store.history(session)
            assert history.groupby("submission").size().eq(len(everything)).all()  # whole submissions only
            assert sorted(history["group"].unique()) == ["Gruppe 1", "Gruppe 2"]
    finally:
        cluster.destroy()
