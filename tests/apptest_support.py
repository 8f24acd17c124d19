"""AppTest helpers shared by the page tests."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

#: The key prefix of an expander whose content is made only while it is open (`dashboard.downloads.opened`).
OPENED_PREFIX = "open-"


def closed_expanders(at: AppTest) -> list[str]:
    """The keys of the page's on-demand expanders that are closed."""
    state = at.session_state
    return [key for key in state.keys() if str(key).startswith(OPENED_PREFIX) and not state[key]]


def open_expanders(at: AppTest) -> AppTest:
    """Open every on-demand expander of the page (a table under each chart, a test's details) and
    rerun, as a reader who opens them all; the opened ones stay open across later runs."""
    keys = closed_expanders(at)
    for key in keys:
        at.session_state[key] = True
    if keys:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at
