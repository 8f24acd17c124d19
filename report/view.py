"""The view as plain values: what decides a page's charts (filters, groups, display, denominator,
language), with no Streamlit — so pages, presentation mode, exports and the command line
describe "Grong, by role" the same way.

`dashboard.state` builds a `View` from the sidebar (and the URL); `view_for` builds one
from arguments (the `deck` command). `View.query()` is what decides a table's numbers and is
the cache key of `dashboard.data`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.aggregate import Focus
from analysis.codebook import Survey
from analysis.i18n import DEFAULT_LANGUAGE

SHARE, DISTRIBUTION = "share", "distribution"
DISPLAYS = (SHARE, DISTRIBUTION)


@dataclass(frozen=True)
class Query:
    """What decides the numbers of a table (the cache key of `dashboard.data`)."""

    selection: tuple[tuple[str, tuple[str, ...]], ...]
    by: tuple[str, ...]
    focus: Focus | None
    denominator: str
    language: str


@dataclass(frozen=True)
class View:
    """Everything the sidebar decides, as plain values (one per control)."""

    language: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (breakdown, chosen values); empty choice = all
    breakdown: tuple[str, ...]  # () for the total, ("rolle",), ("kommune", "rolle"), ...
    focus: str | None  # a value of `unit` compared with the rest, or None
    unit: str | None  # the breakdown a focus applies to (municipality)
    display: str
    denominator: str

    @property
    def focus_spec(self) -> Focus | None:
        return Focus(self.unit, self.focus) if self.focus and self.unit else None

    @property
    def by(self) -> tuple[str, ...]:
        """Groups to count: the chosen breakdown; with a focus, "mine vs the rest" first."""
        if self.focus_spec is None:
            return self.breakdown
        return (self.unit, *(b for b in self.breakdown if b != self.unit))

    def query(self, by: Sequence[str] | None = None) -> Query:
        """The parameters that decide a table's numbers, for grouping `by` (default: the view's).

        With a focus the municipality filter is not applied: "mine vs the rest" means the rest
        of the whole region.
        """
        by = self.by if by is None else tuple(by)
        focus = self.focus_spec if self.focus_spec and self.unit in by else None
        selection = tuple((c, v) for c, v in self.filters if v and not (self.focus_spec and c == self.unit))
        return Query(selection, by, focus, self.denominator, self.language)


def unit_and_group(survey: Survey) -> tuple[str, ...]:
    """The survey's unit and group: its first breakdown is the unit (municipality: what a focus
    compares, what the top options are per), its second the group (role: the report's
    comparison). One or two names; the one place this rule is written."""
    return tuple(survey.breakdowns)[:2]


def breakdown_options(survey: Survey) -> list[tuple[str, ...]]:
    """Total, the group (role), the unit (municipality), unit × group, then other breakdowns."""
    names = list(survey.breakdowns)
    unit, group = (*unit_and_group(survey), None)[:2]
    options: list[tuple[str, ...]] = [()]
    if group:
        options.append((group,))
    options.append((unit,))
    if group:
        options.append((unit, group))
    options += [(name,) for name in names[2:]]
    return options


TOTAL_CODE = "total"  # the code of the ungrouped view in a link (`?inndeling=total`)


def breakdown_code(option: Sequence[str]) -> str:
    """A grouping's stable code for links: its columns joined by "+" (`kommune+rolle`), `total`
    for none — the same in every language, unlike the label the widget shows."""
    return "+".join(option) if option else TOTAL_CODE


def option_for_code(options: Sequence, code: str, code_of=breakdown_code):
    """The option whose stable code is `code` (a grouping by `breakdown_code`; a display is its
    own code), or None."""
    return next((option for option in options if code_of(option) == code), None)


def default_breakdown(survey: Survey) -> tuple[str, ...]:
    """The report's comparison: the second breakdown (role) if there is one."""
    pair = unit_and_group(survey)
    return pair[1:] or pair[:1]


def view_for(survey: Survey, *, language: str = DEFAULT_LANGUAGE, filters: Mapping[str, Sequence[str]] | None = None,
             breakdown: Sequence[str] | None = None, focus: str | None = None, display: str = SHARE,
             denominator: str = "report") -> View:
    """A view from arguments, with the sidebar's defaults for what is not given (the report's
    comparison by role, headline shares, the report's denominator): what a page shows when
    only these filters are chosen."""
    chosen = dict(filters or {})
    unknown = [column for column in chosen if column not in survey.breakdowns]
    if unknown:
        raise KeyError(f"unknown breakdown {unknown[0]!r}")
    return View(
        language=language,
        filters=tuple((column, tuple(chosen.get(column) or ())) for column in survey.breakdowns),
        breakdown=default_breakdown(survey) if breakdown is None else tuple(breakdown),
        focus=focus, unit=unit_and_group(survey)[0], display=display, denominator=denominator,
    )
