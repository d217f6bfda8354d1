"""Every spec, in the order the engine offers a sentence to them, and settling each code's
candidates in a document by its own spec."""

from collections import defaultdict

from triage.extractors.specs.constraints import (
    ARTICLE_4,
    CONSERVATION_AREA,
    FLOOD_ZONE,
    GREEN_BELT,
    LISTED_BUILDING,
    TREE_PRESERVATION_ORDER,
)
from triage.extractors.specs.numbers import DWELLINGS, FLOORSPACE, STOREYS
from triage.extractors.specs.policies import LOCAL_POLICY, NPPF_PARAGRAPH
from triage.extractors.specs.reading import Candidate, Spec
from triage.extractors.specs.yes_no import BASEMENT, CHANGE_OF_USE, DEMOLITION, TREE_WORKS
from triage.finding_specs import FINDING_SPECS
from triage.vocabulary import FindingCode

SPECS: tuple[Spec, ...] = (
    CONSERVATION_AREA,
    LISTED_BUILDING,
    TREE_PRESERVATION_ORDER,
    FLOOD_ZONE,
    GREEN_BELT,
    ARTICLE_4,
    DWELLINGS,
    STOREYS,
    FLOORSPACE,
    DEMOLITION,
    CHANGE_OF_USE,
    TREE_WORKS,
    BASEMENT,
    NPPF_PARAGRAPH,
    LOCAL_POLICY,
)


def settle(candidates: list[Candidate]) -> list[Candidate]:
    """Each code's candidates in a document, settled by its spec."""
    by_code: dict[FindingCode, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_code[candidate.code].append(candidate)
    specs = {spec.code: spec for spec in SPECS}
    settled: list[Candidate] = []
    for code, group in by_code.items():
        settled.extend(specs[code].settle(group))
    return settled


# The rules engine reads every code the shared registry defines, and no other.
assert {spec.code for spec in SPECS} == set(FINDING_SPECS), "rules specs and finding specs differ"
