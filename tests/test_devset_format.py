"""The evaluation development set (triage/evaluation/devset) is well-formed and its labels are
plausible, so that `triage_eval` scores engines against sound expectations.

Format: docs/evaluation-set.md. These checks are what a council adding its own cases should
run too: `pytest tests/test_devset_format.py`.
"""

import json
import re
from collections import Counter
from pathlib import Path

import numpy
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from triage.evaluation.evidence import NUMBER_WORDS, SQUARE_FEET_PER_SQUARE_METRE, TENS
from triage.vocabulary import (
    ABSENT,
    CONSTRAINT_CODES,
    NUMBER_CODES,
    PRESENT,
    YES_NO_CODES,
    FindingCode,
)

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "triage" / "evaluation" / "devset"
SHARED_CONSTRAINTS = ROOT.parent / "shared" / "data" / "constraints"
CASES = sorted(path for path in DEVSET.iterdir() if path.is_dir())
CASE_IDS = [case.name for case in CASES]

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
MIN_EXAMPLES_PER_CODE = 5
MIN_CASES = 30

# What a document must mention at all for a label of that code to be plausible.
CODE_KEYWORDS = {
    FindingCode.CONSERVATION_AREA: ["conservation area"],
    FindingCode.LISTED_BUILDING: ["listed"],
    FindingCode.TREE_PRESERVATION_ORDER: ["tree preservation order", "tpo"],
    FindingCode.FLOOD_ZONE: ["flood zone"],
    FindingCode.GREEN_BELT: ["green belt"],
    FindingCode.ARTICLE_4: ["article 4"],
    FindingCode.DEMOLITION: ["demoli", "taken down"],
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


def all_findings(cases=None):
    for case in CASES if cases is None else cases:
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


def test_it_has_enough_cases():
    assert len(CASES) >= MIN_CASES


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_a_well_formed_application(case):
    application, _ = load(case)

    assert set(application) <= APPLICATION_KEYS
    for key in ("reference", "application_type", "description"):
        assert isinstance(application[key], str) and application[key].strip(), key
    assert re.fullmatch(r"[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*", application["application_type"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_a_valid_site_in_great_britain_when_given(case):
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


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_has_documents_of_accepted_types(case):
    documents = [path for path in (case / "documents").iterdir() if path.is_file()]

    assert documents
    for path in documents:
        assert path.suffix in DOCUMENT_SUFFIXES, path.name
        assert document_text(path).strip(), f"{path.name} has no text"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_labels_only_vocabulary_codes_with_canonical_values(case):
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


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_it_labels_what_the_document_plausibly_says(case):
    check_labels_plausible(case)


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


def test_it_uses_real_constraint_names_from_the_layers():
    check_real_constraint_names(CASES)


def test_it_covers_every_code_and_both_polarities():
    check_code_coverage(CASES, MIN_EXAMPLES_PER_CODE)


def test_it_keeps_the_hard_cases():
    cases_without_findings = [case for case in CASES if not load(case)[1]["findings"]]
    documents_instructing_a_model = [
        path
        for case in CASES
        for path in (case / "documents").iterdir()
        if "ignore previous instructions" in normalised(document_text(path))
    ]

    assert len(cases_without_findings) >= 2
    assert documents_instructing_a_model
