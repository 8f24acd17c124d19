"""Number formatting per language — the only place where a decimal comma is produced.

Bokmål: `12,5 %` and `1 234` (non-breaking space as thousands separator and before `%`);
English: `12.5%` and `1,234`. Plotly charts use the matching `separators` string.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
PLOTLY_SEPARATORS = {"nb": ", ", "en": ".,"}  # decimal then thousands separator


def _is_missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def format_number(value, language: str = "nb", decimals: int = 0) -> str:
    """`9876.5` → `9 876,5` (nb) or `9,876.5` (en); empty string for a missing value."""
    if _is_missing(value):
        return ""
    rounded = round(float(value), decimals) + 0.0  # −0.04 → "0.0", never "−0.0"
    text = f"{rounded if rounded != 0 else 0.0:,.{decimals}f}"
    if language == "nb":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", NBSP)
        text = text.replace("-", "\u2212") if text.startswith("-") else text
    return text


def format_pct(value, language: str = "nb", decimals: int = 1) -> str:
    """A value already in percent: `12.5` → `12,5 %` (nb) or `12.5%` (en)."""
    if _is_missing(value):
        return ""
    number = format_number(value, language, decimals)
    return f"{number}{NBSP}%" if language == "nb" else f"{number}%"


def format_share(value, language: str = "nb", decimals: int = 1) -> str:
    """A proportion 0–1 as a percentage string."""
    return "" if _is_missing(value) else format_pct(float(value) * 100, language, decimals)


def plotly_separators(language: str = "nb") -> str:
    return PLOTLY_SEPARATORS.get(language, PLOTLY_SEPARATORS["nb"])
