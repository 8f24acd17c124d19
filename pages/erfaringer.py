"""Erfaringer: gains, challenges and culture of cooperation — the codebook's section "erfaringer"."""

from dashboard import layout

layout.section_page("erfaringer")
