"""Files that leave the dashboard: tables (CSV/XLSX), chart images (PNG/SVG), slide decks.

Everything here takes already-protected tables and figures; nothing counts or decides what
may be shown (that is `analysis.protect`).
"""
