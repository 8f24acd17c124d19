"""Prioriteringer: the workshop's potential × feasibility matrix and its ranked list.

Shows the bundled workshop (reconstructed 2022 scores, said so on the page). The ranking and
the quadrants come from `analysis.workshop`; the sector filter only hides areas, it never
changes a rank or moves a quadrant line.
"""

import streamlit as st

from analysis.i18n import t
from dashboard import layout, state
from dashboard import workshop_pages as wp

survey, view = layout.page()
language = view.language
layout.page_title("prioriteringer", language)

workshop = wp.bundled_workshop()
wp.reconstructed_note(workshop, language)

sectors_all = list(dict.fromkeys(workshop.areas.sort_values("order")["sector"]))
controls = st.columns([3, 2], gap="large")
sectors = state.bound_multiselect(controls[0], t("ui.workshop.sector_label", language), sectors_all, wp.SECTOR_PARAM,
                                  placeholder=t("ui.workshop.sector_all", language))
with controls[1]:
    split = wp.split_control(language)
layout.notices(language)
downloads = st.container()

table = wp.ranking(workshop.scores, workshop.areas, language, split)
matrix = wp.bundled_matrix_chart(workshop, table, language, split, sectors)
wp.matrix_and_ranking(matrix, language=language)
layout.page_downloads(downloads, [matrix], "prioriteringer", survey, view)
st.caption(t("ui.workshop.ranking_note", language))
