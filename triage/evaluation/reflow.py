"""A labelled set re-flowed as PDFs, to measure how much the scores owe to the shape of its text.

A council's register may publish a document's text one element per line ("Text: <section
title> <paragraph>"); most councils publish only the PDF, whose text layer breaks every line
where the page did, inside names and sentences, with no blank line between paragraphs and a
footer on every page. `reflow_set` writes a copy of a set in that second shape: each text
document printed as a word processor would (section titles on their own lines, paragraphs
wrapped at WRAP_COLUMNS, LINES_PER_PAGE lines and a page footer to a page) into a PDF with a
text layer, which the service then reads with its own PDF text extraction. The labels are
copied with the document names changed; nothing else. The copy is for a temporary folder:
a set that may only be read where it lies is never written into the project.
"""

import json
import shutil
import textwrap
from pathlib import Path

from triage.evaluation.case_checks import CHECKS_FILE
from triage.evaluation.runner import EXPECTED_FILE, case_folders
from triage.evaluation.textpdf import printable, text_pdf
from triage.evaluation.validation_set import VALIDATION_FILE
from triage.structure import export_elements
from triage.text import TEXT_SUFFIXES

WRAP_COLUMNS = 92
LINES_PER_PAGE = 80


def reflowed_lines(text: str) -> list[str]:
    """The document's lines as printed: an element export's sections and paragraphs, or the
    text's own lines, wrapped at WRAP_COLUMNS."""
    elements = export_elements(text)
    paragraphs = (
        [body for _kind, body, _is_title in elements] if elements is not None else text.splitlines()
    )
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, WRAP_COLUMNS, break_on_hyphens=False) or [""])
    return lines


def reflowed_pdf(text: str) -> bytes:
    """The document as a PDF: LINES_PER_PAGE lines a page, each page ending "Page N of M"."""
    lines = [printable(line) for line in reflowed_lines(text)] or [""]
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    return text_pdf(
        [[*chunk, f"Page {n} of {len(chunks)}"] for n, chunk in enumerate(chunks, start=1)]
    )


def reflow_set(source: Path, target: Path) -> dict[str, str]:
    """Write `source`'s cases into `target` with every text document as a PDF; returns the
    document names changed ({old: new})."""
    renamed: dict[str, str] = {}
    for folder in case_folders(source):
        case = target / folder.name
        (case / "documents").mkdir(parents=True)
        for document in sorted((folder / "documents").iterdir()):
            if document.suffix.lower() in TEXT_SUFFIXES:
                name = f"{document.stem}.pdf"
                text = document.read_text(encoding="utf-8", errors="replace")
                (case / "documents" / name).write_bytes(reflowed_pdf(text))
                renamed[document.name] = name
            else:
                shutil.copy(document, case / "documents" / document.name)
        for name in folder.iterdir():
            if name.is_file():
                shutil.copy(name, case / name.name)
        _rename_in_labels(case, renamed)
    if (source / VALIDATION_FILE).is_file():
        applications = json.loads((source / VALIDATION_FILE).read_text(encoding="utf-8"))
        for application in applications:
            for document in application.get("documents", []):
                document["file"] = renamed.get(document["file"], document["file"])
        (target / VALIDATION_FILE).write_text(json.dumps(applications), encoding="utf-8")
    return renamed


def _rename_in_labels(case: Path, renamed: dict[str, str]) -> None:
    expected_path = case / EXPECTED_FILE
    if expected_path.is_file():
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        for row in expected.get("findings", []):
            row["document"] = renamed.get(row["document"], row["document"])
        expected_path.write_text(json.dumps(expected), encoding="utf-8")
    checks_path = case / CHECKS_FILE
    if checks_path.is_file():
        checks = json.loads(checks_path.read_text(encoding="utf-8"))
        checks["document_types"] = {
            renamed.get(name, name): kind for name, kind in checks.get("document_types", {}).items()
        }
        checks_path.write_text(json.dumps(checks), encoding="utf-8")
