"""Mulighetsrom: closer cooperation, where, and how — the codebook's section "mulighetsrom"."""

from dashboard import layout

layout.section_page("mulighetsrom")
