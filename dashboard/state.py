"""The view: what the sidebar says — filters, groups, display options, language — kept in the URL.

Every control is a widget bound to a query parameter (`bind="query-params"`), so a copied link
opens the same page with the same view. Streamlit drops a URL value that is not one of the
widget's options and uses the default; `sidebar()` notices such values first and tells the
user. The filters and groupings are built from the codebook's breakdowns, so another survey
gets its own controls without code.

Parameters: `lang`, one per breakdown (`kommune`, `rolle`: repeatable), `inndeling`
(grouping), `fokus` (my municipality vs the rest), `visning` (headline or distribution),
`nevner` (denominator); page controls such as Utforsk's `sporsmal` use `bound_selectbox`;
`presentasjon` and `lysbilde` belong to presentation mode (`dashboard.presentation`).
A bound widget keeps the option's label in the URL, as shown in the chosen language:
`?lang=English&inndeling=Municipality`, `?kommune=Grong&kommune=Lierne&visning=Hele+svarfordelingen`.
A parameter at its default is left out. A link may also name the language, grouping and
display by stable codes — `?lang=en`, `?inndeling=kommune+rolle` (`total` for none),
`?visning=distribution` (`report.view.breakdown_code`); they open the same view, and the link
then carries the label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from analysis.aggregate import DENOMINATORS
from analysis.codebook import Survey
from analysis.i18n import DEFAULT_LANGUAGE, LANGUAGES
from report.strings import markdown_t, t
from analysis.safe_text import markdown
from report.labels import breakdown_label, value_label
from report.view import (DISPLAYS, View, breakdown_code, breakdown_options, default_breakdown, option_for_code,
                         unit_and_group, view_for)

from report.keys import (BREAKDOWN_KEY, DENOMINATOR_KEY, DISPLAY_KEY, EXPLORE_ITEM_KEY, FOCUS_KEY, LANGUAGE_KEY,
                         NOTICES_KEY, PRESENTATION_PARAM, SECTOR_KEY, SLIDE_PARAM, TOGGLE_KEY)
from report import keys
PRESENTATION_ON = ("1", "true", "ja")
# Widgets whose option labels depend on the language: when the language changes, their value
# is written back so the URL carries the label in the new language (see `_relabel`).
RELABEL_KEYS = (BREAKDOWN_KEY, FOCUS_KEY, DISPLAY_KEY, DENOMINATOR_KEY, EXPLORE_ITEM_KEY, SECTOR_KEY)


# ------------------------------------------------------------------------------ options


def breakdown_text(survey: Survey, option: Sequence[str], language: str) -> str:
    if not option:
        return t("ui.breakdown.total", language)
    names = [breakdown_label(survey, column, language) for column in option]
    return " × ".join([names[0], *(name.lower() for name in names[1:])])


def filter_key(survey: Survey, column: str) -> str:
    """URL parameter of a breakdown's filter (`report.keys.filter_key`)."""
    return keys.filter_key(column)


# ------------------------------------------------------------------------------ widgets


def _notice(key: str, label: str, values: Sequence[str]) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append((key, label, tuple(values)))


def _check_url(key: str, label: str, allowed: Sequence[str], multiple: bool = False) -> None:
    """Remember URL values Streamlit is about to drop (not one of the options) for a notice.

    Only before the widget's first run in the session: that is when Streamlit reads the URL;
    later the server's copy of the URL may lag behind (e.g. a label from before a language switch).
    """
    if key in st.session_state or key not in st.query_params:
        return
    values = st.query_params.get_all(key)
    wrong = [v for v in values if v not in allowed] if multiple else [v for v in values[-1:] if v not in allowed]
    if wrong:
        _notice(key, label, wrong)


