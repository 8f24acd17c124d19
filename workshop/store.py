"""Storage for live workshop sessions: one small interface, SQLAlchemy underneath.

SQLite by default — a file `workshop.sqlite3` under `WORKSHOP_DATA_DIR` (default `var/` in
the repository), so `make run` needs nothing else — and PostgreSQL when
`WORKSHOP_DATABASE_URL` is set (`postgresql+psycopg://user:pass@host/db`), so several app
replicas can share one workshop.

Guarantees, and how they are kept:

* **One submission, one transaction.** A group's scores for one or more areas are written
  together or not at all; nothing is written if any value is invalid (`workshop.model.
  score_problem` checks every value before the transaction starts, and CHECK constraints
  in the schema refuse what slips through).
* **Last write wins per group × area**, by an upsert that also bumps a per-cell `revision`.
  The history row is inserted *after* the upsert, while the row lock is held, so the
  history's order per cell is the commit order and its revisions run 1, 2, 3, … without gaps.
* **Database away.** A server that is down or restarting gives one clear error
  (`database_unavailable`; for `submit`, `submit_unconfirmed`: not acknowledged, send again —
  the transaction was rolled back or, if cut off at COMMIT, stored once, and sending the same
  scores again only repeats them). Pooled connections are checked before use
  (`pool_pre_ping`), so the first call after a restart works.
* **Acknowledged means stored.** `submit` returns only after COMMIT. SQLite runs in WAL mode
  with `synchronous=FULL` (the WAL is flushed to disk at every commit) and a busy timeout;
  write transactions start with `BEGIN IMMEDIATE`, so concurrent writers queue for the lock
  instead of failing on a stale read snapshot.
* **Closed means closed.** A submission re-reads the session inside its transaction (on
  PostgreSQL with `FOR SHARE`, which waits for a concurrent close), so no score lands after
  the facilitator closed the session.
* **Who may do what.** Facilitator actions (open, close, reopen, reset, delete, list, lock,
  release) need the facilitator secret that the page layer reads from configuration and
  passes in; it is compared with `hmac.compare_digest`. Wrong secrets are limited per client
  (`workshop.attempts`: back-off after each, a logged lock-out after `WORKSHOP_PIN_ATTEMPTS`
  within `WORKSHOP_PIN_LOCKOUT_MINUTES`), so the secret cannot be guessed by trying. Participants hold only a join code:
  the session's (any group of it) or one group's own. A code is 8 characters drawn by
  `secrets` from an alphabet without look-alikes (no 0/O, 1/I/L), so it can be read off a
  projector and typed on a phone; it lets its holder submit to that one session and nothing
  else.
* **One group, one device (optional).** With the session's device lock on, the first device
  that submits for a group claims it (the store keeps a SHA-256 of the device's random token);
  a submission for that group from another device is refused until the facilitator releases
  the group. The claim is made in the submission's transaction, under the group row's lock.
* **Schema at start.** Tables are created at first use and migrated by a version table;
  concurrent starts (replicas) serialise on a lock, so creation is idempotent.

No Streamlit in here.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from analysis import settings
from workshop.attempts import AttemptLimiter
from analysis.i18n import t
from analysis.problems import Problem
from workshop.model import (
    MEASURES,
    SCORE_MAX,
    SCORE_MIN,
    Workshop,
    areas_frame,
    bundled_workshop_path,
    check_scores,
    describe_score_problem,
    load_workshop,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "var"
SQLITE_FILE = "workshop.sqlite3"
SCHEMA_VERSION = 2
#: Join codes: 8 characters from 31 (digits and capitals without 0, O, 1, I, L) ≈ 40 random bits,
#: read off a projector and typed on a phone without mix-ups. Typed codes are compared without
#: case, spaces or dashes (`normalise_code`).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
SQLITE_BUSY_TIMEOUT_MS = 15_000
MAX_NAME = 100
MAX_AREA = 300
OPEN, CLOSED = "open", "closed"

# ---------------------------------------------------------------------------------------------
# Errors: a message code and parameters, shown in bokmål or English from the catalogue.
# ---------------------------------------------------------------------------------------------


class WorkshopError(Exception):
    """Something a user asked for cannot be done; `describe()` says why in one or more lines."""

    def __init__(self, code: str, problems: Iterable[Problem] = (), **params: Any):
        self.code = code
        self.params = params
        self.problems = list(problems)
        super().__init__(self.describe("en"))

    def describe(self, language: str = "nb") -> str:
        lines = [t(f"workshop.error.{self.code}", language, **self.params)]
        lines += ["  - " + describe_score_problem(p, language) for p in self.problems]
        return "\n".join(lines)


class AccessDenied(WorkshopError):
    """Missing or wrong facilitator secret, or an unknown join code."""


class InvalidScores(WorkshopError):
    """At least one score is not an integer 1–10; `problems` names each one."""


# ---------------------------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------------------------

metadata = MetaData()

schema_version_table = Table(
    "workshop_schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "workshop_sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(MAX_NAME), nullable=False, unique=True),
    Column("join_code", String(64), nullable=False, unique=True),
    Column("status", String(10), nullable=False),
    Column("epoch", Integer, nullable=False),  # bumped by reset; history keeps older epochs
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("lock_devices", Integer, nullable=False, server_default=text("0")),  # version 2
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("status IN ('open', 'closed')", name="ck_workshop_sessions_status"),
)

session_areas = Table(
    "workshop_areas", metadata,
    Column("session_id", Integer, ForeignKey("workshop_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("area", String(MAX_AREA), primary_key=True),
    Column("sector", String(MAX_NAME), nullable=False),
    Column("position", Integer, nullable=False),
    Column("area_en", String(MAX_AREA), nullable=False, server_default=text("''")),  # version 2
    Column("sector_en", String(MAX_NAME), nullable=False, server_default=text("''")),  # version 2
)

session_groups = Table(
    "workshop_groups", metadata,
    Column("session_id", Integer, ForeignKey("workshop_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(MAX_NAME), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("join_code", String(64), nullable=True),  # version 2: the group's own code
    Column("device_hash", String(64), nullable=True),  # version 2: SHA-256 of the claiming device's token
    Column("claimed_at", DateTime(timezone=True), nullable=True),  # version 2
)
group_code_index = Index("ix_workshop_groups_join_code", session_groups.c.join_code, unique=True)

scores_table = Table(
    "workshop_scores", metadata,
    Column("session_id", Integer, ForeignKey("workshop_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("group_name", String(MAX_NAME), primary_key=True),
    Column("area", String(MAX_AREA), primary_key=True),
    Column("potential", SmallInteger, nullable=False),
    Column("feasibility", SmallInteger, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"potential BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="ck_workshop_scores_potential"),
    CheckConstraint(f"feasibility BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="ck_workshop_scores_feasibility"),
)

history_table = Table(
    "workshop_history", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("workshop_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("group_name", String(MAX_NAME), nullable=False),
    Column("area", String(MAX_AREA), nullable=False),
    Column("potential", SmallInteger, nullable=False),
    Column("feasibility", SmallInteger, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("submission", String(32), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"potential BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="ck_workshop_history_potential"),
    CheckConstraint(f"feasibility BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="ck_workshop_history_feasibility"),
)
Index("ix_workshop_history_session", history_table.c.session_id, history_table.c.epoch)


def _migrate_to_1(conn: Connection) -> None:
    """Version 1: the tables above (checkfirst, so a half-finished earlier start is harmless)."""
    metadata.create_all(conn, checkfirst=True)


def _migrate_to_2(conn: Connection) -> None:
    """Version 2: English area and sector names, the device lock, a code per group.

    Adds the columns a version-1 database lacks (a database created at version 2 has them from
    step 1), the unique index on group codes, and a code for every group made before."""
    inspector = inspect(conn)
    added = {sessions: ["lock_devices"], session_areas: ["area_en", "sector_en"],
             session_groups: ["join_code", "device_hash", "claimed_at"]}
    for table, names in added.items():
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for name in names:
            if name in present:
                continue
            column = table.c[name]
            ddl = f"ALTER TABLE {table.name} ADD COLUMN {name} {column.type.compile(dialect=conn.dialect)}"
            if column.server_default is not None:
                ddl += f" DEFAULT {column.server_default.arg.text} NOT NULL"
            conn.execute(text(ddl))
    group_code_index.create(conn, checkfirst=True)
    pending = conn.execute(select(session_groups.c.session_id, session_groups.c.name)
                           .where(session_groups.c.join_code.is_(None))).all()
    for session_id, name in pending:
        conn.execute(update(session_groups).where(session_groups.c.session_id == session_id,
                                                  session_groups.c.name == name).values(join_code=_unused_code(conn)))


#: version → the step that brings the schema from version-1 to it. Add a step, never edit one.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _migrate_to_1, 2: _migrate_to_2}


def new_code() -> str:
    """A fresh join code: `CODE_LENGTH` characters of `CODE_ALPHABET`, drawn by `secrets`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: Any) -> str:
    """A typed code as stored: capitals, without spaces and dashes («k7qx-9mrt» → «K7QX9MRT»)."""
    return "".join(str(code or "").split()).replace("-", "").upper()


