from triage.extractors.base import ApplicationFacts, DocumentInput
from triage.extractors.rules import RulesExtractor, gazetteer_from_layers
from triage.quotes import quote_on_page
from triage.text import PageText

FACTS = ApplicationFacts(reference="26/AP/1", application_type="pp.full", description="")


def extract(*pages: str, gazetteer=None) -> dict[tuple[str, str], dict]:
    document = DocumentInput(
        key="doc.md", name="doc.md", pages=[PageText(i, t) for i, t in enumerate(pages, 1)]
    )
    result = RulesExtractor(gazetteer=gazetteer).extract(FACTS, [document])
    for finding in result.findings:
        # Every quote is cut from the page itself, so it always verifies.
        assert quote_on_page(finding.evidence.quote, pages[finding.evidence.page - 1])
    return {(f.code, f.value): f.attributes for f in result.findings}


def test_it_reads_constraint_claims_with_their_polarity():
    found = extract(
        "The site lies within the Camberwell Grove Conservation Area. The house itself is not a "
        "listed building, although several terraces further along are listed at grade II. "
        "The flood map shows the site in Flood Zone 1."
    )
    assert found[("constraint.conservation_area", "present")] == {"name": "Camberwell Grove"}
    assert ("constraint.listed_building", "absent") in found
    assert ("constraint.listed_building", "present") not in found
    assert found[("constraint.flood_zone", "absent")] == {"zone": "1"}


def test_it_handles_outside_and_not_within():
    found = extract(
        "The property lies outside the Peckham Hill Street conservation area. "
        "It does not lie within the Green Belt. No trees on the site are protected."
    )
    assert set(found) == {
        ("constraint.conservation_area", "absent"),
        ("constraint.green_belt", "absent"),
        ("constraint.tree_preservation_order", "absent"),
    }


def test_it_reads_proposal_facts_numbers_and_units():
    found = extract(
        "The existing two-storey house will be demolished. The proposal provides a total of "
        "twelve new flats in a building of five storeys, with 1,250 sq m of new floorspace. "
        "No basement is proposed. Two trees will be felled."
    )
    assert ("proposal.demolition", "yes") in found
    assert ("proposal.dwellings", "12") in found
    assert ("proposal.storeys", "5") in found
    assert ("proposal.floorspace_m2", "1250") in found
    assert ("proposal.basement", "no") in found
    assert ("proposal.tree_works", "yes") in found


def test_it_reads_cited_policies():
    found = extract(
        "The proposal accords with Southwark Plan policies P13 (Design of places) and P20, "
        "and with paragraphs 207 and 212 of the National Planning Policy Framework.",
        "Great weight is given to conservation (paragraph 215). Postcode SE5 8RB is not a policy.",
    )
    policies = {value for code, value in found if code == "policy.local"}
    paragraphs = {value for code, value in found if code == "policy.nppf"}
    assert policies == {"P13", "P20"}
    assert paragraphs == {"207", "212", "215"}


def test_it_names_designations_from_the_gazetteer():
    gazetteer = gazetteer_from_layers([("conservation-area", "Sunray Estate Conservation Area")])
    found = extract("The house is within the sunray estate conservation area.", gazetteer=gazetteer)
    assert found[("constraint.conservation_area", "present")] == {"name": "Sunray Estate"}


def test_quotes_are_checked_with_whitespace_normalised():
    page = "The site lies\n  within the   conservation area \u2019 here."
    assert quote_on_page("The site lies within the conservation area ' here.", page)
    assert not quote_on_page("The site lies within a conservation area", page)
    assert not quote_on_page("site", page)  # too short to be evidence