def accept_code(key: str, options: Sequence, format_func: Callable[[object], str], code_of=str) -> None:
    """A link may name an option by its stable code (`?inndeling=kommune+rolle`, `?visning=distribution`)
    as well as by its label: before the widget's first run, a code becomes the widget's value and
    the link gets the label the widget keeps there (as `?lang=en` does)."""
    if key in st.session_state or key not in st.query_params:
        return
    value = st.query_params.get(key)
    if value in [format_func(option) for option in options]:
        return  # a label: the widget reads it itself
    option = option_for_code(options, value, code_of)
    if option is not None:
        st.session_state[key] = option
        st.query_params[key] = format_func(option)


def bound_selectbox(container, label: str, options: Sequence, key: str, format_func: Callable[[object], str],
                    index: int = 0, **kwargs):
    """A selectbox bound to the URL parameter `key`, with a notice for a value it cannot use."""
    _check_url(key, label, [format_func(option) for option in options])
    return container.selectbox(label, options, key=key, format_func=format_func, bind="query-params",
                               **_default(key, index), **kwargs)


def bound_radio(container, label: str, options: Sequence, key: str, format_func: Callable[[object], str],
                index: int = 0, **kwargs):
    """A radio group bound to the URL parameter `key`, with a notice for a value it cannot use."""
    _check_url(key, label, [format_func(option) for option in options])
    return container.radio(label, options, key=key, format_func=format_func, bind="query-params",
                           **_default(key, index), **kwargs)


def _default(key: str, index: int) -> dict:
    """The widget's default, only while its value is not yet in the session: a default given
    with a value set through Session State (a language switch's `_relabel`) makes Streamlit warn."""
    return {} if key in st.session_state else {"index": index}


def bound_multiselect(container, label: str, options: Sequence[str], key: str, shown_label: str | None = None,
                      **kwargs) -> list[str]:
    """A multiselect bound to the repeatable URL parameter `key`; unknown values get a notice.
    `shown_label` is the label as drawn (file text escaped for Markdown), `label` the plain one
    the notice names. With a `format_func` the link holds the labels it gives (as a bound
    selectbox's does)."""
    shown = kwargs.get("format_func") or str
    _check_url(key, label, [shown(option) for option in options], multiple=True)
    return container.multiselect(shown_label or label, list(options), key=key, bind="query-params", **kwargs)


def requested_language() -> str:
    """The language this run will be drawn in, before any control is drawn: the language
    switch's value, else the link's `lang` — its code (`en`, `nb`) or its label — else bokmål
    (the menu needs it first)."""
    value = st.session_state.get(LANGUAGE_KEY)
    if value in LANGUAGES:
        return value
    label = st.query_params.get(LANGUAGE_KEY)
    if label in LANGUAGES:  # a stable code (`?lang=en`): the switch starts there, the link gets its label
        st.session_state[LANGUAGE_KEY] = label
        st.query_params[LANGUAGE_KEY] = LANGUAGES[label]
        return label
    return next((code for code, name in LANGUAGES.items() if name == label), DEFAULT_LANGUAGE)


