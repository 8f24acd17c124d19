"""The dashboard's pages, in menu order. To add a page, add one `PageEntry` where it belongs.

Each entry names its script in `pages/`, its title (a catalogue key, so it follows the
language), its address and icon. The order follows the report: overview, experiences,
opportunities, then the workshop's priorities; the explorer and the data page come after.

The codebook decides the section pages: an entry with a `section` is in the menu only when
the survey has that section (an old link still opens it and says so), and every other
section of the survey gets a page of its own after them — so another survey's sections are
all visible without code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from functools import partial

import streamlit as st

from analysis.codebook import Survey
from analysis.load import BUNDLED_WORKBOOK
from analysis.safe_text import markdown
from report.labels import section_title
from report.strings import t


@dataclass(frozen=True)
class PageEntry:
    script: str  # path relative to app.py
    title_key: str  # i18n key of the menu title
    url_path: str  # address: http://host/<url_path>
    icon: str
    default: bool = False
    visibility: str = "visible"  # "hidden": reachable by its link, not in the menu
    section: str | None = None  # the codebook section the page shows, if it is a section page
    pools_rounds: bool = False  # counts every row of the survey, so several rounds together
    room: bool = False  # the workshop room (phone, projector): its own frame, no sidebar or survey banner
    workshop: bool = False  # shows the bundled survey's workshop: in the menu only with that survey
    survey_filters: bool = True  # False for a workshop page: the survey's filters and groupings mean nothing there


PAGES: list[PageEntry] = [
    PageEntry("pages/oversikt.py", "ui.page.oversikt.title", "oversikt", ":material/dashboard:", default=True,
              pools_rounds=True),
    PageEntry("pages/erfaringer.py", "ui.page.erfaringer.title", "erfaringer", ":material/history:",
              section="erfaringer", pools_rounds=True),
    PageEntry("pages/mulighetsrom.py", "ui.page.mulighetsrom.title", "mulighetsrom", ":material/lightbulb:",
              section="mulighetsrom", pools_rounds=True),
    PageEntry("pages/prioriteringer.py", "ui.page.prioriteringer.title", "prioriteringer", ":material/grid_view:",
              survey_filters=False, workshop=True),
    PageEntry("pages/verksted_fasilitator.py", "ui.page.verksted_fasilitator.title", "verksted_fasilitator",
              ":material/groups:", survey_filters=False, workshop=True),
    PageEntry("pages/verksted.py", "ui.page.verksted.title", "verksted", ":material/edit_note:", visibility="hidden",
              room=True),
    PageEntry("pages/verksted_visning.py", "ui.page.verksted_visning.title", "verksted_visning", ":material/tv:",
              visibility="hidden", room=True),
    PageEntry("pages/utforsk.py", "ui.page.utforsk.title", "utforsk", ":material/query_stats:", pools_rounds=True),
    PageEntry("pages/utvikling.py", "ui.page.utvikling.title", "utvikling", ":material/timeline:"),
    # Data (upload your own survey) goes last.
    PageEntry("pages/data.py", "ui.page.data.title", "data", ":material/upload_file:"),
]


def pages(language: str, survey: Survey | None = None,
          section_page: Callable[[str], None] | None = None) -> list[st.Page]:
    """The entries as `st.Page` objects with titles in `language`, for `st.navigation`; with a
    `survey`, its sections decide the section pages (see the module's docstring), each drawn by
    `section_page(section)` (`dashboard.layout.section_page`, handed in by `app.py`: the page
    body sits above this list)."""
    sections = survey.sections() if survey is not None else None
    other_survey = survey is not None and Path(survey.source or "") != BUNDLED_WORKBOOK
    result = []
    for entry in PAGES:
        hidden = (entry.section is not None and sections is not None and entry.section not in sections) \
            or (entry.workshop and other_survey)
        result.append(st.Page(entry.script, title=t(entry.title_key, language), icon=entry.icon, url_path=entry.url_path,
                              default=entry.default, visibility="hidden" if hidden else entry.visibility))
        if entry is LAST_SECTION_ENTRY and sections and section_page is not None:
            result += extra_section_pages(sections, language, section_page, survey)
    return result


LAST_SECTION_ENTRY = [entry for entry in PAGES if entry.section][-1]


def pools_rounds(page: st.Page) -> bool:
    """Whether `page` counts the survey's rows as they are — several rounds together (then it
    says so); a page that is no entry is one of the survey's own section pages."""
    path = page.url_path
    entry = next((e for e in PAGES if e.url_path == path or (e.default and path == "")), None)
    return entry.pools_rounds if entry else True


def has_survey_filters(page: st.Page) -> bool:
    """Whether the sidebar shows the survey's filters and groupings on `page` (not on a workshop page)."""
    path = page.url_path
    return not any(not e.survey_filters for e in PAGES if e.url_path == path)


def is_room(page: st.Page) -> bool:
    """Whether `page` is one of the workshop room's (drawn without the dashboard's frame)."""
    path = page.url_path
    return any(e.room for e in PAGES if e.url_path == path)


def extra_section_pages(sections: list[str], language: str, section_page: Callable[[str], None],
                        survey: Survey | None = None) -> list[st.Page]:
    """A page for each section no entry shows, titled by the section's own name."""
    known = {entry.section for entry in PAGES if entry.section}
    taken = {entry.url_path for entry in PAGES}
    pages_ = []
    for section in sections:
        if section in known or not section:
            continue
        path = section_url_path(section, taken)
        taken.add(path)
        # The menu renders a title as Markdown: the section's name (from the file) is escaped.
        pages_.append(st.Page(partial(section_page, section), title=markdown(section_title(section, language, survey)),
                              url_path=path, icon=":material/topic:"))
    return pages_


def section_url_path(section: str, taken: set[str]) -> str:
    """An address for a section page: ASCII letters, digits and "-" ("Skolemiljø" → "skolemiljo"),
    never one an entry already uses."""
    ascii_text = unicodedata.normalize("NFKD", section.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.encode("ascii", "ignore").decode()).strip("-") or "seksjon"
    path, n = slug, 2
    while path in taken:
        path, n = f"{slug}-{n}", n + 1
    return path
