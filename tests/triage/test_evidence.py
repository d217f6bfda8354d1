"""The evaluation's evidence check: a finding counts only when its quote is on the cited page
and supports the value."""

from triage.evaluation.evidence import NOT_ON_PAGE, UNSUPPORTED, evidence_problem, supports
from triage.extractors.base import DocumentInput
from triage.schemas import DocumentEvidence, FindingDraft
from triage.text import PageText
from triage.vocabulary import Origin, Strength

PAGE = "The site lies within the Camberwell Grove Conservation Area. It is not listed."


def draft(code: str, value: str, quote: str, page: int = 1) -> FindingDraft:
    return FindingDraft(
        code=code,
        value=value,
        title="t",
        source="document",
        origin=Origin.RULES,
        engine="rules",
        strength=Strength.DIRECT,
        evidence=DocumentEvidence(document="d.txt", page=page, quote=quote),
    )


DOCUMENTS = {"d.txt": DocumentInput("d.txt", "d.txt", [PageText(1, PAGE)])}


def test_a_quote_on_its_page_that_says_the_value_holds():
    quote = "lies within the Camberwell Grove Conservation Area"
    assert (
        evidence_problem(draft("constraint.conservation_area", "present", quote), DOCUMENTS) == ""
    )


def test_a_quote_from_another_page_or_invented_does_not():
    assert (
        evidence_problem(
            draft("constraint.listed_building", "absent", "It is not listed.", 2), DOCUMENTS
        )
        == NOT_ON_PAGE
    )
    assert (
        evidence_problem(
            draft("constraint.listed_building", "absent", "The house is not listed."), DOCUMENTS
        )
        == NOT_ON_PAGE
    )


def test_a_quote_that_does_not_say_the_value_does_not():
    finding = draft("constraint.listed_building", "absent", "lies within the Camberwell Grove")
    assert evidence_problem(finding, DOCUMENTS) == UNSUPPORTED


def test_values_are_supported_by_their_own_words():
    assert supports("proposal.dwellings", "48", "forty-eight new homes are proposed")
    assert supports("proposal.floorspace_m2", "200", "an extension of 2,153 sq ft")
    assert supports("proposal.dwellings", "0", "a one-for-one replacement of the bungalow")
    assert supports("proposal.storeys", "1", "a single storey rear extension")
    assert supports("policy.local", "P13", "Southwark Plan policy P 13 (Design of places)")
    assert supports("constraint.flood_zone", "present", "the site is in Flood Zone 3a")
    assert not supports("constraint.flood_zone", "present", "the site is in Flood Zone 1")
    assert not supports("proposal.basement", "no", "a basement is proposed")
    assert not supports("proposal.storeys", "4", "a three storey building")
