"""The document's language and Streamlit's own widget texts, in the chosen language.

Streamlit 1.67 has no API for `<html lang>` and writes a few texts of its own in English: the
skip link ("Skip to main content"), the file uploader's button, size line and "Clear all",
a selectbox's "Choose an option" and "No results". One small script (ours, no file text in it)
sets `document.documentElement.lang` to `nb` or `en` and puts our catalogue's words
(`ui.streamlit.*`) in place of those texts, again whenever Streamlit redraws them (a
MutationObserver; it changes a text node's value, never the nodes React owns). What stays
English is listed in docs/i18n.md.
"""

from __future__ import annotations

import json

import streamlit as st

from report.strings import t

#: Streamlit's own English texts (exact text nodes) and the catalogue key of ours for each.
TEXTS = {
    "Skip to main content": "ui.streamlit.skip",
    "Upload": "ui.streamlit.upload",
    "Browse files": "ui.streamlit.browse",
    "Drag and drop files here": "ui.streamlit.drag",
    "Clear all": "ui.streamlit.clear_all",
    "No results": "ui.streamlit.no_results",
    "Show more": "ui.streamlit.show_more",
    "Show less": "ui.streamlit.show_less",
}
#: Placeholders Streamlit gives a selectbox / multiselect without one of ours.
PLACEHOLDERS = {"Choose an option": "ui.streamlit.choose", "Choose options": "ui.streamlit.choose_many"}
#: Where Streamlit's texts sit (nothing else on the page is touched).
SCOPE = ('[data-testid="stSkipToContent"], [data-testid="stFileUploader"], [data-testid="stSelectbox"], '
         '[data-testid="stMultiSelect"], [data-baseweb="popover"], [role="listbox"]')

SCRIPT = """<script>
(() => {
  const config = %s;
  const apply = () => {
    if (document.documentElement.lang !== config.language) document.documentElement.lang = config.language;
    for (const scope of document.querySelectorAll(config.scope)) {
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.nodeValue.trim();
        let shown = config.texts[text];
        if (shown === undefined && text.endsWith(" per file")) shown = text.replace(/ per file$/, " " + config.perFile);
        if (shown !== undefined && shown !== text) node.nodeValue = node.nodeValue.replace(text, shown);
      }
      for (const input of scope.querySelectorAll("input[placeholder]")) {
        const shown = config.placeholders[input.getAttribute("placeholder")];
        if (shown !== undefined && shown !== input.getAttribute("placeholder")) input.setAttribute("placeholder", shown);
      }
    }
  };
  if (window.__documentLanguage) window.__documentLanguage.disconnect();
  const observer = new MutationObserver(apply);
  observer.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                                   attributeFilter: ["placeholder"]});
  window.__documentLanguage = observer;
  apply();
})();
</script>"""


def script(language: str) -> str:
    """The script for `language` (its texts JSON-encoded, `<` escaped so none can end the tag)."""
    config = {
        "language": language,
        "scope": SCOPE,
        "texts": {english: t(key, language) for english, key in TEXTS.items()},
        "placeholders": {english: t(key, language) for english, key in PLACEHOLDERS.items()},
        "perFile": t("ui.streamlit.per_file", language),
    }
    return SCRIPT % json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")


def declare(language: str) -> None:
    """Set the document's language and Streamlit's own texts for this run (every page, the
    workshop room's too). In the sidebar, so it takes no room in the page (the room's pages
    and presentation mode hide the sidebar; the script runs all the same)."""
    st.sidebar.html(script(language), unsafe_allow_javascript=True)
