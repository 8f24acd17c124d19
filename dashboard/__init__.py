"""The dashboard's building blocks, kept apart from the page scripts in `pages/`.

- `theme`        — colours (colour-blind safe, one colour per breakdown value) and layout defaults.
- `figures`      — pure figure builders: protected tables in, `plotly.graph_objects.Figure` out;
                   `styled` redraws any of them large for a room or a slide.
- `tables`       — the tables shown under each chart and offered as CSV (pure pandas).
- `view`         — the sidebar's choices as plain values (`View`, `Query`).
- `numbers`      — the protected tables for a view (`analysis.aggregate` + `analysis.protect`).
- `charts`       — a page's charts as `Chart` objects: figure, table, n, denominator, provenance.
- `data`         — the session's survey and the `numbers` tables, cached (Streamlit caching).
- `state`        — the sidebar controls and the view they describe, bound to the URL.
- `layout`       — page frame, provenance banner, chart + table + download blocks, section pages.
- `presentation` — presentation mode: one large chart per screen, previous/next.
- `navigation`   — the ordered list of pages.

`theme`, `figures`, `tables`, `view`, `numbers` and `charts` import no Streamlit, so presentation
mode, the exports (`exports/`) and the `deck` command use the very charts the pages draw.
"""