def format_code(code: str) -> str:
    """A code as shown in large type: in blocks of four («K7QX 9MRT»); typing it so also works."""
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return code  # a code from before version 2 (random URL-safe text) is shown as it is
    return f"{code[:4]} {code[4:]}"


def _code_candidates(code: Any) -> list[str]:
    """What a typed code may be stored as: itself (a pre-version-2 code is case-sensitive) and
    its normalised form."""
    raw = str(code or "").strip()
    return list(dict.fromkeys(c for c in (raw, normalise_code(raw)) if c))


def _unused_code(conn: Connection) -> str:
    """A new code that no session and no group holds yet."""
    while True:
        code = new_code()
        taken = conn.execute(select(sessions.c.id).where(sessions.c.join_code == code)).first() or conn.execute(
            select(session_groups.c.session_id).where(session_groups.c.join_code == code)).first()
        if not taken:
            return code


def device_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------


def data_dir() -> Path:
    """`WORKSHOP_DATA_DIR`, or `var/` in the repository (`analysis.settings`)."""
    return Path(settings.value("WORKSHOP_DATA_DIR")) if settings.is_set("WORKSHOP_DATA_DIR") else DEFAULT_DATA_DIR


def database_url() -> str:
    """`WORKSHOP_DATABASE_URL`, or the SQLite file under the data directory."""
    configured = settings.value("WORKSHOP_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{(data_dir() / SQLITE_FILE).resolve()}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def _sqlite_setup(engine: Engine) -> None:
    """WAL, full sync, busy timeout, foreign keys; BEGIN IMMEDIATE for write transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised via every test
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised via every test
        # A deferred BEGIN that later writes fails at once (SQLITE_BUSY_SNAPSHOT) when another
        # writer committed meanwhile; IMMEDIATE takes the write lock first and waits for it.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("workshop_write") else "BEGIN")


# ---------------------------------------------------------------------------------------------
# Values handed out
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    """One workshop session. `join_code` is what participants use; treat it as a secret."""

    id: int
    name: str
    join_code: str
    status: str
    epoch: int
    created_at: datetime
    areas: tuple[tuple[str, str], ...]
    groups: tuple[str, ...]
    areas_en: tuple[tuple[str, str], ...] = ()  # (area_en, sector_en) per area, "" where not given
    group_codes: tuple[tuple[str, str], ...] = ()  # (group, its own join code); secrets too
    lock_devices: bool = False
    claimed: tuple[str, ...] = ()  # groups held by a device (with the lock on)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def area_names(self) -> list[str]:
        return [a for a, _ in self.areas]

    def areas_frame(self) -> pd.DataFrame:
        english = self.areas_en or (("", ""),) * len(self.areas)
        return areas_frame([(*names, *en) for names, en in zip(self.areas, english)])

    def group_code(self, group: str) -> str | None:
        return dict(self.group_codes).get(group)


@dataclass(frozen=True)
class Access:
    """What a join code opens: a session, and the group when it is a group's own code."""

    session: SessionInfo
    group: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What `submit` acknowledges: every score in it is committed."""

    session: str
    group: str
    submission: str
    submitted_at: datetime
    revisions: dict[str, int] = field(default_factory=dict)
    previous_at: datetime | None = None  # the group's last submission before this one, if any

    @property
    def replaced(self) -> bool:
        """Whether this submission replaced scores the group had sent before."""
        return self.previous_at is not None


def default_areas(workshop: Workshop | None = None) -> list[tuple[str, str, str, str]]:
    """The areas of the bundled workshop (or `WORKSHOP_WORKBOOK`) with their sectors and English
    names, in the order they were listed: a new session scores the same areas unless the
    facilitator edits them."""
    areas = (workshop or load_workshop(bundled_workshop_path())).areas.sort_values("order", kind="stable")
    return list(zip(areas["area"], areas["sector"], areas["area_en"], areas["sector_en"]))


def _clean_name(value: Any, code_blank: str) -> str:
    name = " ".join(str(value if value is not None else "").split())
    if not name:
        raise WorkshopError(code_blank)
    if len(name) > MAX_NAME:
        raise WorkshopError("too_long", value=name[:40] + "…", limit=MAX_NAME)
    return name


def _no_repeats(names: list[str], code: str, field_name: str) -> None:
    """The first name given twice, as an error — one pass (a form with 100 000 groups is checked
    in milliseconds, not in the minutes a pairwise check takes)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise WorkshopError(code, **{field_name: name})
        seen.add(name)


def _normalise_scores(scores: Mapping[str, Any] | Iterable[Any]) -> list[tuple[str, Any, Any]]:
    """`{area: (potential, feasibility)}`, `{area: {"potential": .., "feasibility": ..}}` or
    `[(area, potential, feasibility), ...]` → a list of triples."""
    items = scores.items() if isinstance(scores, Mapping) else ((row[0], row[1:]) for row in scores)
    out = []
    for area, value in items:
        if isinstance(value, Mapping):
            out.append((str(area), value.get("potential"), value.get("feasibility")))
        else:
            pair = tuple(value) if isinstance(value, (tuple, list)) else (value, None)
            out.append((str(area), *(pair + (None, None))[:2]))
    return out


# ---------------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------------


class WorkshopStore:
    """Live workshop sessions in a database. Thread-safe; one instance per process is enough.

    `facilitator_pin` is the configured secret (None: no facilitator actions are possible).
    """

    def __init__(self, url: str | None = None, *, facilitator_pin: str | None = None, create: bool = True):
        self.url = url or database_url()
        try:
            parsed = make_url(self.url)
        except SQLAlchemyError as err:  # a mistyped WORKSHOP_DATABASE_URL: a message, not a traceback
            raise WorkshopError("database", detail=f"{type(err).__name__}: {err}") from err
        self.backend = parsed.get_backend_name()
        self._pin = (facilitator_pin or "").strip() or None
        self.attempts = AttemptLimiter(settings.value("WORKSHOP_PIN_ATTEMPTS"),
                                       settings.value("WORKSHOP_PIN_LOCKOUT_MINUTES") * 60, "facilitator PIN")
        options: dict[str, Any] = {"pool_pre_ping": True}
        if self.backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        try:
            self.engine = create_engine(self.url, **options)
        except (SQLAlchemyError, ImportError) as err:  # e.g. a driver that is not installed
            raise WorkshopError("database", detail=f"{type(err).__name__}: {err}") from err
        if self.backend == "sqlite":
            _sqlite_setup(self.engine)
        self._writer = self.engine.execution_options(workshop_write=True)
        # Statements built once: a submission is the hot path of a live workshop.
        self._upsert = _upsert_statement(self.backend)
        self._group_query = select(session_groups.c.name, session_groups.c.device_hash).where(
            session_groups.c.session_id == bindparam("session_id"), session_groups.c.name == bindparam("name")
        ).with_for_update()
        self._areas_query = select(session_areas.c.area, session_areas.c.position).where(
            session_areas.c.session_id == bindparam("session_id"))
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        if create:
            self.ensure_schema()

    # --- lifecycle -----------------------------------------------------------------------

    def dispose(self) -> None:
        """Close every pooled connection (the database keeps everything committed)."""
        self.engine.dispose()

    def __enter__(self) -> "WorkshopStore":
        return self

    def __exit__(self, *exc) -> None:
        self.dispose()

    def ensure_schema(self) -> int:
        """Create or migrate the schema; return its version. Safe to call from many processes."""
        with self._schema_lock:
            if self._schema_ready:
                return SCHEMA_VERSION
            # Retried like a submission: SQLite can report "locked" while another process
            # switches the file to WAL at the same moment (seen with four stores starting at once).
            self._retrying(self._migrate)
            self._schema_ready = True
            return SCHEMA_VERSION

    def _migrate(self) -> None:
        with self._write() as conn:
            if self.backend == "postgresql":
                # Serialise concurrent starts of several replicas (DDL is transactional here).
                conn.execute(text("SELECT pg_advisory_xact_lock(824302201)"))
            schema_version_table.create(conn, checkfirst=True)
            current = conn.execute(select(func.max(schema_version_table.c.version))).scalar() or 0
            if current > SCHEMA_VERSION:
                raise WorkshopError("schema_too_new", found=current, known=SCHEMA_VERSION)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
                conn.execute(schema_version_table.insert().values(version=version, applied_at=_now()))

    def schema_version(self) -> int:
        with self._read() as conn:
            return conn.execute(select(func.max(schema_version_table.c.version))).scalar() or 0

    @contextmanager
    def _write(self):
        """A write transaction; database failures become one clear `WorkshopError`."""
        with self._database_errors():
            with self._writer.begin() as conn:
                yield conn

    @contextmanager
    def _read(self):
        with self._database_errors():
            with self.engine.connect() as conn:
                yield conn

    @contextmanager
    def _database_errors(self):
        try:
            yield
        except WorkshopError:
            raise
        except SQLAlchemyError as err:
            if _unavailable(err):  # e.g. PostgreSQL restarting: say so, and that trying again is safe
                raise WorkshopError("database_unavailable") from err
            detail = getattr(err, "orig", None) or err
            raise WorkshopError("database", detail=f"{type(detail).__name__}: {str(detail).splitlines()[0][:200]}") from err

    def _retrying(self, action: Callable[[], Any], attempts: int = 4) -> Any:
        """Run a write again after a deadlock, a serialisation failure or a locked SQLite file."""
        for attempt in range(attempts):
            try:
                return action()
            except WorkshopError as err:
                cause = err.__cause__
                transient = isinstance(cause, DBAPIError) and (
                    getattr(getattr(cause, "orig", None), "sqlstate", None) in ("40001", "40P01")
                    or "database is locked" in str(cause)
                )
                if not transient or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    # --- access --------------------------------------------------------------------------

    @property
    def facilitator_configured(self) -> bool:
        return self._pin is not None

    def check_pin(self, pin: Any, who: tuple[str, ...] = ("api",)) -> None:
        """Raise `AccessDenied` unless `pin` is the configured facilitator secret.

        `who` names the client (the page passes its browser session and its address): after a
        wrong PIN that client waits before the next try, and after too many it is locked out
        (`AccessDenied` "pin_wait" / "pin_locked", without comparing what it sent)."""
        if self._pin is None:
            raise AccessDenied("no_pin_configured")
        refusal = self.attempts.refusal(who)
        if refusal is not None:
            if refusal.locked:
                raise AccessDenied("pin_locked", minutes=max(1, math.ceil(refusal.seconds / 60)))
            raise AccessDenied("pin_wait", seconds=max(1, math.ceil(refusal.seconds)))
        given = str(pin if pin is not None else "").strip().encode("utf-8")
        if not hmac.compare_digest(given, self._pin.encode("utf-8")):
            self.attempts.failed(who)
            raise AccessDenied("wrong_pin")
        self.attempts.succeeded(who)

    # --- reading -------------------------------------------------------------------------

    def _session_row(self, conn: Connection, *, name: str | None = None, session_id: int | None = None,
                     lock: str | None = None):
        query = select(sessions)
        query = query.where(sessions.c.name == name) if name is not None else query.where(sessions.c.id == session_id)
        if lock == "share":
            query = query.with_for_update(read=True)
        elif lock == "update":
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            raise WorkshopError("session_not_found", name=name)
        return row

    def _code_row(self, conn: Connection, join_code: Any, lock: str | None = None):
        """The session row and the group (None for the session's own code) a join code opens."""
        candidates = _code_candidates(join_code)
        if candidates:
            found = conn.execute(select(sessions.c.id).where(sessions.c.join_code.in_(candidates))).first()
            if found is not None:
                return self._session_row(conn, session_id=found[0], lock=lock), None
            found = conn.execute(select(session_groups.c.session_id, session_groups.c.name)
                                 .where(session_groups.c.join_code.in_(candidates))).first()
            if found is not None:
                return self._session_row(conn, session_id=found[0], lock=lock), found[1]
        raise AccessDenied("unknown_join_code")

    def _info(self, conn: Connection, row) -> SessionInfo:
        areas = conn.execute(
            select(session_areas.c.area, session_areas.c.sector, session_areas.c.area_en, session_areas.c.sector_en)
            .where(session_areas.c.session_id == row["id"]).order_by(session_areas.c.position)
        ).all()
        groups = conn.execute(
            select(session_groups.c.name, session_groups.c.join_code, session_groups.c.device_hash)
            .where(session_groups.c.session_id == row["id"]).order_by(session_groups.c.position)
        ).all()
        return SessionInfo(
            id=row["id"], name=row["name"], join_code=row["join_code"], status=row["status"], epoch=row["epoch"],
            created_at=_utc(row["created_at"]), areas=tuple((a, s) for a, s, _, _ in areas),
            groups=tuple(g for g, _, _ in groups), areas_en=tuple((a or "", s or "") for _, _, a, s in areas),
            group_codes=tuple((g, c) for g, c, _ in groups if c), lock_devices=bool(row["lock_devices"]),
            claimed=tuple(g for g, _, d in groups if d),
        )

    def session(self, name: str) -> SessionInfo:
        """A session by its name (server side: the CLI, the facilitator after the PIN)."""
        with self._read() as conn:
            return self._info(conn, self._session_row(conn, name=name))

    def join(self, join_code: str) -> Access:
        """What a join code opens — the session's code: the session (any group); a group's own
        code: the session and that group. `AccessDenied` for an unknown code. Typed codes are
        compared without case, spaces and dashes."""
        with self._read() as conn:
            row, group = self._code_row(conn, join_code)
            return Access(self._info(conn, row), group)

    def session_for_code(self, join_code: str) -> SessionInfo:
        """The session a join code belongs to; `AccessDenied` for an unknown code."""
        return self.join(join_code).session

    def closed_sessions(self) -> list[str]:
        """Names of the closed sessions, newest first: finished workshops anyone may look at
        (no codes in the answer)."""
        with self._read() as conn:
            return conn.execute(select(sessions.c.name).where(sessions.c.status == CLOSED)
                                .order_by(sessions.c.created_at.desc(), sessions.c.id.desc())).scalars().all()

    def group_status(self, session: SessionInfo | str) -> pd.DataFrame:
        """One row per group of the session: see `group_status`."""
        info = session if isinstance(session, SessionInfo) else self.session(session)
        return group_status(info, self.current_scores(info))

    def list_sessions(self, pin: Any) -> list[SessionInfo]:
        """Every session, newest first (facilitator only: the list includes join codes)."""
        self.check_pin(pin)
        with self._read() as conn:
            rows = conn.execute(select(sessions).order_by(sessions.c.created_at.desc(), sessions.c.id.desc())).mappings().all()
            return [self._info(conn, row) for row in rows]

    def current_scores(self, session: SessionInfo | str) -> pd.DataFrame:
        """The latest scores: one row per group × area that has been scored.

        Columns `group`, `area`, `potential`, `feasibility` (as `workshop.model.ranking_table`
        wants them), plus `revision` and `updated_at` (UTC).
        """
        name = session.name if isinstance(session, SessionInfo) else session
        with self._read() as conn:
            row = self._session_row(conn, name=name)
            result = conn.execute(
                select(scores_table.c.group_name.label("group"), scores_table.c.area, scores_table.c.potential,
                       scores_table.c.feasibility, scores_table.c.revision, scores_table.c.updated_at)
                .where(scores_table.c.session_id == row["id"])
                .order_by(scores_table.c.group_name, scores_table.c.area)
            ).all()
        frame = pd.DataFrame(result, columns=["group", "area", "potential", "feasibility", "revision", "updated_at"])
        return _typed(frame, "updated_at")

    def history(self, session: SessionInfo | str, all_epochs: bool = False) -> pd.DataFrame:
        """Every accepted submission in commit order per group × area (this round only, unless
        `all_epochs`: rounds before a reset are kept, marked by `epoch`)."""
        name = session.name if isinstance(session, SessionInfo) else session
        with self._read() as conn:
            row = self._session_row(conn, name=name)
            query = select(
                history_table.c.id, history_table.c.epoch, history_table.c.group_name.label("group"),
                history_table.c.area, history_table.c.potential, history_table.c.feasibility,
                history_table.c.revision, history_table.c.submission, history_table.c.submitted_at,
            ).where(history_table.c.session_id == row["id"])
            if not all_epochs:
                query = query.where(history_table.c.epoch == row["epoch"])
            result = conn.execute(query.order_by(history_table.c.id)).all()
        columns = ["id", "epoch", "group", "area", "potential", "feasibility", "revision", "submission", "submitted_at"]
        return _typed(pd.DataFrame(result, columns=columns), "submitted_at")

    def workshop(self, session: SessionInfo | str) -> Workshop:
        """The session's current scores as a `Workshop`, ready for `ranking_table`."""
        info = session if isinstance(session, SessionInfo) else self.session(session)
        scores = self.current_scores(info)[["group", "area", *MEASURES]]
        meta = {"title": info.name, "reconstructed": "false", "status": info.status,
                "date": info.created_at.date().isoformat()}
        return Workshop(scores=scores, areas=info.areas_frame(), meta=meta, source=info.name)

    # --- facilitator ---------------------------------------------------------------------

    def open_session(self, pin: Any, name: str, groups: Iterable[str],
                     areas: Iterable[Sequence[str] | str] | None = None, *, lock_devices: bool = False) -> SessionInfo:
        """Open a new session and hand out its join codes (one for the session, one per group).

        `areas`: `(area, sector[, area_en, sector_en])` or names; default the bundled 13.
        `lock_devices`: each group is held by the first device that submits for it."""
        self.check_pin(pin)
        name = _clean_name(name, "blank_name")
        group_names = [_clean_name(g, "no_groups") for g in groups if str(g or "").strip()]
        if not group_names:
            raise WorkshopError("no_groups")
        _no_repeats(group_names, "duplicate_group", "group")
        area_list = []
        for entry in (default_areas() if areas is None else areas):
            names = [entry] if isinstance(entry, str) else list(entry)
            area, sector, area_en, sector_en = [" ".join(str(v or "").split()) for v in (names + ["", "", ""])[:4]]
            if not area:
                continue
            for value in (area, area_en):
                if len(value) > MAX_AREA:
                    raise WorkshopError("too_long", value=value[:40] + "…", limit=MAX_AREA)
            area_list.append((area, sector[:MAX_NAME], area_en, sector_en[:MAX_NAME]))
        if not area_list:
            raise WorkshopError("no_areas")
        _no_repeats([a for a, *_ in area_list], "duplicate_area", "area")
        now = _now()
        try:
            with self._write() as conn:
                if conn.execute(select(sessions.c.id).where(sessions.c.name == name)).first():
                    raise WorkshopError("name_taken", name=name)
                session_id = conn.execute(
                    sessions.insert().values(name=name, join_code=_unused_code(conn), status=OPEN, epoch=1,
                                             created_at=now, updated_at=now, lock_devices=int(bool(lock_devices)))
                    .returning(sessions.c.id)
                ).scalar_one()
                conn.execute(session_areas.insert(), [
                    {"session_id": session_id, "area": a, "sector": s, "area_en": a_en, "sector_en": s_en, "position": i}
                    for i, (a, s, a_en, s_en) in enumerate(area_list)])
                codes: list[str] = []
                while len(codes) < len(group_names):  # distinct among themselves too (one statement)
                    code = _unused_code(conn)
                    if code not in codes:
                        codes.append(code)
                conn.execute(session_groups.insert(), [
                    {"session_id": session_id, "name": g, "position": i, "join_code": c}
                    for i, (g, c) in enumerate(zip(group_names, codes))])
        except WorkshopError as err:
            if isinstance(err.__cause__, IntegrityError):  # two facilitators chose the name at once
                raise WorkshopError("name_taken", name=name) from err
            raise
        return self.session(name)

    def _set(self, pin: Any, name: str, **values: Any) -> SessionInfo:
        self.check_pin(pin)
        with self._write() as conn:
            row = self._session_row(conn, name=name, lock="update")
            conn.execute(update(sessions).where(sessions.c.id == row["id"]).values(updated_at=_now(), **values))
        return self.session(name)

    def close_session(self, pin: Any, name: str) -> SessionInfo:
        """No more submissions; the scores stay and the presenter view keeps showing them."""
        return self._set(pin, name, status=CLOSED)

    def reopen_session(self, pin: Any, name: str) -> SessionInfo:
        return self._set(pin, name, status=OPEN)

    def lock_session(self, pin: Any, name: str, on: bool = True) -> SessionInfo:
        """Turn the device lock on (each group held by the first device that submits for it) or off."""
        return self._set(pin, name, lock_devices=int(bool(on)))

    def release_group(self, pin: Any, name: str, group: str) -> SessionInfo:
        """Let another device submit for `group` (e.g. the group's phone ran out of battery);
        the next device that submits for it holds it."""
        self.check_pin(pin)
        with self._write() as conn:
            row = self._session_row(conn, name=name, lock="update")
            done = conn.execute(update(session_groups).where(session_groups.c.session_id == row["id"],
                                                             session_groups.c.name == group)
                                .values(device_hash=None, claimed_at=None))
            if done.rowcount == 0:
                raise WorkshopError("unknown_group", group=group)
        return self.session(name)

    def reset_session(self, pin: Any, name: str) -> SessionInfo:
        """Clear the current scores (e.g. after a trial round); the history keeps the old round."""
        self.check_pin(pin)
        with self._write() as conn:
            row = self._session_row(conn, name=name, lock="update")
            conn.execute(delete(scores_table).where(scores_table.c.session_id == row["id"]))
            conn.execute(update(sessions).where(sessions.c.id == row["id"]).values(epoch=row["epoch"] + 1, updated_at=_now()))
        return self.session(name)

    def delete_session(self, pin: Any, name: str) -> None:
        """Remove the session with all its scores and history."""
        self.check_pin(pin)
        with self._write() as conn:
            row = self._session_row(conn, name=name, lock="update")
            for table in (history_table, scores_table, session_groups, session_areas):
                conn.execute(delete(table).where(table.c.session_id == row["id"]))
            conn.execute(delete(sessions).where(sessions.c.id == row["id"]))

    # --- participants --------------------------------------------------------------------

    def submit(self, join_code: str, group: str | None, scores: Mapping[str, Any] | Iterable[Any], *,
               device: str | None = None, complete: bool = False) -> Receipt:
        """Store one group's scores for one or more areas, in one transaction.

        `scores`: `{area: (potential, feasibility)}` (or a dict per area, or triples). Every
        value must be an integer 1–10; otherwise `InvalidScores` lists each bad value and
        nothing is stored. `join_code` is the session's (then `group` names the group) or a
        group's own (then `group` may be None). `complete`: refuse (`incomplete`, nothing
        stored) unless every area of the session is in `scores`. `device`: the submitting
        device's token, needed when the session's device lock is on. Returns only after the
        commit: a receipt means the scores are saved.
        """
        entries = _normalise_scores(scores)
        if not entries:
            raise WorkshopError("nothing_to_submit")
        checked, problems = check_scores(
            (area, measure, value) for area, p, f in entries for measure, value in zip(MEASURES, (p, f)))
        if problems:
            raise InvalidScores("invalid_scores", problems, count=len(problems))
        values: dict[str, dict[str, int]] = {}
        for area, measure, number in checked:
            values.setdefault(area, {})[measure] = number
        if not _code_candidates(join_code):
            raise AccessDenied("unknown_join_code")
        token = str(device or "").strip() or None
        try:
            return self._retrying(lambda: self._submit(join_code, str(group or "").strip(), values, token, complete))
        except WorkshopError as err:
            if err.code == "database_unavailable":  # rolled back, or cut off at COMMIT: not acknowledged
                raise WorkshopError("submit_unconfirmed") from err.__cause__
            raise

    def _submit(self, code: str, group: str, values: dict[str, dict[str, int]], device: str | None,
                complete: bool) -> Receipt:
        submission = uuid.uuid4().hex
        now = _now()
        with self._write() as conn:
            row, code_group = self._code_row(conn, code, lock="share")
            if code_group is not None:
                if group and group != code_group:
                    raise AccessDenied("other_groups_code", group=group)
                group = code_group
            if row["status"] != OPEN:
                raise WorkshopError("session_closed", name=row["name"])
            # The group row under lock (PostgreSQL; SQLite's writers are serialised by BEGIN IMMEDIATE),
            # so two devices cannot both claim the group.
            known_group = conn.execute(self._group_query, {"session_id": row["id"], "name": group}).first()
            if known_group is None:
                raise WorkshopError("unknown_group", group=group)
            positions = dict(conn.execute(self._areas_query, {"session_id": row["id"]}).all())
            for area in values:
                if area not in positions:
                    raise WorkshopError("unknown_area", area=area)
            if complete and len(values) < len(positions):
                missing = [area for area in sorted(positions, key=positions.__getitem__) if area not in values]
                raise WorkshopError("incomplete", count=len(missing), areas=", ".join(missing))
            if row["lock_devices"]:
                self._claim(conn, row["id"], group, known_group.device_hash, device, now)
            previous = conn.execute(select(func.max(scores_table.c.updated_at)).where(
                scores_table.c.session_id == row["id"], scores_table.c.group_name == group)).scalar()
            # One order for every writer, so two devices of one group cannot deadlock.
            cells = [{"session_id": row["id"], "group_name": group, "area": area, **values[area]}
                     for area in sorted(values, key=positions.__getitem__)]
            returned = conn.execute(self._upsert, [{**cell, "revision": 1, "updated_at": now} for cell in cells])
            revisions = {area: revision for area, revision in returned.all()}
            # After the upsert, under its row locks: history order per cell = commit order.
            conn.execute(history_table.insert(), [
                {**cell, "epoch": row["epoch"], "revision": revisions[cell["area"]], "submission": submission,
                 "submitted_at": now} for cell in cells])
        return Receipt(session=row["name"], group=group, submission=submission, submitted_at=now, revisions=revisions,
                       previous_at=_utc(previous))

    @staticmethod
    def _claim(conn: Connection, session_id: int, group: str, held_by: str | None, device: str | None,
               now: datetime) -> None:
        """Under the device lock: the first device to submit holds the group; others are refused.
        Runs in the submission's transaction, after the group row was read under its lock."""
        if device is None:
            raise AccessDenied("device_required")
        mine = device_hash(device)
        if held_by is None:
            conn.execute(update(session_groups).where(session_groups.c.session_id == session_id,
                                                      session_groups.c.name == group)
                         .values(device_hash=mine, claimed_at=now))
        elif not hmac.compare_digest(held_by, mine):
            raise AccessDenied("group_locked", group=group)


def group_status(info: SessionInfo, scores: pd.DataFrame) -> pd.DataFrame:
    """One row per group of the session, in its order: `group`, `areas` (how many it has
    scored), `submitted_at` (its last submission, UTC; NaT if none) and `claimed` (held by a
    device under the device lock). `scores` are the session's `current_scores`."""
    counts: dict[str, int] = {}
    latest: dict[str, Any] = {}
    for group, when in zip(scores["group"].tolist(), scores["updated_at"].tolist()):  # plain Python: a
        counts[group] = counts.get(group, 0) + 1  # projector asks every second, pandas' groupby costs 10 ms
        latest[group] = when if group not in latest or when > latest[group] else latest[group]
    claimed = set(info.claimed)
    return pd.DataFrame({
        "group": list(info.groups),
        "areas": pd.Series([counts.get(g, 0) for g in info.groups], dtype="int64"),
        "submitted_at": pd.to_datetime(pd.Series([latest.get(g) for g in info.groups], dtype="object"), utc=True),
        "claimed": [g in claimed for g in info.groups],
    })


def _unavailable(err: SQLAlchemyError) -> bool:
    """The database cannot be reached or cut the connection (down, restarting, network): worth
    trying again later. pool_pre_ping replaces connections a restart left dead, so this is
    only raised while the server is away or when it goes away in the middle of a transaction."""
    if not isinstance(err, OperationalError):
        return False
    if err.connection_invalidated:  # cut off during a statement (SQLAlchemy's is_disconnect)
        return True
    state = getattr(err.orig, "sqlstate", None) or ""  # PostgreSQL's error class: connection, shutdown
    if state.startswith(("08", "57P")):
        return True
    # A failed connect carries no SQLSTATE: libpq's (and SQLite's) own words tell "not there
    # now" from a wrong setting (unknown database, bad password), which keeps its detail.
    text_ = str(err.orig)
    return any(phrase in text_ for phrase in _AWAY)


_AWAY = ("Connection refused", "the database system is starting up", "the database system is shutting down",
         "server closed the connection", "timeout expired", "could not receive data", "database is locked")


def _upsert_statement(backend: str):
    """INSERT … ON CONFLICT (cell) DO UPDATE …, bumping the revision; RETURNING (area, revision)
    in the order of the rows given (one multi-row statement for a whole form)."""
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif backend == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise WorkshopError("database", detail=f"unsupported database {backend!r}; use SQLite or PostgreSQL")
    statement = insert(scores_table)
    return statement.on_conflict_do_update(
        index_elements=[scores_table.c.session_id, scores_table.c.group_name, scores_table.c.area],
        set_={
            "potential": statement.excluded.potential,
            "feasibility": statement.excluded.feasibility,
            "updated_at": statement.excluded.updated_at,
            "revision": scores_table.c.revision + 1,
        },
    ).returning(scores_table.c.area, scores_table.c.revision, sort_by_parameter_order=True)


def _typed(frame: pd.DataFrame, time_column: str) -> pd.DataFrame:
    for column in ("potential", "feasibility", "revision"):
        if column in frame:
            frame[column] = frame[column].astype("int64")
    frame[time_column] = pd.to_datetime(frame[time_column], utc=True)
    return frame
