"""The survey as data: codebook rows, items and the loaded survey object.

Everything a page shows about an item (wording, scale, section, headline measure) comes from
here, so a new survey round needs a new workbook, not new code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["id", "breakdown", "likert", "yes_no", "multi_select", "text", "numeric", "weight"]
Measure = Literal["top2", "bottom2", "yes", "selected", "set"]
"""`set`: the codebook names the headline categories itself (`measure = 4,5,6` or by labels)."""

ITEM_KINDS = ("likert", "yes_no", "multi_select")
NUMERIC_KINDS = ("numeric",)
SCALED_KINDS = ("breakdown", "likert", "yes_no")
SCALE_SEPARATOR = "|"
VALUE_SEPARATOR = "="
DEFAULT_MEASURE_LABELS = {
    "top2": "stor/svært stor grad",
    "bottom2": "liten/svært liten grad",
    "yes": "ja",
    "selected": "valgt",
}
DEFAULT_MEASURE_LABELS_EN = {
    "top2": "large/very large extent",
    "bottom2": "small/very small extent",
    "yes": "yes",
    "selected": "selected",
}
MULTI_SELECT_SCALE = ("0", "1")


def split_scale(text: str | None) -> tuple[str, ...]:
    """Split a codebook scale cell ("A | B | C") into its labels, in order."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ()
    return tuple(part.strip() for part in str(text).split(SCALE_SEPARATOR) if part.strip())


class CodebookRow(BaseModel):
    """One validated row of the `codebook` sheet: the schema of one `responses` column."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    column: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    kind: Kind
    question: str = Field(min_length=1)
    label: str = Field(min_length=1)
    section: str | None = None
    subsection: str | None = None
    measure: str | None = None
    measure_label: str | None = None
    measure_label_en: str | None = None
    scale: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    dont_know: str | None = None
    order: float | None = None
    question_en: str | None = None
    label_en: str | None = None
    section_en: str | None = None
    subsection_en: str | None = None
    scale_en: tuple[str, ...] = ()

    @field_validator("values", mode="before")
    @classmethod
    def _parse_values(cls, value):
        if isinstance(value, (tuple, list)):
            return tuple(tuple(pair) for pair in value)
        return split_values(value)

    @field_validator("scale", "scale_en", mode="before")
    @classmethod
    def _parse_scale(cls, value):
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return split_scale(value)

    @field_validator("kind", mode="before")
    @classmethod
    def _lower(cls, value):
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("measure", mode="before")
    @classmethod
    def _named_lower(cls, value):
        if isinstance(value, str) and value.strip().lower() in DEFAULT_MEASURE_LABELS:
            return value.strip().lower()
        return value


FIELDS = tuple(CodebookRow.model_fields)
"""Every column the codebook sheet knows (others are reported as a warning)."""

ENGLISH_FIELDS = {"question": "question_en", "label": "label_en", "section": "section_en",
                  "subsection": "subsection_en", "scale": "scale_en"}
"""Each text a reader sees and the codebook column holding its English; a missing English text
falls back to the bokmål one (the validation report says where)."""


def split_values(text) -> tuple[tuple[str, str], ...]:
    """A `values` cell ("1=Helt uenig | 2=Uenig | 9=Vet ikke") as (code, label) pairs; a part
    without "=" is refused by `parse_values`, so here it stays as (part, "")."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ()
    pairs = []
    for part in str(text).split(SCALE_SEPARATOR):
        if not part.strip():
            continue
        code, _, label = part.partition(VALUE_SEPARATOR)
        pairs.append((code.strip(), label.strip()))
    return tuple(pairs)


def parallel_text(text: str, texts: tuple[str, ...], english: tuple[str, ...], language: str) -> str:
    """`text` in the chosen language: its English twin from the parallel list `english` (a
    codebook's `scale_en`), falling back to the text itself."""
    if language == "en" and english and text in texts:
        return english[texts.index(text)] or text
    return text


