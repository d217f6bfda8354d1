"""Re-flowing a set's text as PDFs (triage.evaluation.reflow): an element export becomes what a
printed document's text layer looks like, read back by the service's own PDF extraction."""

import json

from triage.evaluation.reflow import WRAP_COLUMNS, reflow_set, reflowed_pdf
from triage.text import extract_pages

EXPORT = (
    "Header: Smith Associates Planning Consultants\n\n"
    "Text: THE SITE THE SITE\n\n"
    "Text: THE SITE The application site is a two storey semi-detached house on the east side of "
    "Meadow Lane, within the Oldfield Conservation Area, set back from the road behind a low brick "
    "wall with a hedge above it.\n\n"
    "Image: This file contains an image\n\n"
    "Text: THE PROPOSAL THE PROPOSAL\n\n"
    "Text: THE PROPOSAL A single storey rear extension is proposed.\n"
)


def test_an_element_export_prints_as_wrapped_pdf_text_with_its_titles_on_lines_of_their_own():
    pages = extract_pages(reflowed_pdf(EXPORT), filename="statement.pdf")

    lines = pages[0].text.splitlines()
    assert lines[0] == "THE SITE"
    assert lines[1].startswith("The application site is a two storey semi-detached house")
    assert all(len(line) <= WRAP_COLUMNS for line in lines)
    assert "THE PROPOSAL" in lines
    assert lines[-1] == "Page 1 of 1"
    # Furniture and element kinds are gone: only what was printed.
    assert "Smith Associates" not in pages[0].text and "Text:" not in pages[0].text


def test_a_set_is_copied_with_its_labels_naming_the_pdfs(tmp_path):
    source = tmp_path / "set"
    case = source / "case-1"
    (case / "documents").mkdir(parents=True)
    (case / "documents" / "statement.md").write_text(EXPORT)
    (case / "documents" / "plan.png").write_bytes(b"not really a picture")
    (case / "application.json").write_text(json.dumps({"reference": "26/AP/9"}))
    (case / "expected.json").write_text(
        json.dumps(
            {"findings": [{"code": "proposal.storeys", "value": "1", "document": "statement.md"}]}
        )
    )
    (source / "validation.json").write_text(
        json.dumps(
            [{"folder": "case-1", "documents": [{"file": "statement.md"}, {"file": "gone.md"}]}]
        )
    )

    renamed = reflow_set(source, tmp_path / "out")

    out = tmp_path / "out" / "case-1"
    assert renamed == {"statement.md": "statement.pdf"}
    assert sorted(p.name for p in (out / "documents").iterdir()) == ["plan.png", "statement.pdf"]
    assert json.loads((out / "expected.json").read_text())["findings"][0]["document"] == (
        "statement.pdf"
    )
    assert json.loads((out / "application.json").read_text()) == {"reference": "26/AP/9"}
    validation = json.loads((tmp_path / "out" / "validation.json").read_text())
    assert [d["file"] for d in validation[0]["documents"]] == ["statement.pdf", "gone.md"]
    # The source is untouched.
    assert sorted(p.name for p in (case / "documents").iterdir()) == ["plan.png", "statement.md"]
