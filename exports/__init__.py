"""Files that leave the dashboard, made from the presentation layer's charts (`report`).

- `tables`     — CSV and XLSX, formula-like text escaped (`screen_csv`: the rows as on screen).
- `images`     — PNG and SVG through kaleido and the system Chromium, one browser kept alive.
- `charts`     — one chart's or a page's files; the MIME type of every kind of file (`MIME`).
- `deck`       — PPTX, one slide per chart.
- `join_sheet` — the workshop's QR codes and the printable A4 join sheet.

Everything here takes already-protected tables and figures; nothing counts or decides what
may be shown (that is `analysis.protect`).
"""