@dataclass(frozen=True)
class Item:
    """An analysable question (or one multi-select option) with everything needed to count it."""

    id: str
    kind: Kind
    question: str
    label: str
    section: str
    subsection: str
    measure: Measure
    measure_label: str
    categories: tuple[str, ...]
    dont_know: str | None
    order: float
    question_en: str | None = None
    label_en: str | None = None
    measure_set: tuple[str, ...] = ()
    measure_label_en: str | None = None
    section_en: str | None = None
    subsection_en: str | None = None
    categories_en: tuple[str, ...] = ()
    """English answer labels, parallel to `categories` (empty: the labels as they are)."""

    def category_text(self, category: str, language: str = "nb") -> str:
        """An answer label in the chosen language (`scale_en`), falling back to the label itself."""
        return parallel_text(category, self.categories, self.categories_en, language)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def substantive(self) -> tuple[str, ...]:
        """Categories that express a position (everything but "don't know")."""
        return tuple(c for c in self.categories if c != self.dont_know)

    @property
    def measure_categories(self) -> tuple[str, ...]:
        """The categories the headline share counts."""
        if self.measure == "set":
            return self.measure_set
        subs = self.substantive
        if self.measure == "top2":
            return subs[-2:]
        if self.measure == "bottom2":
            return subs[:2]
        if self.measure in ("yes", "selected"):
            return subs[-1:]
        raise ValueError(f"unknown measure {self.measure!r}")

    def measure_text(self, language: str = "nb") -> str:
        """The headline measure's label: the codebook's own (`measure_label_en` in English);
        in English without one, the standard English label of a named measure whose label is
        the default, else the codebook's own label (never the bundled survey's wording)."""
        if language == "en":
            if self.measure_label_en:
                return self.measure_label_en
            if self.measure_label == DEFAULT_MEASURE_LABELS.get(self.measure):
                return DEFAULT_MEASURE_LABELS_EN[self.measure]
        return self.measure_label

    def title(self, language: str = "nb") -> str:
        """Question wording in the chosen language, falling back to Norwegian."""
        if self.kind == "multi_select":
            return self.text("label", language)
        return self.text("question", language)

    def text(self, field_name: str, language: str = "nb") -> str:
        if language == "en":
            english = getattr(self, f"{field_name}_en")
            if english:
                return english
        return getattr(self, field_name)


@dataclass(frozen=True)
class Breakdown:
    """A grouping variable such as municipality or role, with its values in display order."""

    id: str
    label: str
    values: tuple[str, ...]
    label_en: str | None = None
    values_en: tuple[str, ...] = ()
    """English value names, parallel to `values` (empty: the values as they are)."""

    def value_text(self, value: str, language: str = "nb") -> str:
        """A value (e.g. a role) in the chosen language, falling back to the value itself."""
        return parallel_text(value, self.values, self.values_en, language)


