"""The presentation layer: what a page, a slide or an export shows, without Streamlit.

- `view`             — the sidebar's choices as plain values (`View`, `Query`).
- `keys`             — every URL parameter and session-state key, named once.
- `numbers`          — the protected tables for a view (`analysis.aggregate` + `analysis.protect`).
- `labels`           — the one name of each thing shown: group, breakdown, answer, measure, section, item.
- `charts`           — the one chart builder (`build`): every chart (sections, rounds, workshop) as a `Chart`
                       (figure, table, n, denominator, provenance).
- `figures`          — pure Plotly figure builders; `styled` redraws any of them for a room or a slide.
- `workshop_figures` — the workshop's matrix and ranking figures.
- `rounds`           — the tables of page Utvikling (change between survey rounds).
- `tables`           — the tables shown under the charts (pure pandas).
- `theme`            — colours (colour-blind safe, one per breakdown value) and layout defaults.
- `docs`             — documentation sections shown on pages.
- `strings`          — the interface's strings (`ui.*`) in bokmål and English; `t` looks in these and the core's.

The dashboard (`dashboard/`), the exports (`exports/`) and the command line (`cli/`) draw the
very same charts from here.
"""
