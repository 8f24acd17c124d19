"""Reading decks in tests: a stand-in picture renderer (no Chromium) and the speaker notes.

Shared by tests/exports/test_exports_deck.py, tests/cli/test_cli_deck.py and
tests/analysis/test_attacker.py (test modules in different folders do not import each other).
"""

from __future__ import annotations

import io

from PIL import Image


def fake_png(figure, width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


def line_for(slide, group: str) -> str:
    (line,) = [line for line in notes(slide).splitlines() if line.startswith(f"{group}:")]
    return line