@dataclass
class Survey:
    """A loaded, validated survey: codebook, responses (categoricals) and metadata.

    `responses` holds one row per respondent; breakdown and item columns are pandas
    categoricals whose categories are the codebook scale, so counting works on codes and a
    blank (skipped) answer is a missing value (code -1).
    """

    items: dict[str, Item]
    breakdowns: dict[str, Breakdown]
    responses: pd.DataFrame
    meta: dict[str, str]
    id_column: str
    source: str = ""
    codebook: pd.DataFrame = field(default_factory=pd.DataFrame)
    weight: str | None = None
    """The `kind = weight` column (design or post-stratification weights), if any."""

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    @property
    def reconstructed(self) -> bool:
        return str(self.meta.get("reconstructed", "")).strip().lower() in {"true", "1", "ja", "yes"}

    @property
    def invited(self) -> int | None:
        value = self.meta.get("invited")
        try:
            return int(float(value)) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def assumptions(self, language: str = "nb") -> list[str]:
        """The documented assumptions (`assumption_<n>` rows), English ones where asked and given."""
        base = [k for k in self.meta if k.startswith("assumption") and not k.endswith("_en")]
        return [self.meta_text(k, language) for k in base]

    def meta_text(self, key: str, language: str = "nb") -> str:
        """A meta value in the chosen language (`<key>_en` for English), falling back to bokmål."""
        if language == "en" and self.meta.get(f"{key}_en"):
            return self.meta[f"{key}_en"]
        return self.meta.get(key, "")

    def sections(self) -> list[str]:
        """Sections in codebook order (a section of numeric items only is one too)."""
        seen: dict[str, None] = {}
        for item in self.ordered_items(kinds=ITEM_KINDS + NUMERIC_KINDS):
            seen.setdefault(item.section, None)
        return list(seen)

    def ordered_items(self, section: str | None = None, kinds=ITEM_KINDS) -> list[Item]:
        """Items in reading order: sections as they first appear in the codebook, then `order`."""
        section_rank: dict[str, int] = {}
        for item in self.items.values():
            section_rank.setdefault(item.section, len(section_rank))
        items = [i for i in self.items.values() if i.kind in kinds]
        if section is not None:
            items = [i for i in items if i.section == section]
        position = {item_id: n for n, item_id in enumerate(self.items)}
        return sorted(items, key=lambda i: (section_rank[i.section], i.order, position[i.id]))

    def english_gaps(self) -> dict[str, list[str]]:
        """Where a text a reader sees has no English: `{codebook column: [survey columns]}`, e.g.
        `{"scale_en": ["rolle"]}`. The English interface shows the bokmål text there."""
        gaps: dict[str, list[str]] = {}

        def lacks(field_name: str, column: str, missing: bool) -> None:
            if missing:
                gaps.setdefault(field_name, []).append(column)

        for b in self.breakdowns.values():
            lacks("label_en", b.id, not b.label_en)
            lacks("scale_en", b.id, bool(b.values) and not b.values_en)
        for item in self.items.values():
            lacks("question_en", item.id, not item.question_en)
            lacks("label_en", item.id, not item.label_en)
            lacks("section_en", item.id, bool(item.section) and not item.section_en)
            lacks("subsection_en", item.id, bool(item.subsection) and not item.subsection_en)
            if item.kind in SCALED_KINDS:
                lacks("scale_en", item.id, not item.categories_en)
            custom = item.measure_label and item.measure_label != DEFAULT_MEASURE_LABELS.get(item.measure)
            lacks("measure_label_en", item.id, bool(custom) and not item.measure_label_en)
        return gaps

    def numeric_items(self, section: str | None = None) -> list[Item]:
        """The numeric items (`kind = numeric`) in reading order."""
        return self.ordered_items(section, kinds=NUMERIC_KINDS)

    def question_groups(self, section: str | None = None) -> dict[str, list[Item]]:
        """Multi-select options grouped by their common question, in codebook order."""
        groups: dict[str, list[Item]] = {}
        for item in self.ordered_items(section, kinds=("multi_select",)):
            groups.setdefault(item.question, []).append(item)
        return groups

    def subset(self, mask: pd.Series) -> "Survey":
        """The same survey restricted to the respondents where `mask` is true."""
        return Survey(
            items=self.items,
            breakdowns=self.breakdowns,
            responses=self.responses.loc[mask.to_numpy()],
            meta=self.meta,
            id_column=self.id_column,
            source=self.source,
            codebook=self.codebook,
            weight=self.weight,
        )

    def filter(self, **selected: list[str] | tuple[str, ...] | None) -> "Survey":
        """Keep respondents whose breakdown values are among the selected ones.

        `survey.filter(kommune=["Grong"], rolle=None)` keeps Grong, every role. An empty or
        None selection means "all".
        """
        mask = pd.Series(True, index=self.responses.index)
        for column, values in selected.items():
            if column not in self.breakdowns:
                raise KeyError(f"unknown breakdown {column!r}")
            if values:
                mask &= self.responses[column].isin(list(values))
        return self.subset(mask)
