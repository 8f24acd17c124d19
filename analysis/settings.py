"""Every setting the data owner controls, declared once: name, default, unit, minimum, help.

Settings are environment variables of the server (or CLI) process — never a viewer's, a URL's
or an uploaded file's. `SETTINGS` is the one list: the intake limits (`analysis.intake.Limits`),
the suppression threshold (`analysis.config`), the upload worker's limits (`analysis.sandbox`)
and the workshop's settings all read their values through `value(name)`, docs/deployment.md
lists every entry with its default (a test checks it), and `python -m analysis settings`
prints them with the values in force.

An invalid value — not a number, negative, below the documented minimum — is never replaced
by a default behind the data owner's back (a threshold of 0 would switch small-group
protection off): `value` raises `SettingsError`, and `check()` at the start of the app and of
every CLI command stops with a clear message naming the setting, what was given and what is
allowed.

Values are read from the environment at each call, so a changed environment (tests,
`monkeypatch.setenv`) is seen at once; reading one is a dictionary look-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from analysis.i18n import t

Kind = Literal["int", "float", "text", "secret"]


@dataclass(frozen=True)
class Setting:
    """One data-owner setting (its environment variable is its name)."""

    name: str
    default: Any  # None: unset unless configured
    help: str  # English, for docs/deployment.md and `python -m analysis settings`
    kind: Kind = "int"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    group: str = "uploads"  # the docs/deployment.md table it is listed in

    @property
    def default_text(self) -> str:
        """The default as docs/deployment.md shows it."""
        return "none" if self.default is None else str(self.default)


SETTINGS: tuple[Setting, ...] = (
    # --- disclosure control ---------------------------------------------------------------
    Setting("SURVEY_MIN_GROUP_SIZE", 5, "smallest group whose numbers are shown; a workbook's `meta` may raise "
            "it, never lower it; 1 switches protection off (for hand checks only)", unit="answers", minimum=1,
            group="disclosure"),
    # --- uploads: what one upload may hold ------------------------------------------------
    Setting("SURVEY_MAX_UPLOAD_MB", 20, "size of each uploaded file; a larger file is refused before it is read",
            unit="MB", minimum=1),
    Setting("SURVEY_MAX_ROWS", 200_000, "rows per sheet or CSV file, counted in what the file holds (not what it "
            "declares)", unit="rows", minimum=1),
    Setting("SURVEY_MAX_COLUMNS", 500, "columns per sheet or CSV file (the furthest column used counts)",
            unit="columns", minimum=1, maximum=16_384),
    Setting("SURVEY_MAX_CELLS", 10_000_000, "cells per sheet: rows × columns of the area the cells span (a reader "
            "lays out that whole area in memory)", unit="cells", minimum=1),
    Setting("SURVEY_MAX_CELL_CHARS", 5_000, "characters in one cell (questions, labels, meta, answers)",
            unit="characters", minimum=1),
    Setting("SURVEY_MAX_TEXT_MB", 50, "all distinct text of one file together (shared strings, inline text, CSV)",
            unit="MB", minimum=1),
    Setting("SURVEY_MAX_SHEETS", 50, "sheets in one workbook", unit="sheets", minimum=3),
    Setting("SURVEY_MAX_PARTS", 2_000, "parts (zip entries) in one workbook", unit="parts", minimum=1),
    Setting("SURVEY_MAX_UNZIPPED_MB", 400, "what one workbook may unpack to, all parts together, measured while "
            "unpacking", unit="MB", minimum=1),
    Setting("SURVEY_MAX_COMPRESSION_RATIO", 200, "how much more than its compressed size one part (above 1 MB "
            "unpacked) may unpack to", unit=":1", minimum=1),
    # --- uploads: the worker process that reads them --------------------------------------
    Setting("SURVEY_WORKER_MEMORY_MB", 2_048, "memory (address space) the process reading one upload may take "
            "beyond what it starts with; more stops that process, never the server", unit="MB", minimum=64,
            group="worker"),
    Setting("SURVEY_WORKER_CPU_SECONDS", 60, "CPU time the process reading one upload may use", unit="s",
            minimum=1, group="worker"),
    Setting("SURVEY_WORKER_TIMEOUT_SECONDS", 90, "wall-clock time the process reading one upload may take before "
            "it is stopped", unit="s", minimum=1, group="worker"),
    # --- the live workshop ----------------------------------------------------------------
    Setting("WORKSHOP_FACILITATOR_PIN", None, "PIN for the facilitator page (or `workshop_facilitator_pin` in "
            "`.streamlit/secrets.toml`); without it live sessions cannot be opened. Use 12 or more random "
            "characters: the page warns about a shorter one", kind="secret", group="workshop"),
    Setting("WORKSHOP_PIN_ATTEMPTS", 5, "wrong facilitator PINs in a row before that browser session, and "
            "separately that client address, is locked out; each wrong PIN also doubles the wait before the "
            "next try (1 s, 2 s, 4 s, …)", unit="attempts", minimum=1, group="workshop"),
    Setting("WORKSHOP_PIN_LOCKOUT_MINUTES", 15, "how long a lock-out lasts", unit="minutes", minimum=1,
            group="workshop"),
    Setting("WORKSHOP_DATABASE_URL", None, "e.g. `postgresql+psycopg://…` so several replicas share sessions; "
            "unset: SQLite under `WORKSHOP_DATA_DIR`", kind="text", group="workshop"),
    Setting("WORKSHOP_DATA_DIR", "var/", "where the SQLite file lives", kind="text", group="workshop"),
    Setting("WORKSHOP_WORKBOOK", "data/workshop_2022.xlsx", "the workshop scores shown on **Prioriteringer**",
            kind="text", group="workshop"),
    Setting("WORKSHOP_REFRESH_SECONDS", 1, "how often the projector view rereads the scores (a fragment; no page reload)", kind="float", unit="s",
            minimum=1, group="workshop"),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


class SettingsError(Exception):
    """One or more settings are invalid; `describe()` names each, in bokmål or English."""

    def __init__(self, problems: Iterable[tuple[str, dict[str, Any]]]):
        self.problems = list(problems)  # (catalogue key, params)
        super().__init__(self.describe("en"))

    def describe(self, language: str = "nb") -> str:
        lines = [t("settings.invalid", language, count=len(self.problems))]
        lines += ["  - " + t(key, language, **params) for key, params in self.problems]
        return "\n".join(lines)


def raw(name: str) -> str:
    """The setting's text in the environment ("" when unset or blank)."""
    return os.environ.get(name, "").strip()


