"""The command line, `python -m analysis COMMAND ...`: one module per command.

- `main`     — the parser (every command's `add_parser`) and the error handling (`main()`).
- `common`   — what the commands share: `CliError`, reading FILE through the one intake, `--by`.
- `summary`  — the headline share of every item, optionally by group.
- `compare`  — the declared comparison families with adjusted tests.
- `validate` — check an upload as the Data page does.
- `settings` — every data-owner setting with its value in force.
- `template` — a blank workbook in the documented format.
- `workshop` — the workshop ranking (bundled or a live session).
- `deck`     — a PowerPoint deck of the dashboard's charts.

It sits on top of every layer but the dashboard (`docs/architecture.md`); `analysis/__main__.py`
is a shim that runs `cli.main.main`.
"""
