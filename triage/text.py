"""Per-page text from a document's bytes: PDF (with OCR for pages without a text layer),
plain text and Markdown.

Every failure a submitted file can cause (corrupt, encrypted, empty, too big, too many pages,
an unsupported type) is raised as TextExtractionError with a reason an officer can read;
nothing else escapes for bad input.
"""

import io
import logging
import re
import subprocess
import tempfile
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


def extract_pages(data: bytes, *, filename: str = "", content_type: str = "") -> list[PageText]:
    max_bytes = settings.TRIAGE_MAX_DOCUMENT_BYTES
    if not data:
        raise TextExtractionError("The file is empty.")
    if len(data) > max_bytes:
        raise TextExtractionError(f"The file is larger than the {max_bytes:,} bytes we read.")
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"%PDF") or content_type == "application/pdf" or suffix == ".pdf":
        pages = _pdf_pages(data)
    elif suffix in TEXT_SUFFIXES or content_type.startswith("text/"):
        pages = _text_pages(data)
    else:
        raise TextExtractionError(
            f"Unsupported document type ({content_type or suffix or 'unknown'}): "
            "we read PDF, plain text and Markdown."
        )
    if not any(page.text.strip() for page in pages):
        raise TextExtractionError("No text was found in the document, even by OCR.")
    return pages


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


def _pdf_pages(data: bytes) -> list[PageText]:
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
    for index in range(count):
        try:
            text = reader.pages[index].extract_text() or ""
        except Exception as error:  # pypdf raises many types on a broken page; OCR may still work
            logger.warning("text layer of page %s unreadable: %s", index + 1, error)
            text = ""
        if len(text.strip()) >= MIN_TEXT_LAYER_CHARS or not settings.TRIAGE_OCR_ENABLED:
            pages.append(PageText(number=index + 1, text=text))
        else:
            ocr_text = ocr_pdf_page(data, index + 1)
            better = ocr_text if len(ocr_text.strip()) > len(text.strip()) else text
            pages.append(PageText(number=index + 1, text=better, ocr=better is ocr_text))
    return pages


def ocr_pdf_page(data: bytes, page_number: int) -> str:
    """Render one PDF page with pdftoppm and read it with tesseract. Returns "" if either fails."""
    with tempfile.TemporaryDirectory(prefix="triage-ocr-") as tmp:
        pdf_path = Path(tmp) / "in.pdf"
        pdf_path.write_bytes(data)
        try:
            subprocess.run(
                [
                    "pdftoppm",
                    "-f",
                    str(page_number),
                    "-l",
                    str(page_number),
                    "-r",
                    str(settings.TRIAGE_OCR_DPI),
                    "-gray",
                    "-png",
                    str(pdf_path),
                    str(Path(tmp) / "page"),
                ],
                check=True,
                capture_output=True,
                timeout=OCR_TIMEOUT_SECONDS,
            )
            images = sorted(Path(tmp).glob("page*.png"))
            if not images:
                return ""
            with Image.open(images[0]) as image:
                return pytesseract.image_to_string(image, timeout=OCR_TIMEOUT_SECONDS)
        except (subprocess.SubprocessError, OSError, RuntimeError) as error:
            logger.warning("OCR of page %s failed: %s", page_number, error)
            return ""
