"""The survey core: read and validate, count, test, protect. No Streamlit, Plotly or SQLAlchemy,
and no interface words (those are `report.strings`); counts are on codes.

Data flow: `intake` (every file) → `load` (validation) → `Survey` (`codebook`) → `aggregate`
(counts, shares, intervals from `stats`) → `protect` (small-group suppression) → the
presentation layer (`report`), the CLI and the exports.

- `intake`      — the one door for every file: size and format checks, CSV and SPSS import, rounds,
                 and the readers of trusted files.
- `xlsx_reader` — a workbook's parts and sheets checked as a stream before python-calamine reads them.
- `sandbox`     — the limited worker process that parses an upload.
- `survey_wire` — the survey the worker sends back, as JSON and raw integers.
- `fork_safe`   — keeps a command-line process single-threaded, so it may fork upload workers.
- `settings`    — every data-owner setting, declared once (name, default, help, validation).
- `config`      — the small-group threshold in force for a survey.
- `safe_text`   — file text made safe for Markdown, Plotly and spreadsheets.
- `problems`    — what is wrong with a file, and where (file, sheet, row, column).
- `load`        — validation of a survey's sheets into a `Survey`.
- `codebook`    — the survey model: items, breakdowns, scales, meta.
- `template`    — the blank workbook in the documented format.
- `aggregate`   — counts, shares, distributions.
- `stats`       — intervals, exact tests, power.
- `protect`     — primary and secondary suppression.
- `audit`       — the attacker's linear system and integer programs that prove the suppression.
- `audit_report` — the whole survey's published pattern audited count by count (`audit_survey`).
- `compare`     — declared comparison families and their tests.
- `weighting`   — the post-stratification sensitivity view and a survey's own weights.
- `numeric`     — numeric items: n, mean, median, SD, a t-interval; Welch comparisons.
- `rounds`      — several survey rounds: combined and compared.
- `overview`    — invited, answered, response rate per group.
- `i18n`        — the core's strings (problems, command line, workshop) and the lookup.
- `formatting`  — numbers in the language's format (decimal comma, a space before %).

`__main__` is a shim for `python -m analysis` (the command line, `cli/`).
"""