def _relabel(extra: Sequence[str] = ()) -> None:
    """After a language change, write each language-dependent value back to its widget so the
    URL gets the label in the new language (otherwise a copied link would hold the old label,
    which the new language does not know, and fall back to the default). `extra`: the
    breakdown filters (their values are named per language too)."""
    for key in (*RELABEL_KEYS, *extra):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sidebar(survey: Survey, survey_filters: bool = True) -> View:
    """Draw the shared controls in the sidebar and return the view they describe; without
    `survey_filters` (a workshop page) only the language, and the survey's default view."""
    st.session_state[NOTICES_KEY] = []
    filters_box = st.sidebar.container()
    display_box = st.sidebar.container()
    language_box = st.sidebar.container()
    # The language goes first (it labels everything else) but sits last in the sidebar.
    language = bound_selectbox(language_box, t("ui.language.label"), list(LANGUAGES), LANGUAGE_KEY,
                               lambda code: LANGUAGES[code], index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
                               on_change=_relabel, args=(tuple(filter_key(survey, c) for c in survey.breakdowns),))
    if not survey_filters:
        return view_for(survey, language=language)
    names = list(survey.breakdowns)
    unit = unit_and_group(survey)[0]

    filters_box.subheader(t("ui.sidebar.filters", language))
    filters = []
    for column in names:
        label = breakdown_label(survey, column, language)
        chosen = bound_multiselect(filters_box, label, survey.breakdowns[column].values, filter_key(survey, column),
                                   placeholder=t("ui.filter.all", language), shown_label=markdown(label),
                                   format_func=lambda value, c=column: value_label(survey, c, value, language))
        filters.append((column, tuple(chosen)))

    display_box.subheader(t("ui.sidebar.view", language))
    options = breakdown_options(survey)
    breakdown_format = lambda option: markdown(breakdown_text(survey, option, language))  # noqa: E731 radio options are Markdown
    accept_code(BREAKDOWN_KEY, options, breakdown_format, breakdown_code)
    breakdown = bound_radio(display_box, t("ui.breakdown.label", language), options, BREAKDOWN_KEY, breakdown_format,
                            index=options.index(default_breakdown(survey)))
    region = survey.meta.get("region") or t("ui.focus.region_default", language)
    focus = bound_selectbox(display_box, markdown_t("ui.focus.label", language,
                                                    unit=breakdown_label(survey, unit, language).lower(), region=region),
                            [None, *survey.breakdowns[unit].values], FOCUS_KEY,
                            lambda value: t("ui.focus.none", language) if value is None else value_label(survey, unit, value, language),
                            help=markdown_t("ui.focus.help", language, region=region),
                            placeholder=t("ui.focus.none", language))
    if focus is not None and any(values for column, values in filters if column == unit):
        filters_box.caption(markdown_t("ui.focus.filter_ignored", language,
                                       unit=breakdown_label(survey, unit, language).lower()))
    accept_code(DISPLAY_KEY, DISPLAYS, lambda value: t(f"ui.display.{value}", language))
    display = bound_radio(display_box, t("ui.display.label", language), DISPLAYS, DISPLAY_KEY,
                          lambda value: t(f"ui.display.{value}", language))
    denominator = bound_radio(display_box, t("ui.denominator.label", language), DENOMINATORS, DENOMINATOR_KEY,
                              lambda value: t(f"denominator.{value}", language), help=t("ui.denominator.help", language))
    return View(language=language, filters=tuple(filters), breakdown=tuple(breakdown), focus=focus, unit=unit,
                display=display, denominator=denominator)


def url_notices(language: str) -> list[str]:
    """Messages about URL values that could not be used, each given once (the list is emptied)."""
    pending = st.session_state.get(NOTICES_KEY, [])
    st.session_state[NOTICES_KEY] = []
    return [markdown_t("ui.notice.bad_param", language, label=label, value=", ".join(values)) for _, label, values in pending]


# ------------------------------------------------------------------ presentation mode's toggle


def active() -> bool:
    """Whether the link asks for presentation mode (`dashboard.presentation` draws it)."""
    return str(st.query_params.get(PRESENTATION_PARAM, "")).lower() in PRESENTATION_ON


def _toggled() -> None:
    if st.session_state.get(TOGGLE_KEY):
        st.query_params[PRESENTATION_PARAM] = "1"
    else:
        leave()


def leave() -> None:
    """Back to the page (the link loses the presentation parameters, keeps the filters)."""
    for key in (PRESENTATION_PARAM, SLIDE_PARAM):
        if key in st.query_params:
            del st.query_params[key]


def sidebar_toggle(language: str) -> bool:
    """The sidebar's presentation toggle; returns whether presentation mode is on. The link is
    the truth (the toggle follows it), so a copied link opens the presentation."""
    st.session_state[TOGGLE_KEY] = active()
    st.sidebar.toggle(t("ui.presentation.toggle", language), key=TOGGLE_KEY, on_change=_toggled,
                      help=t("ui.presentation.help", language))
    return active()
