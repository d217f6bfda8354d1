"""Per-page text from a document's bytes: PDF (with OCR for pages without a text layer),
scans as images (OCR), plain text and Markdown.

OCR works within a time budget per document: pages are rendered in memory (PDFium, one page
at a time, at no more than TRIAGE_OCR_MAX_PIXELS) and read by TRIAGE_OCR_WORKERS tesseract
processes at once, each with a timeout. Reading a PDF page's text layer has a time limit
too (TRIAGE_TEXT_LAYER_PAGE_SECONDS); a page past it is read by OCR instead.

Every failure a submitted file can cause (corrupt, encrypted, empty, too big, too many pages,
an unsupported type) is raised as TextExtractionError with a reason an officer can read;
nothing else escapes for bad input.
"""

import io
import logging
import math
import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytesseract
from django.conf import settings
from PIL import Image
from pypdf.errors import PdfReadError

from triage import metrics

logger = logging.getLogger(__name__)

# A page with less than this much text is taken to be a scan (no real text layer) and is OCR'd.
MIN_TEXT_LAYER_CHARS = 20
# ... or whose text is more than this share of symbols: neither letters, digits nor punctuation.
MAX_SYMBOL_SHARE = 0.5
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
    pages = [PageText(page.number, plain_characters(page.text), page.ocr) for page in pages]
    if not any(page.text.strip() for page in pages):
        if budget.skipped:
            raise TextExtractionError(f"No text was found before OCR stopped. {budget.note()}")
        raise TextExtractionError("No text was found in the document, even by OCR.")
    return pages


# Characters a typesetter or word processor puts in a text layer for its own reasons: the
# letters of a ligature ("\ufb02ood" is "flood"), a non-breaking space, a soft hyphen (a place
# a word may break, not a character) and NULs.
_TYPESETTING = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",
        "\u202f": " ",
        "\u00ad": None,
        "\x00": None,
    }
)


def plain_characters(text: str) -> str:
    """The text as its words are spelt: what the rules read and what quotes are cut from."""
    return text.translate(_TYPESETTING)


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
    with image:

        def frame(index: int) -> Callable[[], Image.Image]:
            def render() -> Image.Image:
                image.seek(index)
                return _within_pixels(image.convert("L"))

            return render

        read = _ocr_pages(((index + 1, frame(index)) for index in range(frames)), budget)
    return [PageText(number=n, text=read.get(n, ""), ocr=True) for n in range(1, frames + 1)]


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
    layers = [_text_layer(reader, index) for index in range(count)]
    scanned = [
        index
        for index, text in enumerate(layers)
        if not _reads_as_text(text) and settings.TRIAGE_OCR_ENABLED
    ]
    read = _ocr_pdf_pages(data, scanned, budget) if scanned else {}
    pages = []
    for index, text in enumerate(layers):
        ocr_text = read.get(index + 1, "")
        if _words(ocr_text) > _words(text):
            pages.append(PageText(number=index + 1, text=ocr_text, ocr=True))
        else:
            pages.append(PageText(number=index + 1, text=text))
    return pages


_WORD = re.compile(r"[A-Za-z]{2,}")
_PUNCTUATION = frozenset(string.punctuation)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _reads_as_text(layer: str) -> bool:
    """Whether a page's text layer is text: enough of it, and mostly letters, digits and
    punctuation (a page of figures is text too). A scanner's own recognition or a font without a
    character map leaves a layer of symbols and stray glyphs ("\u00d0\u00d1\u00a4 \u00a6\x03"),
    no better than none: such a page is OCR'd, and the reading with more words is kept."""
    visible = [character for character in layer if not character.isspace()]
    if len(visible) < MIN_TEXT_LAYER_CHARS:
        return False
    symbols = sum(
        1
        for character in visible
        if not (character.isascii() and (character.isalnum() or character in _PUNCTUATION))
    )
    return symbols <= MAX_SYMBOL_SHARE * len(visible)


