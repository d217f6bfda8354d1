"""Our evaluation sets are well-formed and their labels plausible, so that `triage_eval` scores
engines against sound expectations: the development set (triage/evaluation/devset), the
real-shaped development set (devset-real-shaped: the shapes real council documents have, forms
with lost tick boxes, quoted law, histories, OCR noise) and the held-out set (holdout: for
measuring, never for tuning). One set of rules for all three, each set with its own sizes.

Format: docs/evaluation-set.md. These checks are what a council adding its own cases should
run too: `pytest tests/test_evaluation_sets.py`.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import pytest
import shapely
from pypdf import PdfReader
from pyproj import Transformer
from shapely.geometry import shape

from triage.evaluation.evidence import NUMBER_WORDS, SQUARE_FEET_PER_SQUARE_METRE, TENS
from triage.evaluation.textpdf import source_pages, text_pdf
from triage.vocabulary import (
    ABSENT,
    CONSTRAINT_CODES,
    NUMBER_CODES,
    PRESENT,
    YES_NO_CODES,
    FindingCode,
)

ROOT = Path(__file__).resolve().parents[1]
SETS_ROOT = ROOT / "triage" / "evaluation"
SHARED_CONSTRAINTS = ROOT.parent / "shared" / "data" / "constraints"

DOCUMENT_SUFFIXES = {".pdf", ".txt", ".md"}
APPLICATION_KEYS = {"reference", "council", "application_type", "description", "site"}
FINDING_KEYS = {"code", "value", "document", "attributes"}
# Great Britain, generously: the Scillies to Shetland, Land's End to Lowestoft.
GB_BOUNDS = (-8.7, 49.8, 1.8, 60.9)
TO_BRITISH_NATIONAL_GRID = Transformer.from_crs(4326, 27700, always_xy=True)
LISTED_GRADES = {"I", "II*", "II"}
FLOOD_ZONES = {"1", "2", "3"}
# The NPPF (December 2024) runs to paragraph 232 plus annexes.
NPPF_LAST_PARAGRAPH = 232

# What a document must mention at all for a label of that code to be plausible.
CODE_KEYWORDS = {
    FindingCode.CONSERVATION_AREA: ["conservation area"],
    FindingCode.LISTED_BUILDING: ["listed"],
    FindingCode.TREE_PRESERVATION_ORDER: ["tree preservation order", "tpo"],
    FindingCode.FLOOD_ZONE: ["flood zone"],
    FindingCode.GREEN_BELT: ["green belt"],
    FindingCode.ARTICLE_4: ["article 4"],
    FindingCode.DEMOLITION: ["demoli", "taken down", "remov", "take down", "deconstruct"],
    FindingCode.CHANGE_OF_USE: ["change of use", "conver", "use class", "class e", "class c"],
    FindingCode.TREE_WORKS: ["tree", "fell", "prun"],
    FindingCode.BASEMENT: ["basement"],
    FindingCode.NPPF_PARAGRAPH: ["nppf", "national planning policy framework"],
}
# "No net new dwellings" is said in many ways; one of these must be there for a label of 0.
ZERO_PHRASES = ["no net", "no new", "no additional", "not create any additional", "one-for-one"]


def number_in_words(number: int) -> str | None:
    if number < len(NUMBER_WORDS):
        return NUMBER_WORDS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        word = TENS[tens * 10]
        return word if units == 0 else f"{word}-{NUMBER_WORDS[units]}"
    if number % 100 == 0 and number < 1000:
        return f"{NUMBER_WORDS[number // 100]} hundred"
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        rest_word = number_in_words(rest)
        return f"{NUMBER_WORDS[hundreds]} hundred and {rest_word}"
    return None


def numbers_in(text: str) -> list[float]:
    """Every number written in digits, with thousands separators removed."""
    return [float(match.replace(",", "")) for match in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def square_feet_figures(text: str) -> list[float]:
    found = re.findall(r"(\d[\d,]*(?:\.\d+)?)\s*(?:sq\.?\s*ft|square feet|ft2|ft²)", text)
    return [float(figure.replace(",", "")) for figure in found]


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


def document_text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8")


def load(case: Path) -> tuple[dict, dict]:
    application = json.loads((case / "application.json").read_text(encoding="utf-8"))
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return application, expected


def all_findings(cases):
    for case in cases:
        for finding in load(case)[1]["findings"]:
            yield case, finding


def layer_names() -> dict[str, set[str]]:
    """Real names from the shared constraint layers, by code; empty when the data is absent."""
    names: dict[str, set[str]] = {}
    if not SHARED_CONSTRAINTS.exists():
        return names

    def read(relative: str, field: str) -> set[str]:
        collection = json.loads((SHARED_CONSTRAINTS / relative).read_text(encoding="utf-8"))
        return {str(feature["properties"][field]) for feature in collection["features"]}

    names[FindingCode.CONSERVATION_AREA] = read(
        "southwark/conservation-area.geojson", "Conservation_area"
    ) | read("trafford/trafford_conservation_areas.geojson", "site_name")
    names[FindingCode.ARTICLE_4] = {
        # "Article_4___HMO_Henshaw_Street" -> "HMO Henshaw Street"
        re.sub(r"_+", " ", layer.removeprefix("Article_4")).strip()
        for layer in read("southwark/article-4-direction-area.geojson", "source_layer")
    }
    return names


def check_application(case):
    application, _ = load(case)

    assert set(application) <= APPLICATION_KEYS
    for key in ("reference", "application_type", "description"):
        assert isinstance(application[key], str) and application[key].strip(), key
    assert re.fullmatch(r"[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*", application["application_type"])


def check_site(case):
    application, _ = load(case)
    if "site" not in application:
        pytest.skip("no site given")

    site = application["site"]
    assert site["type"] == "Polygon"
    polygon = shape(site)
    assert polygon.is_valid and not polygon.is_empty
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    assert GB_BOUNDS[0] <= min_lon and max_lon <= GB_BOUNDS[2]
    assert GB_BOUNDS[1] <= min_lat and max_lat <= GB_BOUNDS[3]
    area_m2 = shapely.transform(
        polygon,
        lambda xy: numpy.column_stack(TO_BRITISH_NATIONAL_GRID.transform(xy[:, 0], xy[:, 1])),
    ).area
    assert 10 <= area_m2 <= 500_000, f"site area {area_m2:.0f} m²"


def check_documents(case):
    documents = [path for path in (case / "documents").iterdir() if path.is_file()]

    assert documents
    for path in documents:
        assert path.suffix in DOCUMENT_SUFFIXES, path.name
        assert document_text(path).strip(), f"{path.name} has no text"


def check_canonical_values(case):
    _, expected = load(case)

    assert set(expected) == {"findings"}
    seen = set()
    for finding in expected["findings"]:
        assert set(finding) <= FINDING_KEYS and {"code", "value", "document"} <= set(finding)
        code, value = FindingCode(finding["code"]), finding["value"]
        assert (case / "documents" / finding["document"]).is_file(), finding["document"]
        attributes = finding.get("attributes", {})
        assert isinstance(attributes, dict)
        if code in CONSTRAINT_CODES:
            assert value in {PRESENT, ABSENT}
        elif code in YES_NO_CODES:
            assert value in {"yes", "no"}
        elif code in NUMBER_CODES:
            assert re.fullmatch(r"0|[1-9]\d*", value), value
        elif code == FindingCode.NPPF_PARAGRAPH:
            assert re.fullmatch(r"[1-9]\d*", value) and int(value) <= NPPF_LAST_PARAGRAPH
        elif code == FindingCode.LOCAL_POLICY:
            assert re.fullmatch(r"[A-Z][A-Z0-9.]*", value), value
        if code == FindingCode.FLOOD_ZONE and "zone" in attributes:
            assert attributes["zone"] in FLOOD_ZONES
            assert (value == PRESENT) == (attributes["zone"] in {"2", "3"})
        if code == FindingCode.LISTED_BUILDING and "grade" in attributes:
            assert attributes["grade"] in LISTED_GRADES
            assert value == PRESENT
        key = (code, value, finding["document"])
        assert key not in seen, f"duplicate label {key}"
        seen.add(key)


def check_labels_plausible(case, keywords=CODE_KEYWORDS) -> None:
    """Each label is supported by its document: a keyword of its code, its number (or the
    number's word form), its paragraph or policy reference, and any name it gives."""
    _, expected = load(case)

    for finding in expected["findings"]:
        code, value = FindingCode(finding["code"]), finding["value"]
        text = normalised(document_text(case / "documents" / finding["document"]))
        label = f"{code}={value} in {finding['document']}"
        if code in keywords:
            assert any(word in text for word in keywords[code]), label
        if code in NUMBER_CODES:
            assert_number_plausible(code, int(value), text, label)
        elif code == FindingCode.NPPF_PARAGRAPH:
            assert re.search(rf"\b{value}\b", text), label
        elif code == FindingCode.LOCAL_POLICY:
            assert re.search(rf"\b{re.escape(value.lower())}\b", text), label
        assert_name_plausible(code, finding.get("attributes", {}).get("name"), text, label)


def assert_name_plausible(code: FindingCode, name: str | None, text: str, label: str) -> None:
    """A conservation area is named as such; an Article 4 direction is described in words
    ("the Article 4 Direction for public houses"), so each word of its name must appear."""
    if not name:
        return
    text = text.replace("'", "")
    if code == FindingCode.ARTICLE_4:
        missing = [word for word in normalised(name).split() if word not in text]
        assert not missing, f"{label}: name {name!r}, missing {missing}"
    else:
        assert normalised(name) in text, f"{label}: name {name!r}"


def assert_number_plausible(code: FindingCode, number: int, text: str, label: str) -> None:
    if number == 0:
        assert any(phrase in text for phrase in ZERO_PHRASES), label
        return
    if number in numbers_in(text):
        return
    word = number_in_words(number)
    if word and re.search(rf"\b{word}\b", text):
        return
    if code == FindingCode.STOREYS and number == 1 and "single storey" in text.replace("-", " "):
        return
    if code == FindingCode.FLOORSPACE:
        converted = [feet / SQUARE_FEET_PER_SQUARE_METRE for feet in square_feet_figures(text)]
        if any(abs(metres - number) <= max(1.0, number * 0.01) for metres in converted):
            return
    pytest.fail(f"{label}: neither the number nor its word form is in the document")


def check_real_constraint_names(cases) -> None:
    """Every name a label gives is the name of a feature in the real layers."""
    names = layer_names()
    if not names:
        pytest.skip("the shared constraint layers are not on this machine")

    for case, finding in all_findings(cases):
        name = finding.get("attributes", {}).get("name")
        if name and finding["code"] in names:
            assert name in names[finding["code"]], f"{case.name}: {name!r} is not a layer name"


def check_code_coverage(cases, minimum_per_code: int) -> None:
    """Each code has enough labels, and every constraint and yes/no code appears both ways."""
    labels = Counter((finding["code"], finding["value"]) for _, finding in all_findings(cases))
    per_code = Counter(finding["code"] for _, finding in all_findings(cases))

    for code in FindingCode:
        assert per_code[code] >= minimum_per_code, code
    for code in CONSTRAINT_CODES:
        assert labels[(code, PRESENT)] and labels[(code, ABSENT)], code
    for code in YES_NO_CODES:
        assert labels[(code, "yes")] and labels[(code, "no")], code


@dataclass(frozen=True)
class EvaluationSet:
    name: str
    min_cases: int
    min_examples_per_code: int
    keywords: dict = field(default_factory=lambda: CODE_KEYWORDS)

    @property
    def root(self) -> Path:
        return SETS_ROOT / self.name

    @property
    def cases(self) -> list[Path]:
        return sorted(path for path in self.root.iterdir() if path.is_dir())

    @property
    def documents(self) -> list[Path]:
        return [path for case in self.cases for path in sorted((case / "documents").iterdir())]


# Agents describe a basement without the word ("lower ground floor excavation"); an officer
# still reads it as one, so the held-out set's plausibility check accepts those phrases.
HOLDOUT_KEYWORDS = {
    **CODE_KEYWORDS,
    FindingCode.BASEMENT: [*CODE_KEYWORDS[FindingCode.BASEMENT], "lower ground floor", "cellar"],
}
SETS = {
    evaluation_set.name: evaluation_set
    for evaluation_set in (
        EvaluationSet("devset", min_cases=30, min_examples_per_code=5),
        # 28 cases, 43 documents of real shapes: three examples a code still shows each is
        # exercised rather than present by accident.
        EvaluationSet("devset-real-shaped", min_cases=25, min_examples_per_code=3),
        # Twelve cases cannot give every code five examples.
        EvaluationSet("holdout", min_cases=12, min_examples_per_code=3, keywords=HOLDOUT_KEYWORDS),
    )
}
CASES = [
    (evaluation_set, case) for evaluation_set in SETS.values() for case in evaluation_set.cases
]
CASE_IDS = [f"{evaluation_set.name}/{case.name}" for evaluation_set, case in CASES]
EACH_SET = pytest.mark.parametrize("evaluation_set", SETS.values(), ids=list(SETS))
EACH_CASE = pytest.mark.parametrize(("evaluation_set", "case"), CASES, ids=CASE_IDS)


@EACH_SET
def test_it_has_enough_cases(evaluation_set):
    assert len(evaluation_set.cases) >= evaluation_set.min_cases


@EACH_CASE
def test_it_has_a_well_formed_application(evaluation_set, case):
    check_application(case)


@EACH_CASE
def test_it_has_a_valid_site_in_great_britain_when_given(evaluation_set, case):
    check_site(case)


@EACH_CASE
def test_it_has_documents_of_accepted_types(evaluation_set, case):
    check_documents(case)


@EACH_CASE
def test_it_labels_only_vocabulary_codes_with_canonical_values(evaluation_set, case):
    check_canonical_values(case)


@EACH_CASE
def test_it_labels_what_the_document_plausibly_says(evaluation_set, case):
    check_labels_plausible(case, keywords=evaluation_set.keywords)


@EACH_SET
def test_it_uses_real_constraint_names_from_the_layers(evaluation_set):
    check_real_constraint_names(evaluation_set.cases)


@EACH_SET
def test_it_covers_every_code_and_both_polarities(evaluation_set):
    check_code_coverage(evaluation_set.cases, evaluation_set.min_examples_per_code)


def cases_without_findings(evaluation_set: EvaluationSet) -> list[Path]:
    return [case for case in evaluation_set.cases if not load(case)[1]["findings"]]


def documents_instructing_a_model(evaluation_set: EvaluationSet) -> list[Path]:
    return [
        path
        for path in evaluation_set.documents
        if "ignore previous instructions" in normalised(document_text(path))
    ]


def test_the_development_set_keeps_the_hard_cases():
    devset = SETS["devset"]
    assert len(cases_without_findings(devset)) >= 2
    assert documents_instructing_a_model(devset)


def test_the_held_out_set_keeps_the_hard_cases():
    holdout = SETS["holdout"]
    assert cases_without_findings(holdout)
    assert documents_instructing_a_model(holdout)


HOLDOUT_DOCUMENTS = SETS["holdout"].documents
HOLDOUT_DOCUMENT_WORDS = (300, 1200)


@pytest.mark.parametrize(
    "path", HOLDOUT_DOCUMENTS, ids=[f"{p.parents[1].name}/{p.name}" for p in HOLDOUT_DOCUMENTS]
)
def test_the_held_out_documents_are_of_realistic_length(path):
    words = len(document_text(path).split())
    low, high = HOLDOUT_DOCUMENT_WORDS
    assert low <= words <= high, f"{words} words"


REAL_SHAPED = SETS["devset-real-shaped"]
REAL_SHAPED_MIN_DOCUMENTS = 30
SOURCES = sorted(REAL_SHAPED.root.glob("*/sources/*.txt"))
# A line of a form whose tick state the PDF's text layer lost: both answers, nothing chosen.
LOST_TICK_BOX = re.compile(r"^Yes\s*\n\s*No\s*$", re.MULTILINE)


def test_the_real_shaped_set_has_enough_documents():
    assert len(REAL_SHAPED.documents) >= REAL_SHAPED_MIN_DOCUMENTS


@pytest.mark.parametrize("source", SOURCES, ids=[f"{p.parents[1].name}/{p.name}" for p in SOURCES])
def test_each_real_shaped_pdf_is_built_from_its_committed_source(source):
    pdf = source.parents[1] / "documents" / f"{source.stem}.pdf"

    assert pdf.read_bytes() == text_pdf(source_pages(source.read_text(encoding="utf-8"))), (
        "rebuild with: python -m triage.evaluation.textpdf triage/evaluation/devset-real-shaped"
    )


def test_the_real_shaped_set_keeps_the_shapes_of_real_documents():
    corpus = {path: document_text(path) for path in REAL_SHAPED.documents}
    everything = "\n".join(corpus.values())
    forms = [path for path, text in corpus.items() if LOST_TICK_BOX.search(text)]
    long_pdfs = [
        path
        for path in REAL_SHAPED.documents
        if path.suffix == ".pdf" and len(PdfReader(path).pages) >= 3
    ]
    lowered = normalised(everything)

    assert len(forms) >= 8, "Planning Portal forms with lost tick boxes"
    assert "planning (listed buildings and conservation areas) act 1990" in lowered
    assert "should be exceptional" in lowered  # NPPF 213 quoted word for word
    assert re.search(r"grade (?:il|11)\b", lowered), "OCR noise in grades"
    assert "planning history" in lowered and "refused" in lowered
    assert "appendix" in lowered and "methodology" in lowered
    assert len(long_pdfs) >= 8, "documents of several pages, with running headers and footers"
    assert cases_without_findings(REAL_SHAPED)
