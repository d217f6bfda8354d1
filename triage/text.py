"""Per-page text from a document's bytes: PDF (with OCR for pages without a text layer),
scans as images (OCR), plain text and Markdown. OCR works within a time budget per document
and renders each page at no more than TRIAGE_OCR_MAX_PIXELS.

Every failure a submitted file can cause (corrupt, encrypted, empty, too big, too many pages,
an unsupported type) is raised as TextExtractionError with a reason an officer can read;
nothing else escapes for bad input.
"""

import io
import logging
import math
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytesseract
from django.conf import settings
from PIL import Image
from pypdf.errors import PdfReadError

logger = logging.getLogger(__name__)

# A page with less than this much text is taken to be a scan (no real text layer) and is OCR'd.
MIN_TEXT_LAYER_CHARS = 20
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# Plain text has no pages: split it so evidence can still cite a small, findable part.
TEXT_PAGE_CHARS = 3000
OCR_TIMEOUT_SECONDS = 120


class TextExtractionError(Exception):
    """The document's text cannot be read; the message is the reason, fit to show an officer."""


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    ocr: bool = False


class OcrBudget:
    """The OCR time left for one document (TRIAGE_OCR_BUDGET_SECONDS in all), so one
    document of blank scans cannot hold a worker for an hour."""

    def __init__(self, seconds: float | None = None):
        self.deadline = time.monotonic() + (
            settings.TRIAGE_OCR_BUDGET_SECONDS if seconds is None else seconds
        )
        self.skipped: list[int] = []  # pages left unread when the budget ran out

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def page_timeout(self) -> float:
        return min(OCR_TIMEOUT_SECONDS, self.left())

    def note(self) -> str:
        if not self.skipped:
            return ""
        return (
            f"OCR stopped after {settings.TRIAGE_OCR_BUDGET_SECONDS:g} s: "
            f"{len(self.skipped)} scanned page(s) from page {self.skipped[0]} were not read."
        )


def extract_pages(
    data: bytes,
    *,
    filename: str = "",
    content_type: str = "",
    budget: OcrBudget | None = None,
) -> list[PageText]:
    """The document's pages. `budget` bounds OCR time (a fresh one when not given); pages
    it could not reach are returned empty and listed in `budget.skipped`."""
    budget = budget or OcrBudget()
    max_bytes = settings.TRIAGE_MAX_DOCUMENT_BYTES
    if not data:
        raise TextExtractionError("The file is empty.")
    if len(data) > max_bytes:
        raise TextExtractionError(f"The file is larger than the {max_bytes:,} bytes we read.")
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"%PDF") or content_type == "application/pdf" or suffix == ".pdf":
        pages = _pdf_pages(data, budget)
    elif suffix in TEXT_SUFFIXES or content_type.startswith("text/"):
        pages = _text_pages(data)
    elif content_type.startswith("image/") or suffix in IMAGE_SUFFIXES:
        pages = _image_pages(data, budget)
    else:
        raise TextExtractionError(
            f"Unsupported document type ({content_type or suffix or 'unknown'}): "
            "we read PDF, scans (PNG, JPEG, TIFF), plain text and Markdown."
        )
    if not any(page.text.strip() for page in pages):
        if budget.skipped:
            raise TextExtractionError(f"No text was found before OCR stopped. {budget.note()}")
        raise TextExtractionError("No text was found in the document, even by OCR.")
    return pages


def _image_pages(data: bytes, budget: OcrBudget) -> list[PageText]:
    """OCR each page of a scan (a TIFF may hold several), within the budget."""
    if not settings.TRIAGE_OCR_ENABLED:
        raise TextExtractionError("The document is a scan and OCR is turned off.")
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise TextExtractionError(f"The image cannot be opened ({error}).") from error
    if frames > settings.TRIAGE_MAX_PAGES:
        raise TextExtractionError(
            f"The scan has {frames} pages; we read at most {settings.TRIAGE_MAX_PAGES}."
        )
    pages = []
    with image:
        for index in range(frames):
            if budget.left() <= 0:
                budget.skipped.append(index + 1)
                pages.append(PageText(number=index + 1, text="", ocr=True))
                continue
            try:
                image.seek(index)
                page = _within_pixels(image.convert("L"))
                text = pytesseract.image_to_string(page, timeout=budget.page_timeout())
            except (OSError, ValueError, RuntimeError) as error:
                logger.warning("OCR of image page %s failed: %s", index + 1, error)
                text = ""
            pages.append(PageText(number=index + 1, text=text, ocr=True))
    return pages


def _within_pixels(image: Image.Image) -> Image.Image:
    width, height = image.size
    scale = math.sqrt(settings.TRIAGE_OCR_MAX_PIXELS / max(width * height, 1))
    if scale >= 1:
        return image
    return image.resize((max(1, int(width * scale)), max(1, int(height * scale))))


