"""Test documents built in code: a text PDF (written by the development sets' own writer), an
image-only PDF (a scan, for OCR) and an encrypted PDF."""

import io

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter

from triage.evaluation import textpdf


def text_pdf(pages: list[str]) -> bytes:
    """A valid PDF with one Helvetica text line per input line, one page per string."""
    return textpdf.text_pdf([page.split("\n") for page in pages], size=11, leading=14, at=(50, 780))


def scanned_pdf(lines: list[str]) -> bytes:
    """An image-only PDF (no text layer), like a scanned letter."""
    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    for index, line in enumerate(lines):
        draw.text((120, 150 + index * 80), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200.0)
    return out.getvalue()


def scanned_image(lines: list[str], format: str = "PNG") -> bytes:
    """A scan sent as an image file rather than a PDF."""
    image = Image.new("L", (1654, 1000), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    for index, line in enumerate(lines):
        draw.text((120, 150 + index * 80), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=password, owner_password=password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
