"""Colours and layout defaults: one place, so every page and every export looks the same.

Categorical colours: each breakdown has its own palette, so no colour means two things — the
default comparison (role: Administrasjon, Folkevalgte) takes Okabe–Ito's blue and orange, the
unit (municipality) Paul Tol's "muted" green, wine, sand and teal; a third breakdown Tol's
"dark" set. All three are safe for the common colour-vision deficiencies, and no hue of one is
near a hue of another (Okabe–Ito's sky blue and vermillion are left out: they read as the
role's blue and orange). Each value of each breakdown gets one colour for the whole app —
Administrasjon is the same blue on every page — assigned from the codebook in value order, so a
new survey gets its own consistent colours without code (a palette that runs out repeats).
Answer scales use ColorBrewer's RdBu (diverging, colour-blind safe) with a grey middle.
No Streamlit here: figures and exports import this module.
"""

from __future__ import annotations

from itertools import cycle

from analysis.codebook import Survey

# Okabe & Ito (2008) for the default comparison (role), without black and yellow (too dark /
# too light for bars on white) and without sky blue and vermillion (kept apart from blue, orange).
ROLE_PALETTE = ("#0072B2", "#E69F00", "#CC79A7", "#009E73")  # blue, orange, reddish purple, bluish green
# Paul Tol's "muted" scheme for the unit (municipality), without its indigo and cyan (near the
# role's blue) and rose (near orange and purple).
UNIT_PALETTE = ("#117733", "#882255", "#DDCC77", "#44AA99", "#999933", "#AA4499")  # green, wine, sand, teal, olive, purple
# Any further breakdown: Paul Tol's "dark" scheme.
OTHER_PALETTE = ("#222255", "#225555", "#225522", "#666633", "#663333")
PALETTES = (ROLE_PALETTE, UNIT_PALETTE, OTHER_PALETTE)
CATEGORICAL = ROLE_PALETTE + UNIT_PALETTE + OTHER_PALETTE  # every categorical colour, in order
TOTAL_COLOUR = "#4A5866"  # one bar for everyone
REST_COLOUR = "#A3ABB3"  # "the rest of the region" in a my-municipality comparison
TEXT_COLOUR = "#1F2933"
MUTED_TEXT = "#5C6670"
GRID_COLOUR = "#E4E7EB"
FOCUS_COLOUR = "#0B5C8E"  # keyboard focus ring: 7.0:1 on white
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

# Streamlit ships its sans-serif font as "Source Sans" (the app's body text): charts name it first.
FONT_FAMILY = '"Source Sans", "Source Sans 3", "Source Sans Pro", "Helvetica Neue", Arial, sans-serif'


def breakdown_order(survey: Survey) -> list[str]:
    """Breakdowns in colouring order: the default comparison (the second breakdown, e.g. role)
    first so it gets the clearest colours, then the unit (e.g. municipality), then the rest."""
    names = list(survey.breakdowns)
    return names[1:2] + names[:1] + names[2:]


def breakdown_colours(survey: Survey) -> dict[str, dict[str, str]]:
    """`{breakdown: {value: colour}}`, values in codebook order, each breakdown from its own
    palette (`PALETTES`, in `breakdown_order`), so a colour names one breakdown's value."""
    colours = {}
    for position, name in enumerate(breakdown_order(survey)):
        palette = cycle(PALETTES[min(position, len(PALETTES) - 1)])
        colours[name] = {value: next(palette) for value in survey.breakdowns[name].values}
    return colours


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
