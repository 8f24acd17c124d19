"""The dashboard's entry point: shared sidebar and provenance banner, then the chosen page.

Run with `streamlit run app.py`. The pages are listed in `dashboard/navigation.py`; every page
starts with `dashboard.layout.page()` and draws from `dashboard.data` (protected numbers)
and `report.figures` (charts). The workshop room's pages (a group's phone, the projector)
draw their own frame instead: no sidebar, no survey filters, no survey banner.
"""

import streamlit as st

from analysis import sandbox, settings
from dashboard import document, layout, navigation, presentation, state

st.set_page_config(page_icon=":material/bar_chart:", layout="wide")
layout.stylesheet()
try:
    settings.check()  # an invalid data-owner setting stops the app here, never weakens protection
except settings.SettingsError as error:
    st.error(f"{error.describe('nb')}\n\n{error.describe('en')}", icon=":material/settings_alert:")
    print(error.describe("en"), flush=True)  # and into the server's log
    st.stop()
sandbox.warm_up()  # the upload worker's forkserver (started once per process, ~1 s, off this thread's path)
page = st.navigation(navigation.pages(state.requested_language(), layout.loaded_survey(), layout.section_page))
document.declare(state.requested_language())  # <html lang> and Streamlit's own texts follow the language
if navigation.is_room(page) and not state.active():
    page.run()
else:
    survey, view = layout.frame(navigation.has_survey_filters(page))
    if not presentation.show(page, survey, view):  # presentation mode draws its slide instead of the page
        layout.rounds_note(survey, view, page)
        page.run()
