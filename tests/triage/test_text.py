import io
import threading
import time

import pytest
from pypdf import PageObject, PdfReader, PdfWriter

from tests.triage.documents import encrypted_pdf, scanned_image, scanned_pdf, text_pdf
from triage import text
from triage.text import OcrBudget, TextExtractionError, extract_pages


def test_it_reads_each_page_of_a_text_pdf():
    pages = extract_pages(
        text_pdf(["The site lies within the Camberwell Grove Conservation Area.", "Page two text"]),
        filename="statement.pdf",
    )
    assert [p.number for p in pages] == [1, 2]
    assert "Camberwell Grove Conservation Area" in pages[0].text
    assert "Page two" in pages[1].text
    assert not pages[0].ocr


def test_it_reads_a_scanned_page_by_ocr():
    pages = extract_pages(scanned_pdf(["HERITAGE STATEMENT", "Grade II listed"]), filename="x.pdf")
    assert pages[0].ocr
    assert "HERITAGE STATEMENT" in pages[0].text.upper()


def _with_text_layer(scan: bytes, layer: str) -> bytes:
    """The scanned page with a text layer of `layer` drawn over it, as a scanner's own
    recognition or a font without a character map leaves one."""
    writer = PdfWriter(clone_from=io.BytesIO(scan))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(text_pdf([layer]))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_text_layer_of_symbols_is_read_by_ocr_instead():
    scan = scanned_pdf(["HERITAGE STATEMENT", "Grade II listed"])
    garbage = (
        "\u00d0\u00d1\u00d2 \u00a4\u00a6\u00a7 \u00a8\u00a9\u00aa\u00ab \u00ac\u00ae\u00b0 12 "
    )
    garbage += "\u00b1\u00b5 \u00bc\u00bd\u00be"

    pages = extract_pages(_with_text_layer(scan, garbage), filename="scan.pdf")

    assert pages[0].ocr
    assert "HERITAGE STATEMENT" in pages[0].text.upper()


def test_a_text_layer_of_words_is_kept_over_ocr():
    scan = scanned_pdf(["HERITAGE STATEMENT", "Grade II listed"])
    layer = "Heritage statement for the house, which is a grade II listed building."

    pages = extract_pages(_with_text_layer(scan, layer), filename="scan.pdf")

    assert not pages[0].ocr
    assert pages[0].text.strip() == layer


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n this is not really a pdf", "damaged"),
        (encrypted_pdf(), "encrypted"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "cannot be opened"),
        (b"   \n\n  ", "No text"),
    ],
)
def test_it_fails_with_a_reason_on_bad_files(data, reason):
    name = (
        "bad.pdf" if data.startswith(b"%PDF") else "bad.png" if data[:4] == b"\x89PNG" else "a.txt"
    )
    with pytest.raises(TextExtractionError, match=reason):
        extract_pages(data, filename=name)


def test_it_enforces_the_page_and_byte_limits(settings):
    settings.TRIAGE_MAX_PAGES = 2
    with pytest.raises(TextExtractionError, match="3 pages"):
        extract_pages(text_pdf(["one page", "two page", "three page"]), filename="a.pdf")
    settings.TRIAGE_MAX_DOCUMENT_BYTES = 1024
    with pytest.raises(TextExtractionError, match="larger than"):
        extract_pages(b"x" * 2000, filename="a.txt")


def test_it_splits_long_plain_text_and_markdown_into_pages():
    paragraph = "The site is in Flood Zone 1. " * 40
    pages = extract_pages(("# Title\n\n" + (paragraph + "\n\n") * 6).encode(), filename="a.md")
    assert len(pages) > 1
    assert all(len(p.text) <= 3000 for p in pages)
    assert "".join(p.text for p in pages).count("Flood Zone 1") == 240


def test_typesetting_characters_are_read_as_the_letters_and_spaces_they_stand_for():
    typeset = "The site lies in \ufb02ood Zone\u00a03 and is of signi\ufb01cant inter\u00adest.\x00"

    pages = extract_pages(typeset.encode(), filename="statement.txt")

    assert pages[0].text == "The site lies in flood Zone 3 and is of significant interest."


@pytest.mark.parametrize(("format", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_it_reads_a_scan_sent_as_an_image(format, content_type):
    pages = extract_pages(
        scanned_image(["HERITAGE STATEMENT"], format=format), content_type=content_type
    )
    assert pages[0].ocr
    assert "HERITAGE STATEMENT" in pages[0].text.upper()


def test_ocr_stops_at_the_documents_budget_and_says_which_pages_it_left(monkeypatch):
    def slow_ocr(*args, **kwargs):
        time.sleep(0.3)
        return "A page read by OCR."

    monkeypatch.setattr(text.pytesseract, "image_to_string", slow_ocr)
    budget = OcrBudget(seconds=0.5)
    started = time.monotonic()

    pages = extract_pages(_blank_pages(8), filename="blank.pdf", budget=budget)

    assert time.monotonic() - started < 3
    texts = [page.text for page in pages]
    assert texts[0] == "A page read by OCR."
    assert texts[-3:] == ["", "", ""]
    assert budget.skipped[-3:] == [6, 7, 8]
    assert "were not read" in budget.note()


def test_a_document_whose_ocr_ran_out_before_any_text_says_so(monkeypatch):
    monkeypatch.setattr(text.pytesseract, "image_to_string", lambda *a, **k: "")
    with pytest.raises(TextExtractionError, match="OCR stopped"):
        extract_pages(_blank_pages(3), filename="blank.pdf", budget=OcrBudget(seconds=0))


def test_a_huge_page_is_rendered_within_the_pixel_limit(settings, monkeypatch):
    settings.TRIAGE_OCR_MAX_PIXELS = 1_000_000
    rendered = []

    def spy(image, **kwargs):
        rendered.append(image.size)
        return "Drawing notes on a very large sheet."

    monkeypatch.setattr(text.pytesseract, "image_to_string", spy)
    extract_pages(_blank_pages(1, width=14400, height=14400), filename="big.pdf")

    width, height = rendered[0]
    assert width * height <= 1_000_000


def test_scanned_pages_are_read_side_by_side(settings, monkeypatch):
    settings.TRIAGE_OCR_WORKERS = 2
    both_reading = threading.Barrier(2, timeout=30)  # breaks unless two pages are read at once

    def ocr(image, **kwargs):
        both_reading.wait()
        return "A page read by OCR."

    monkeypatch.setattr(text.pytesseract, "image_to_string", ocr)
    pages = extract_pages(_blank_pages(4), filename="scans.pdf")
    assert [page.text for page in pages] == ["A page read by OCR."] * 4
    assert all(page.ocr for page in pages)


def test_a_text_layer_too_slow_to_read_is_read_by_ocr_instead(settings, monkeypatch):
    settings.TRIAGE_TEXT_LAYER_PAGE_SECONDS = 0.2
    calls = []

    def extract_text(page, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            time.sleep(60)  # a page whose content stream keeps the parser busy
        return "A page with a readable text layer, long enough."

    monkeypatch.setattr(PageObject, "extract_text", extract_text)
    monkeypatch.setattr(text.pytesseract, "image_to_string", lambda *a, **k: "Read by OCR.")
    started = time.monotonic()
    pages = extract_pages(_blank_pages(3), filename="slow.pdf")
    assert time.monotonic() - started < 30
    assert [(page.text, page.ocr) for page in pages] == [
        ("A page with a readable text layer, long enough.", False),
        ("Read by OCR.", True),
        ("A page with a readable text layer, long enough.", False),
    ]


def _blank_pages(count: int, width: float = 595, height: float = 842) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
