"""Colours and layout defaults: one place, so every page and every export looks the same.

Categorical colours are Okabe–Ito (safe for the common colour-vision deficiencies), extended
with Paul Tol's "muted" set when a survey has more groups than that. Each value of each
breakdown gets one colour for the whole app — Administrasjon is the same blue on every page —
assigned from the codebook, so a new survey gets its own consistent colours without code.
Answer scales use ColorBrewer's RdBu (diverging, colour-blind safe) with a grey middle.
No Streamlit here: figures and exports import this module.
"""

from __future__ import annotations

from itertools import cycle

from analysis.codebook import Survey

# Okabe & Ito (2008), without black and yellow (too dark / too light for bars on white),
# in the order the groups are coloured; then Paul Tol's "muted" scheme.
CATEGORICAL = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#CC6677", "#AA4499", "#882255",
)
TOTAL_COLOUR = "#4A5866"  # one bar for everyone
REST_COLOUR = "#A3ABB3"  # "the rest of the region" in a my-municipality comparison
TEXT_COLOUR = "#1F2933"
MUTED_TEXT = "#5C6670"
GRID_COLOUR = "#E4E7EB"
WHISKER_COLOUR = "#1F2933"

# ColorBrewer RdBu: the low end of a scale red, the high end blue, the middle grey.
NEGATIVE = ("#F4A582", "#D6604D", "#B2182B", "#67001F")  # from the middle outwards
POSITIVE = ("#92C5DE", "#4393C3", "#2166AC", "#053061")
NEGATIVE_PAIR = ("#F4A582", "#CA0020")  # the usual five-point scale: liten, svært liten
POSITIVE_PAIR = ("#92C5DE", "#0571B0")  # stor, svært stor
NEUTRAL = "#D4D4D4"
DONT_KNOW = "#9E9E9E"
BLANK = "#D9D9D9"
LIGHT_FILLS = {*NEGATIVE[:1], *POSITIVE[:1], NEUTRAL, BLANK}

FONT_FAMILY = '"Source Sans 3", "Source Sans Pro", "Helvetica Neue", Arial, sans-serif'


def breakdown_order(survey: Survey) -> list[str]:
    """Breakdowns in colouring order: the default comparison (the second breakdown, e.g. role)
    first so it gets the clearest colours, then the unit (e.g. municipality), then the rest."""
    names = list(survey.breakdowns)
    return names[1:2] + names[:1] + names[2:]


def breakdown_colours(survey: Survey) -> dict[str, dict[str, str]]:
    """`{breakdown: {value: colour}}`, values in codebook order, no colour used twice while
    the palette lasts."""
    palette = cycle(CATEGORICAL)
    return {name: {value: next(palette) for value in survey.breakdowns[name].values} for name in breakdown_order(survey)}


def scale_colours(negative: int, neutral: bool, positive: int) -> tuple[list[str], str | None, list[str]]:
    """Diverging colours for an answer scale: (low side from the middle outwards, middle, high side
    from the middle outwards)."""
    def side(count: int, pair: tuple[str, str], steps: tuple[str, ...]) -> list[str]:
        return list(pair) if count == 2 else [steps[min(i, len(steps) - 1)] for i in range(count)]

    low, high = side(negative, NEGATIVE_PAIR, NEGATIVE), side(positive, POSITIVE_PAIR, POSITIVE)
    return low, (NEUTRAL if neutral else None), high


def text_colour_on(fill: str) -> str:
    """Dark text on light fills, white on dark ones."""
    return TEXT_COLOUR if fill in LIGHT_FILLS else "#FFFFFF"
