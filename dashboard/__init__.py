"""The dashboard: the only package that imports Streamlit. Page scripts live in `pages/`.

- `navigation`     — the ordered list of pages (add a page here).
- `data`           — the session's survey and the protected tables, cached (Streamlit caching).
- `state`          — the sidebar controls and the view they describe, bound to the URL; the
                     presentation toggle.
- `layout`         — page frame, provenance banner, chart + table + download blocks, section pages.
- `downloads`      — the one download button (a file of a kind, its MIME type from `exports.charts`).
- `comparisons`    — the group comparisons and the weighted sensitivity view under a section.
- `presentation`   — presentation mode: one large chart per screen, previous/next.
- `upload`         — an uploaded survey: read once, reported, made this session's data.
- `workshop_pages` — the workshop pages' shared parts: store, join codes, matrix and downloads.
- `workshop_room`  — the workshop room: a group's phone form and the projector view.
- `document`       — `<html lang>` and Streamlit's own widget texts in the chosen language.

What is drawn comes from the presentation layer (`report/`); files from `exports/`.
"""
