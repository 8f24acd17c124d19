"""Joining a live workshop from a phone: QR codes, and a printable A4 sheet per group.

The QR codes are made by `segno` (pure Python, no network, an ISO/IEC 18004 encoder with
error correction level M, so a slightly worn print or a dim projector still scans). The
sheet is drawn with Pillow (already here with Streamlit) at 300 dpi and saved as a PDF with
one A4 page per group: the session's name, the group, its QR code, its join code in large
type and the address to type it at. Text is drawn in DejaVu Sans when the system has it
(scripts/install_system_deps.sh installs it), else in Pillow's own scalable font.

No Streamlit here: the facilitator page offers the sheet, tests read it.
"""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from report.strings import t
from workshop.store import format_code

DPI = 300
A4 = (2480, 3508)  # 210 × 297 mm at 300 dpi
MARGIN = 200
QR_ERROR = "m"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TEXT = (31, 41, 51)
MUTED = (92, 102, 112)


@dataclass(frozen=True)
class JoinCard:
    """One page of the sheet: who it is for, the link its QR code opens and the code to type."""

    group: str
    code: str
    link: str


def qr(link: str) -> segno.QRCode:
    return segno.make(link, error=QR_ERROR, micro=False)


def qr_svg(link: str, scale: int = 8) -> str:
    """The QR code as an SVG document (dark modules on white, a 4-module quiet zone)."""
    return qr(link).svg_inline(scale=scale, dark="#1F2933", light="#FFFFFF", border=4, omitsize=False)


@lru_cache(maxsize=256)
def qr_data_uri(link: str, scale: int = 8) -> str:
    """The QR code as a `data:image/svg+xml` URI, for an `<img>` on a page (made once per link:
    the projector redraws its corner every second)."""
    return qr(link).svg_data_uri(scale=scale, dark="#1F2933", light="#FFFFFF", border=4)


def qr_image(link: str, size: int) -> Image.Image:
    """The QR code as a Pillow image about `size` px square (whole pixels per module)."""
    code = qr(link)
    modules = code.symbol_size(scale=1, border=4)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(1, size // modules), border=4, dark="#1F2933", light="#FFFFFF")
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False, mono: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if mono else "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill=TEXT, bold: bool = False,
             mono: bool = False) -> int:
    """Draw `text` centred at height `y`, in a smaller size if the line would not fit; return
    the y under it."""
    font = _font(size, bold, mono)
    while draw.textlength(text, font=font) > A4[0] - 2 * MARGIN and size > 20:
        size = int(size * 0.9)
        font = _font(size, bold, mono)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((A4[0] - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def _page(session: str, card: JoinCard, address: str, language: str) -> Image.Image:
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    y = _centred(draw, MARGIN, session, 90, bold=True) + 60
    y = _centred(draw, y, card.group, 150, bold=True) + 120
    image = qr_image(card.link, 1500)
    page.paste(image, ((A4[0] - image.width) // 2, y))
    y += image.height + 110
    y = _centred(draw, y, t("ui.workshop.sheet.scan", language), 64, fill=MUTED) + 70
    y = _centred(draw, y, t("ui.workshop.sheet.or_type", language, address=address), 56, fill=MUTED) + 70
    _centred(draw, y, format_code(card.code), 230, mono=True)
    return page


def join_sheet_pdf(session: str, cards: Sequence[JoinCard], address: str, language: str = "nb") -> bytes:
    """One A4 page per group (a PDF): the session, the group, its QR code and its code.
    `address` is where a code can be typed (the participant page without a code)."""
    pages = [_page(session, card, address, language) for card in cards]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=DPI,
                  title=session, author="Indre Namdal dashboard")
    return buffer.getvalue()


def address_of(link: str) -> str:
    """The address part of a join link, to type by hand: `host/verksted` (no scheme, no code)."""
    parts = urllib.parse.urlsplit(link)
    return f"{parts.netloc}{parts.path}" if parts.netloc else parts.path
