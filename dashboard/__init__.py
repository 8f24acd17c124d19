"""The dashboard's building blocks, kept apart from the page scripts in `pages/`.

- `theme`      — colours (colour-blind safe, one colour per breakdown value) and layout defaults.
- `figures`    — pure figure builders: protected tables in, `plotly.graph_objects.Figure` out.
- `tables`     — the tables shown under each chart and offered as CSV (pure pandas).
- `data`       — the session's survey and cached, protected aggregates (Streamlit caching).
- `state`      — the sidebar controls and the view they describe, bound to the URL.
- `layout`     — page frame, provenance banner, chart + table + download blocks, section pages.
- `navigation` — the ordered list of pages.

`theme`, `figures` and `tables` import no Streamlit, so presentation mode and exports reuse them.
"""
