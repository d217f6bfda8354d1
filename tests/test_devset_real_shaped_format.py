"""The real-shaped development set (triage/evaluation/devset-real-shaped) is well-formed by the
development set's rules, and keeps the shapes of text that real council documents have and our
first development set lacked: Planning Portal form text with its questions, guidance and lost
tick boxes, quoted law and NPPF paragraphs, methodology tables, planning histories, the wider
area, appendices and OCR noise. Format and labelling rules: docs/evaluation-set.md.
"""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.test_devset_format import (
    check_code_coverage,
    check_labels_plausible,
    check_real_constraint_names,
    document_text,
    load,
    normalised,
)
from tests.test_devset_format import (
    test_it_has_a_valid_site_in_great_britain_when_given as check_site,
)
from tests.test_devset_format import (
    test_it_has_a_well_formed_application as check_application,
)
from tests.test_devset_format import (
    test_it_has_documents_of_accepted_types as check_documents,
)
from tests.test_devset_format import (
    test_it_labels_only_vocabulary_codes_with_canonical_values as check_canonical_values,
)
from triage.evaluation.textpdf import source_pages, text_pdf

ROOT = Path(__file__).resolve().parents[1]
REAL_SHAPED = ROOT / "triage" / "evaluation" / "devset-real-shaped"
CASES = sorted(path for path in REAL_SHAPED.iterdir() if path.is_dir())
CASE_IDS = [case.name for case in CASES]
DOCUMENTS = [path for case in CASES for path in sorted((case / "documents").iterdir())]
SOURCES = sorted(REAL_SHAPED.glob("*/sources/*.txt"))
SOURCE_IDS = [f"{path.parents[1].name}/{path.name}" for path in SOURCES]
MIN_DOCUMENTS = 30
MIN_EXAMPLES_PER_CODE = 3
# A line of a form whose tick state the PDF's text layer lost: both answers, nothing chosen.
LOST_TICK_BOX = re.compile(r"^Yes\s*\n\s*No\s*$", re.MULTILINE)


def texts() -> dict[Path, str]:
    return {path: document_text(path) for path in DOCUMENTS}


def test_it_has_enough_documents():
    assert len(DOCUMENTS) >= MIN_DOCUMENTS


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_a_well_formed_application(case):
    check_application(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_a_valid_site_in_great_britain_when_given(case):
    check_site(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_documents_of_accepted_types(case):
    check_documents(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_labels_only_vocabulary_codes_with_canonical_values(case):
    check_canonical_values(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_labels_what_the_document_plausibly_says(case):
    check_labels_plausible(case)


def test_it_uses_real_constraint_names_from_the_layers():
    check_real_constraint_names(CASES)


def test_it_covers_every_code_and_both_polarities():
    check_code_coverage(CASES, MIN_EXAMPLES_PER_CODE)


@pytest.mark.parametrize("source", SOURCES, ids=SOURCE_IDS)
def test_each_pdf_is_built_from_its_committed_source(source):
    pdf = source.parents[1] / "documents" / f"{source.stem}.pdf"

    assert pdf.read_bytes() == text_pdf(source_pages(source.read_text(encoding="utf-8"))), (
        "rebuild with: python -m triage.evaluation.textpdf triage/evaluation/devset-real-shaped"
    )


def test_it_keeps_the_shapes_of_real_documents():
    corpus = texts()
    everything = "\n".join(corpus.values())
    forms = [path for path, text in corpus.items() if LOST_TICK_BOX.search(text)]
    long_pdfs = [
        path for path in DOCUMENTS if path.suffix == ".pdf" and len(PdfReader(path).pages) >= 3
    ]
    lowered = normalised(everything)

    assert len(forms) >= 8, "Planning Portal forms with lost tick boxes"
    assert "planning (listed buildings and conservation areas) act 1990" in lowered
    assert "should be exceptional" in lowered  # NPPF 213 quoted word for word
    assert re.search(r"grade (?:il|11)\b", lowered), "OCR noise in grades"
    assert "planning history" in lowered and "refused" in lowered
    assert "appendix" in lowered and "methodology" in lowered
    assert len(long_pdfs) >= 8, "documents of several pages, with running headers and footers"
    cases_without_findings = [case for case in CASES if not load(case)[1]["findings"]]
    assert cases_without_findings
