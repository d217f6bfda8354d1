"""Writing a development-set document as a PDF with a text layer, from a plain-text source.

Real council documents reach us as PDFs: their text comes out with hard line breaks inside
sentences, no blank lines between paragraphs, and the same header and footer on every page.
The real-shaped development set keeps each PDF's source next to it (`sources/<name>.txt`, a
line holding only a backslash and "f" between pages) so labels can be reviewed as text; this
module turns a source into the PDF, wrapping long lines as a word processor would. No PDF
library is needed.

    python -m triage.evaluation.textpdf triage/evaluation/devset-real-shaped
"""

import io
import re
import sys
import textwrap
from pathlib import Path

WRAP_COLUMNS = 92
LINES_PER_PAGE = 90
# A line holding only a backslash and "f" (or a form feed) ends a page.
PAGE_BREAK = re.compile(r"^(?:\\f|\f)$", re.MULTILINE)


def printable(text: str) -> str:
    """The text as the font can show it: what Windows-1252 lacks becomes "?"."""
    return text.encode("cp1252", "replace").decode("cp1252")


def _escape(text: str) -> bytes:
    # WinAnsiEncoding is cp1252: curly quotes, dashes, the pound sign and "²" survive.
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def wrap_page(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= WRAP_COLUMNS:
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, WRAP_COLUMNS, break_on_hyphens=False))
    return lines


def text_pdf(
    pages: list[list[str]], *, size: int = 8, leading: int = 9, at: tuple[int, int] = (30, 820)
) -> bytes:
    """A valid PDF with one Helvetica text line per input line, one page per list of lines:
    `size`-point type, `leading` points apart, the first line `at` (x, y) from the bottom left
    of an A4 page."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for index, lines in enumerate(pages):
        stream = f"BT /F1 {size} Tf {leading} TL {at[0]} {at[1]} Td\n".encode()
        stream += b"".join(b"(" + _escape(line) + b") Tj T*\n" for line in lines)
        stream += b"ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {page_ids[index] + 1} 0 R >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def source_pages(source: str) -> list[list[str]]:
    pages = [wrap_page(page.strip("\n")) for page in PAGE_BREAK.split(source)]
    for number, lines in enumerate(pages, start=1):
        if len(lines) > LINES_PER_PAGE:
            raise ValueError(f"page {number} has {len(lines)} lines; at most {LINES_PER_PAGE} fit")
    return pages


def build(set_dir: Path) -> list[Path]:
    """(Re)write every documents/<name>.pdf whose source is sources/<name>.txt."""
    written = []
    for source in sorted(set_dir.glob("*/sources/*.txt")):
        target = source.parents[1] / "documents" / f"{source.stem}.pdf"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(text_pdf(source_pages(source.read_text(encoding="utf-8"))))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1])):
        print(path)
