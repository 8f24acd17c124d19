"""Validation problems: what is wrong, exactly where, and how bad.

A problem carries a message code and its parameters rather than a finished sentence, so the
same problem can be shown in Norwegian or English from the one string catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from analysis.formatting import format_number
from analysis.i18n import t
from analysis.safe_text import visible

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    `row` is the spreadsheet row number a person sees (header = row 1), or None when the
    problem concerns a whole sheet or column.
    """

    code: str
    severity: Severity = "error"
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str = "nb") -> str:
        """The problem as one sentence without its location; numbers in the language's format,
        invisible characters in a value named (`Aby<U+0000>`)."""
        params = {name: _shown(value, language) for name, value in self.params.items()}
        return t(f"problem.{self.code}", language, value=_shown(self.value, language),
                 column=_shown(self.column, language), **params)

    def location(self, language: str = "nb") -> str:
        parts = []
        if self.sheet:
            parts.append(t("problem.loc.sheet", language, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("problem.loc.row", language, row=self.row))
        if self.column:
            parts.append(t("problem.loc.column", language, column=self.column))
        return ", ".join(parts)

    def describe(self, language: str = "nb", source: str | None = None) -> str:
        """`file: sheet, row, column: message` — the line shown to a user."""
        where = self.location(language)
        prefix = ": ".join(p for p in (source, where) if p)
        return f"{prefix}: {self.message(language)}" if prefix else self.message(language)

    def as_dict(self, language: str = "nb") -> dict[str, Any]:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "message": self.message(language),
        }


def _shown(value: Any, language: str) -> Any:
    """A parameter as a message shows it: large whole numbers and decimals per language."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return format_number(value, language) if abs(value) >= 10_000 else value
    if isinstance(value, float):
        return format_number(value, language, 0 if value.is_integer() else 1)
    if isinstance(value, str):
        return visible(value)
    return value


class SurveyError(Exception):
    """Raised when an input cannot be loaded; holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self, language: str = "nb") -> str:
        return "\n".join(p.describe(language, self.source) for p in self.errors)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
