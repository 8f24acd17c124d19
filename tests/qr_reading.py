"""Reading QR codes back, as a phone's camera would: from a page screenshot or a printed sheet.

zxing-cpp (a well-kept barcode reader, dev dependency) decodes what segno drew, so a test checks
that the code scans to the right link, not only that an image is there.
"""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image

# A Pillow-written PDF holds each page as one JPEG stream.
_PDF_IMAGE = re.compile(rb"/Filter\s*/DCTDecode.*?stream\r?\n(.*?)\r?\nendstream", re.S)


def qr_texts(image) -> list[str]:
    """The text of every QR code in `image` (a Pillow image, PNG/JPEG bytes or a path)."""
    if isinstance(image, (bytes, bytearray)):
        image = Image.open(io.BytesIO(image))
    elif not isinstance(image, Image.Image):
        image = Image.open(image)
    return [found.text for found in zxingcpp.read_barcodes(image.convert("RGB"), formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_page_images(pdf: bytes) -> list[Image.Image]:
    """The page images of a PDF written by Pillow (one JPEG per page)."""
    return [Image.open(io.BytesIO(data)) for data in _PDF_IMAGE.findall(pdf)]