def _parse(setting: Setting, text: str) -> tuple[Any, tuple[str, dict[str, Any]] | None]:
    if not text:
        return setting.default, None
    if setting.kind in ("text", "secret"):
        return text, None
    shown = {"name": setting.name, "value": text, "unit": setting.unit}
    try:
        number: float = int(text) if setting.kind == "int" else float(text)
    except ValueError:
        return setting.default, ("settings.not_a_number" if setting.kind == "float" else "settings.not_whole", shown)
    if setting.minimum is not None and number < setting.minimum:
        return setting.default, ("settings.below_minimum", {**shown, "minimum": _plain(setting.minimum)})
    if setting.maximum is not None and number > setting.maximum:
        return setting.default, ("settings.above_maximum", {**shown, "maximum": _plain(setting.maximum)})
    return number, None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def value(name: str) -> Any:
    """The setting's value in force: the environment's if set, else the default.

    Raises `SettingsError` for an invalid value (the app and the CLI check every setting at
    start, so a page never meets one)."""
    setting = BY_NAME[name]
    parsed, problem = _parse(setting, raw(name))
    if problem is not None:
        raise SettingsError([problem])
    return parsed


def check() -> None:
    """Validate every setting; raise one `SettingsError` naming every invalid one."""
    problems = [problem for setting in SETTINGS if (problem := _parse(setting, raw(setting.name))[1]) is not None]
    if problems:
        raise SettingsError(problems)


def is_set(name: str) -> bool:
    return bool(raw(name))


def shown_value(setting: Setting) -> str:
    """The value in force as `python -m analysis settings` prints it (a secret is never printed)."""
    if setting.kind == "secret":
        return "(set)" if is_set(setting.name) else "(not set)"
    try:
        current = value(setting.name)
    except SettingsError:
        return f"INVALID: {raw(setting.name)!r}"
    return "none" if current is None else str(current)
