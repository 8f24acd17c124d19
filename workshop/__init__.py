"""The workshop: nine groups score thirteen areas for potential and feasibility. No Streamlit.

- `model`    — the workshop read from its workbook, ranked, split into quadrants (`Workshop`).
- `store`    — live sessions in a database: join codes, groups' scores, the facilitator's PIN.
- `attempts` — failed-attempt limits (wrong PINs, guessed join codes) shared by every replica.

It builds on the survey core (`analysis`: reading workbooks, problems, settings, strings) and
sits under the presentation layer (`report`), which draws its figures.
"""
