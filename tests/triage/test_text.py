import pytest

from tests.triage.documents import encrypted_pdf, scanned_pdf, text_pdf
from triage.text import TextExtractionError, extract_pages


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


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n this is not really a pdf", "damaged"),
        (encrypted_pdf(), "encrypted"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "Unsupported"),
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