def _text_pages(data: bytes) -> list[PageText]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 decodes any byte string; old word processors still write it.
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = _split_text(text, TEXT_PAGE_CHARS)
    if len(chunks) > settings.TRIAGE_MAX_PAGES:
        raise TextExtractionError(
            f"The document is longer than the {settings.TRIAGE_MAX_PAGES} pages we read."
        )
    return [PageText(number=i, text=chunk) for i, chunk in enumerate(chunks, start=1)]


def _split_text(text: str, size: int) -> list[str]:
    """Split at paragraph breaks into chunks of about `size` characters (a paragraph is kept whole
    unless it alone is longer, so a sentence is rarely cut)."""
    chunks: list[str] = []
    current = ""
    for paragraph in re.split(r"(?<=\n\n)", text):
        if current and len(current) + len(paragraph) > size:
            chunks.append(current)
            current = ""
        while len(paragraph) > size:
            chunks.append(paragraph[:size])
            paragraph = paragraph[size:]
        current += paragraph
    if current or not chunks:
        chunks.append(current)
    return chunks


def _pdf_pages(data: bytes, budget: OcrBudget) -> list[PageText]:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many "encrypted" PDFs only restrict printing and open with an empty password.
            try:
                if not reader.decrypt(""):
                    raise TextExtractionError("The PDF is encrypted with a password.")
            except TextExtractionError:
                raise
            except Exception as error:
                raise TextExtractionError(
                    f"The PDF is encrypted and cannot be read: {error}"
                ) from error
        count = len(reader.pages)
    except TextExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise TextExtractionError(f"The PDF is damaged and cannot be read ({error}).") from error
    if count == 0:
        raise TextExtractionError("The PDF has no pages.")
    if count > settings.TRIAGE_MAX_PAGES:
        raise TextExtractionError(
            f"The PDF has {count} pages; we read at most {settings.TRIAGE_MAX_PAGES}."
        )
    pages = []
    with tempfile.TemporaryDirectory(prefix="triage-ocr-") as tmp:
        pdf_path = Path(tmp) / "in.pdf"  # written once, when a first page needs OCR
        for index in range(count):
            try:
                page = reader.pages[index]
                text = page.extract_text() or ""
            except Exception as error:  # pypdf raises many types on a broken page; OCR may work
                logger.warning("text layer of page %s unreadable: %s", index + 1, error)
                page, text = None, ""
            if len(text.strip()) >= MIN_TEXT_LAYER_CHARS or not settings.TRIAGE_OCR_ENABLED:
                pages.append(PageText(number=index + 1, text=text))
                continue
            if budget.left() <= 0:
                budget.skipped.append(index + 1)
                pages.append(PageText(number=index + 1, text=text))
                continue
            if not pdf_path.exists():
                pdf_path.write_bytes(data)
            ocr_text = _ocr_pdf_page(pdf_path, index + 1, _render_dpi(page), budget)
            better = ocr_text if len(ocr_text.strip()) > len(text.strip()) else text
            pages.append(PageText(number=index + 1, text=better, ocr=better is ocr_text))
    return pages


def _render_dpi(page) -> int:
    """TRIAGE_OCR_DPI, or less for a page that would exceed TRIAGE_OCR_MAX_PIXELS."""
    try:
        inches = abs(float(page.mediabox.width) * float(page.mediabox.height)) / 72**2
    except Exception:
        return settings.TRIAGE_OCR_DPI
    if inches <= 0:
        return settings.TRIAGE_OCR_DPI
    fitting = int(math.sqrt(settings.TRIAGE_OCR_MAX_PIXELS / inches))
    return max(1, min(settings.TRIAGE_OCR_DPI, fitting))


def _ocr_pdf_page(pdf_path: Path, page_number: int, dpi: int, budget: OcrBudget) -> str:
    """Render one page with pdftoppm and read it with tesseract, within the budget.
    Returns "" if either fails or runs out of time."""
    prefix = pdf_path.parent / f"page-{page_number}"
    try:
        subprocess.run(
            [
                "pdftoppm",
                *("-f", str(page_number), "-l", str(page_number)),
                *("-r", str(dpi), "-gray", "-png", "-singlefile"),
                str(pdf_path),
                str(prefix),
            ],
            check=True,
            capture_output=True,
            timeout=max(budget.page_timeout(), 0.1),
        )
        rendered = prefix.with_suffix(".png")
        with Image.open(rendered) as image:
            text = pytesseract.image_to_string(image, timeout=max(budget.page_timeout(), 0.1))
        rendered.unlink()
        return text
    except (subprocess.SubprocessError, OSError, RuntimeError) as error:
        # pytesseract raises RuntimeError on its timeout.
        logger.warning("OCR of page %s failed: %s", page_number, error)
        if budget.left() <= 0:
            budget.skipped.append(page_number)
        return ""
