"""The dashboard's pages, in menu order. To add a page, add one `PageEntry` where it belongs.

Each entry names its script in `pages/`, its title (a catalogue key, so it follows the
language), its address and icon. The order follows the report: overview, experiences,
opportunities, then the workshop's priorities; the explorer and the data page come after.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analysis.i18n import t


@dataclass(frozen=True)
class PageEntry:
    script: str  # path relative to app.py
    title_key: str  # i18n key of the menu title
    url_path: str  # address: http://host/<url_path>
    icon: str
    default: bool = False
    visibility: str = "visible"  # "hidden": reachable by its link, not in the menu


PAGES: list[PageEntry] = [
    PageEntry("pages/oversikt.py", "ui.page.oversikt.title", "oversikt", ":material/dashboard:", default=True),
    PageEntry("pages/erfaringer.py", "ui.page.erfaringer.title", "erfaringer", ":material/history:"),
    PageEntry("pages/mulighetsrom.py", "ui.page.mulighetsrom.title", "mulighetsrom", ":material/lightbulb:"),
    PageEntry("pages/prioriteringer.py", "ui.page.prioriteringer.title", "prioriteringer", ":material/grid_view:"),
    PageEntry("pages/verksted_fasilitator.py", "ui.page.verksted_fasilitator.title", "verksted_fasilitator",
              ":material/groups:"),
    PageEntry("pages/verksted.py", "ui.page.verksted.title", "verksted", ":material/edit_note:", visibility="hidden"),
    PageEntry("pages/verksted_visning.py", "ui.page.verksted_visning.title", "verksted_visning", ":material/tv:",
              visibility="hidden"),
    PageEntry("pages/utforsk.py", "ui.page.utforsk.title", "utforsk", ":material/query_stats:"),
    # Data (upload your own survey) goes last.
]


def pages(language: str) -> list[st.Page]:
    """The entries as `st.Page` objects with titles in `language`, for `st.navigation`."""
    return [st.Page(entry.script, title=t(entry.title_key, language), icon=entry.icon, url_path=entry.url_path,
                    default=entry.default, visibility=entry.visibility) for entry in PAGES]
