"""A table as a page offers it: shown as text (`static_table`), and as download buttons, the one
way a page offers a file (its MIME type from `exports.charts.MIME`).

A button's file is made only when it is clicked (`make` may be a function, called then in a
worker thread): a page shows a dozen charts, and an image or a deck takes Chromium time.
Clicking reruns nothing (`on_click="ignore"`). Likewise a table and its buttons under a chart
are made only once their expander is opened (`opened`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from exports.charts import MIME
from exports.tables import screen_csv
from report import tables


def download(label: str, make: bytes | Callable[[], bytes], file_name: str, kind: str, key: str | None = None,
             icon: str = ":material/download:", container=st) -> None:
    """A download button for a file of `kind` (a key of `MIME`)."""
    container.download_button(label, make, file_name=file_name, mime=MIME[kind], key=key or f"{kind}-{file_name}",
                              on_click="ignore", icon=icon)


def csv_download(label: str, frame: pd.DataFrame, file_name: str, language: str, key: str | None = None) -> None:
    """A table as a formula-safe CSV with the rows and columns shown (`exports.tables.screen_csv`)."""
    download(label, lambda: screen_csv(frame, language), file_name, "csv", key)


def static_table(frame: pd.DataFrame) -> None:
    """`st.table`, whose cells and headers are Markdown: every one shown as its text."""
    st.table(tables.as_markdown(frame), hide_index=True, border="horizontal")


def opened(label: str, key: str, icon: str):
    """An expander whose content is made only while it is open: the expander if it is open,
    else None. Opening it reruns the page (Streamlit's lazy expander, `on_change="rerun"`); it
    stays open across filter changes and page visits of the session."""
    box = st.expander(label, icon=icon, key=key, on_change="rerun")
    return box if box.open else None
