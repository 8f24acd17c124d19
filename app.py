"""The dashboard's entry point: shared sidebar and provenance banner, then the chosen page.

Run with `streamlit run app.py`. The pages are listed in `dashboard/navigation.py`; every page
starts with `dashboard.layout.page()` and draws from `dashboard.data` (protected numbers)
and `dashboard.figures` (charts). The workshop room's pages (a group's phone, the projector)
draw their own frame instead: no sidebar, no survey filters, no survey banner.
"""

import streamlit as st

from dashboard import layout, navigation, presentation, state

st.set_page_config(page_icon=":material/bar_chart:", layout="wide")
page = st.navigation(navigation.pages(state.requested_language(), layout.loaded_survey()))
if navigation.is_room(page) and not presentation.active():
    page.run()
else:
    survey, view = layout.frame()
    if not presentation.show(page, survey, view):  # presentation mode draws its slide instead of the page
        layout.rounds_note(survey, view, page)
        page.run()
