"""The dashboard's entry point: shared sidebar and provenance banner, then the chosen page.

Run with `streamlit run app.py`. The pages are listed in `dashboard/navigation.py`; every page
starts with `dashboard.layout.page()` and draws from `dashboard.data` (protected numbers)
and `dashboard.figures` (charts).
"""

import streamlit as st

from dashboard import layout, navigation, presentation

st.set_page_config(page_icon=":material/bar_chart:", layout="wide")
survey, view = layout.frame()
page = st.navigation(navigation.pages(view.language, survey))
if not presentation.show(page, survey, view):  # presentation mode draws its slide instead of the page
    layout.rounds_note(survey, view, page)
    page.run()