class _PageTooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (a timer signal; only the main thread gets signals,
    so elsewhere the block runs unbounded and the task's own time limit is the bound)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise _PageTooSlow

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _text_layer(reader: pypdf.PdfReader, index: int) -> str:
    """A page's text layer, or "" when it is unreadable or too slow to read (OCR may work)."""
    try:
        with _time_limit(settings.TRIAGE_TEXT_LAYER_PAGE_SECONDS):
            return reader.pages[index].extract_text() or ""
    except _PageTooSlow:
        logger.warning(
            "text layer of page %s took over %s s; read by OCR instead",
            index + 1,
            settings.TRIAGE_TEXT_LAYER_PAGE_SECONDS,
        )
    except Exception as error:  # pypdf raises many types on a broken page
        logger.warning("text layer of page %s unreadable: %s", index + 1, error)
    return ""


def _ocr_pdf_pages(data: bytes, indexes: list[int], budget: OcrBudget) -> dict[int, str]:
    """OCR of the given pages (0-based), by page number. PDFium renders in this thread (it is
    not thread-safe); the reading is done in parallel."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        logger.warning("the PDF cannot be rendered for OCR: %s", error)
        return {}
    try:

        def render(index: int) -> Callable[[], Image.Image]:
            return lambda: _render_page(pdf[index])

        return _ocr_pages(((index + 1, render(index)) for index in indexes), budget)
    finally:
        pdf.close()


def _render_page(page: pdfium.PdfPage) -> Image.Image:
    """The page in grey at TRIAGE_OCR_DPI, or less when it would exceed TRIAGE_OCR_MAX_PIXELS."""
    width, height = page.get_size()  # in points, 72 to the inch
    inches = abs(width * height) / 72**2
    dpi = float(settings.TRIAGE_OCR_DPI)
    if inches > 0:
        dpi = min(dpi, math.sqrt(settings.TRIAGE_OCR_MAX_PIXELS / inches))
    try:
        return page.render(scale=max(dpi, 1.0) / 72, grayscale=True).to_pil()
    finally:
        page.close()


def _ocr_pages(
    pages: Iterator[tuple[int, Callable[[], Image.Image]]], budget: OcrBudget
) -> dict[int, str]:
    """Read each (page number, render) with tesseract, TRIAGE_OCR_WORKERS at once, within the
    budget: pages not started before it runs out, or whose reading it cuts short, are listed in
    `budget.skipped`. Rendering happens here, a few pages ahead of the readers at most."""
    workers = settings.TRIAGE_OCR_WORKERS
    read: dict[int, str] = {}
    running: dict[Future[str], int] = {}

    def collect(done: set[Future[str]]) -> None:
        for future in done:
            number = running.pop(future)
            text = future.result()
            read[number] = text
            if not text and budget.left() <= 0:
                budget.skipped.append(number)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        for number, render in pages:
            if len(running) >= workers * 2:
                collect(wait(running, return_when=FIRST_COMPLETED).done)
            if budget.left() <= 0:
                budget.skipped.append(number)
                continue
            try:
                image = render()
            except Exception as error:  # a page PDFium or Pillow cannot draw; others may work
                logger.warning("page %s cannot be rendered for OCR: %s", number, error)
                continue
            running[pool.submit(_ocr_image, image, number, budget)] = number
        collect(wait(running).done)
    budget.skipped.sort()
    return read


def _ocr_image(image: Image.Image, number: int, budget: OcrBudget) -> str:
    """The page's text, or "" when tesseract fails or runs out of time (a page whose turn comes
    after the budget ran out is not started)."""
    started = time.monotonic()
    try:
        if budget.left() <= 0:
            return ""
        return pytesseract.image_to_string(image, timeout=max(budget.page_timeout(), 0.1))
    except (OSError, RuntimeError) as error:  # pytesseract raises RuntimeError on its timeout
        logger.warning("OCR of page %s failed: %s", number, error)
        return ""
    finally:
        image.close()
        metrics.observe_ocr_page(time.monotonic() - started)
