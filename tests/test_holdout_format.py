"""The held-out evaluation set (triage/evaluation/holdout) is well-formed by the same rules as
the development set, so that its precision and recall figures mean the same thing.

The held-out set is for measuring, never for tuning: see docs/evaluation-set.md. The per-case
checks are the development set's own (tests/test_devset_format.py), applied to this folder.
"""

from pathlib import Path

import pytest

from tests.test_devset_format import (
    CODE_KEYWORDS,
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
from triage.vocabulary import FindingCode

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT = ROOT / "triage" / "evaluation" / "holdout"
CASES = sorted(path for path in HOLDOUT.iterdir() if path.is_dir())
CASE_IDS = [case.name for case in CASES]
DOCUMENTS = [path for case in CASES for path in sorted((case / "documents").iterdir())]
DOCUMENT_IDS = [f"{path.parents[1].name}/{path.name}" for path in DOCUMENTS]

# Agents describe a basement without the word ("lower ground floor excavation"); an officer
# still reads it as one, so the plausibility check accepts those phrases for this set.
KEYWORDS = {
    **CODE_KEYWORDS,
    FindingCode.BASEMENT: [*CODE_KEYWORDS[FindingCode.BASEMENT], "lower ground floor", "cellar"],
}
# Twelve cases cannot give every code the development set's five examples; three still shows
# a code is exercised rather than present by accident.
MIN_EXAMPLES_PER_CODE = 3
MIN_CASES = 12
DOCUMENT_WORDS = (300, 1200)


def test_it_has_enough_cases():
    assert len(CASES) >= MIN_CASES


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_a_well_formed_application(case):
    check_application(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_a_valid_site_in_great_britain_when_given(case):
    check_site(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_documents_of_accepted_types(case):
    check_documents(case)


@pytest.mark.parametrize("path", DOCUMENTS, ids=DOCUMENT_IDS)
def test_it_has_documents_of_realistic_length(path):
    words = len(document_text(path).split())

    assert DOCUMENT_WORDS[0] <= words <= DOCUMENT_WORDS[1], f"{words} words"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_labels_only_vocabulary_codes_with_canonical_values(case):
    check_canonical_values(case)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_labels_what_the_document_plausibly_says(case):
    check_labels_plausible(case, keywords=KEYWORDS)


def test_it_uses_real_constraint_names_from_the_layers():
    check_real_constraint_names(CASES)


def test_it_covers_every_code_and_both_polarities():
    check_code_coverage(CASES, MIN_EXAMPLES_PER_CODE)


def test_it_keeps_the_hard_cases():
    cases_without_findings = [case for case in CASES if not load(case)[1]["findings"]]
    documents_instructing_a_model = [
        path
        for path in DOCUMENTS
        if "ignore previous instructions" in normalised(document_text(path))
    ]

    assert cases_without_findings
    assert documents_instructing_a_model
