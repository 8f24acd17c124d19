"""Sections of the repository's documentation, for pages that point a user to them.

The app has no documentation site to link to, so a page that says "see docs/data-format.md,
section Survey rounds" shows that section itself (in an expander). Reading it from the file
keeps the page and the documentation the same text. No Streamlit here.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
DATA_FORMAT = DOCS / "data-format.md"


def section(heading: str, path: Path = DATA_FORMAT) -> str:
    """The Markdown under `## heading` up to the next heading of the same or a higher level
    ("" if the file or the heading is missing — a page then shows its own short text only)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", text, flags=re.M)
    if not match:
        return ""
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[:end.start() if end else len(rest)].strip()


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading ("Survey rounds" → "survey-rounds"), for references in text."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
