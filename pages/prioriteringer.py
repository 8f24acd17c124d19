"""Prioriteringer: the workshop's potential × feasibility matrix and its ranked list.

Shows the bundled workshop (reconstructed 2022 scores, said so on the page), or a closed live
session chosen above the matrix (`?okt=`), drawn the same way — and so in the page's deck and
in presentation mode too. The ranking and the quadrants come from `workshop.model`; the
sector filter only hides areas, it never changes a rank or moves a quadrant line.
"""

import streamlit as st

from report.strings import t
from workshop.model import localised
from dashboard import layout, state
from dashboard import workshop_pages as wp

survey, view = layout.page()
language = view.language
layout.page_title("prioriteringer", language)

workshop = wp.workshop_source(language, wp.source_control(st, language))
wp.reconstructed_note(workshop, language)

listed = localised(workshop.areas.sort_values("order"), language)
sector_names = dict(zip(listed["sector"], listed["sector_label"]))
controls = st.columns([3, 2], gap="large")
sectors = state.bound_multiselect(controls[0], t("ui.workshop.sector_label", language), list(sector_names), wp.SECTOR_PARAM,
                                  placeholder=t("ui.workshop.sector_all", language), format_func=sector_names.get)
with controls[1]:
    split = wp.split_control(language)
layout.notices(language)
downloads = st.container()

table = wp.ranking(workshop.scores, workshop.areas, language, split)
matrix = wp.bundled_matrix_chart(workshop, table, language, split, sectors)
wp.matrix_and_ranking(matrix, language=language)
layout.page_downloads(downloads, [matrix], "prioriteringer", survey, view, help_key="ui.export.page_help_workshop")
st.caption(t("ui.workshop.ranking_note", language))
