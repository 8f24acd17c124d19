"""Text from a file is data: the one place that makes it safe for where it is shown or written.

A survey's questions, labels, sections, meta text, answers and file names come from whoever
made the file. Shown on a page they must read as the literal text, never as markup; written
to a spreadsheet they must stay text, never become a formula. Three targets, three functions:

- `markdown(text)` — for everything Streamlit renders as Markdown: `st.markdown`, captions,
  alerts, headers, widget labels, `st.table` cells. Every ASCII punctuation character is
  backslash-escaped (CommonMark allows that for each of them), which leaves no link, image,
  emphasis, heading, list, HTML tag, entity, `:material/…:` or `:red[…]` directive or `$…$`
  formula; a bare URL or e-mail address gets an invisible word joiner after its scheme (or
  "www", or "@"), which GFM's autolinking — done after escapes are read — does not see past;
  line breaks stay line breaks, without starting a new block.
- `plotly(text)` — for chart titles, hover text, tick labels and legend entries: Plotly reads
  a subset of HTML there (`<a href>`, `<b>`, `<span style>`, entities), so `&`, `<` and `>`
  become entities that it shows as the characters.
- `spreadsheet(value)` — for every CSV and XLSX cell the product writes: text starting with
  `=`, `+`, `-`, `@`, tab or carriage return gets a leading apostrophe, so a spreadsheet shows
  it instead of running it (OWASP "CSV injection"); numbers stay numbers.

Templates from the string catalogue are trusted Markdown; only the values put into them pass
through here (`report.strings.markdown_t` does both at once).
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any


_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# GitHub-flavoured Markdown links bare URLs and e-mail addresses *after* escapes are read, so
# those are broken by an invisible word joiner after the scheme, the "www" or the "@".
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(?=[:.])|(?<=\w)(@)(?=[\w-]+\.)")
WORD_JOINER = "\u2060"
_LINE_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def markdown(value: Any) -> str:
    """`value` as Markdown that renders as exactly its text (None → "")."""
    if value is None:
        return ""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + WORD_JOINER, str(value))
    text = _PUNCTUATION.sub(r"\\\1", text)
    # A line break inside a paragraph: no blank line (a new block), no indentation (code).
    return _LINE_BREAKS.sub("  \n", text.strip())


def plotly(value: Any) -> str:
    """`value` as Plotly text that shows exactly its characters (None → "")."""
    if value is None:
        return ""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def spreadsheet(value: Any) -> Any:
    """A cell a spreadsheet cannot run: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_frame(frame):
    """A copy of a table whose headers and text cells go through `spreadsheet`."""
    import pandas as pd

    escaped = frame.copy()
    escaped.columns = [spreadsheet(str(c)) for c in escaped.columns]
    for position in range(escaped.shape[1]):
        column = escaped.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column) or isinstance(column.dtype, pd.CategoricalDtype):
            escaped.isetitem(position, column.astype(object).map(spreadsheet))
    return escaped


def visible(value: Any) -> str:
    """Text with its invisible characters named (`Aby<U+0000>`), for messages about a value."""
    text = "" if value is None else str(value)
    if not any(_invisible(character) for character in text):
        return text
    return "".join(f"<U+{ord(c):04X}>" if _invisible(c) else c for c in text)


def _invisible(character: str) -> bool:
    return character not in "\t\n" and unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp")
