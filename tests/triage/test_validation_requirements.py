"""Each validation rule of the national list and of a local list, on hand-built cases; how a
document is recognised (its type, then its file name, then its text); and what a finding says."""

import dataclasses

from tests.triage.cases import case, hit, requirements, said
from triage.checks import DocumentSummary, missing_documents


def doc(name, document_type="other", first_page="", text=""):
    return DocumentSummary(name, document_type, first_page, text or first_page)


LOCATION_PLAN = doc("location-plan.pdf", "locationPlan")
FORM = doc("application-form.pdf", text="Part 25. Certificate of Ownership - Certificate A")


def missing(the_case, documents=(), council="southwark"):
    found = missing_documents(the_case, list(documents), list(requirements(council)))
    return {finding.code.removeprefix("missing_document."): finding for finding in found}


def test_every_application_needs_a_location_plan_and_planning_ones_an_ownership_certificate():
    assert set(missing(case(description="Rear extension."))) == {
        "location_plan",
        "ownership_certificate",
    }
    assert set(missing(case(application_type="ldc.proposed", description="Loft."))) == {
        "location_plan"
    }
    assert missing(case(description="Rear extension."), [LOCATION_PLAN, FORM]) == {}


def test_a_finding_names_its_rule_its_list_and_why_it_applies():
    found = missing(
        case([hit("conservation-area", "Camberwell Grove")], description="Rear extension."),
        [LOCATION_PLAN, FORM],
    )

    heritage = found["heritage_statement"]
    assert heritage.title == "Heritage statement not found among the documents"
    assert heritage.attributes["rule"] == "heritage-statement"
    assert heritage.attributes["list"] == "National list"
    assert heritage.attributes["source"] == "NPPF (December 2024) paragraph 207"
    assert heritage.attributes["why"] == (
        "conservation area: The site is inside conservation area Camberwell Grove "
        "(Overlap 600.0 m², 100.0% of the site)"
    )
    assert "Required by the National list (rule heritage-statement" in heritage.detail


def test_a_heritage_statement_for_a_listed_building_next_door_but_not_for_a_graze():
    next_door = hit("listed-building", "The George Inn", relation="nearby", distance=12.0)
    assert "heritage_statement" in missing(case([next_door]), [LOCATION_PLAN, FORM])
    grazing = hit("conservation-area", "Camberwell Grove", grazes=True)
    assert "heritage_statement" not in missing(case([grazing]), [LOCATION_PLAN, FORM])
    # A document's own claim is evidence too.
    claim = said("constraint.listed_building", "present", "The house is listed grade II.")
    assert "heritage_statement" in missing(case([claim]), [LOCATION_PLAN, FORM])


def test_a_flood_risk_assessment_in_flood_zones_2_and_3_or_on_a_hectare():
    zone_2 = hit("flood-risk-zone", "Flood zone 2", zone="2")
    found = missing(case([zone_2]), [LOCATION_PLAN, FORM])
    assert found["flood_risk_assessment"].attributes["rule"] == "flood-risk-assessment-flood-zone"
    zone_1 = hit("flood-risk-zone", "Flood zone 1", zone="1")
    assert "flood_risk_assessment" not in missing(case([zone_1]), [LOCATION_PLAN, FORM])
    big = case(application_type="pp.full.minor", description="Workshop.", site_area_m2=12_000)
    found = missing(big, [LOCATION_PLAN, FORM])
    assert found["flood_risk_assessment"].attributes["why"] == "the site is 1.20 ha"


def test_a_tree_survey_where_protected_trees_are_affected():
    found = missing(case([hit("tree-preservation-zone", "TPO 70")]), [LOCATION_PLAN, FORM])
    assert found["tree_survey"].attributes["rule"] == "tree-survey"


def test_a_design_and_access_statement_for_major_development_and_in_conservation_areas():
    major = case(
        application_type="pp.full.major", description="Erection of 24 flats.", proposed_dwellings=24
    )
    found = missing(major, [LOCATION_PLAN, FORM])
    assert found["design_and_access_statement"].attributes["why"] == (
        "it is major development (10 or more dwellings (24))"
    )
    one_house_in_ca = case(
        [hit("conservation-area", "Camberwell Grove")],
        application_type="pp.full.minor",
        description="Erection of one dwellinghouse.",
    )
    found = missing(one_house_in_ca, [LOCATION_PLAN, FORM])
    assert found["design_and_access_statement"].attributes["rule"] == (
        "design-and-access-statement-conservation-area-dwellings"
    )
    extension_in_ca = case(
        [hit("conservation-area", "Camberwell Grove")],
        description="Rear extension.",
        floorspace_m2=30,
    )
    assert "design_and_access_statement" not in missing(extension_in_ca, [LOCATION_PLAN, FORM])
    assert "design_and_access_statement" in missing(
        case(application_type="listed", description="Windows."), [LOCATION_PLAN, FORM]
    )


def test_biodiversity_net_gain_for_major_and_minor_development_not_householders():
    minor = case(application_type="pp.full.minor", description="Erection of two houses.")
    assert "biodiversity_net_gain" in missing(minor, [LOCATION_PLAN, FORM])
    assert "biodiversity_net_gain" not in missing(case(description="Rear extension."))


def test_a_local_list_adds_the_cil_form_and_a_basement_impact_assessment_in_southwark():
    basement = case(
        application_type="pp.full.minor",
        description="Excavation of a basement and erection of two houses.",
    )
    found = missing(basement, [LOCATION_PLAN, FORM])
    assert found["basement_impact_assessment"].attributes["list"] == (
        "London Borough of Southwark local list (sample)"
    )
    assert found["cil_form"].attributes["rule"] == "cil-form-new-dwellings"
    # Trafford's list has no basement rule.
    assert "basement_impact_assessment" not in missing(basement, [LOCATION_PLAN, FORM], "trafford")


def test_a_document_is_recognised_by_its_type_then_its_file_name_then_its_text():
    the_case = case([hit("conservation-area", "Camberwell Grove")], description="Extension.")
    by_type = doc("scan-0042.pdf", "heritageStatement")
    by_name = doc("Heritage_Statement_v2.pdf")
    by_text = doc("document-3.pdf", first_page="HERITAGE IMPACT ASSESSMENT\n14 Grove Lane")
    for document in (by_type, by_name, by_text):
        assert "heritage_statement" not in missing(the_case, [LOCATION_PLAN, FORM, document])
    # A statement that only mentions a heritage statement further on is not one.
    mention = doc("planning-statement.pdf", first_page="Planning statement. " + "x" * 500
                  + " A heritage statement accompanies this application.")  # fmt: skip
    assert "heritage_statement" in missing(the_case, [LOCATION_PLAN, FORM, mention])
    # Short words are whole words: "fragment" is no flood risk assessment.
    zone_3 = case([hit("flood-risk-zone", "Flood zone 3", zone="3")], description="Extension.")
    fragment = doc("fragment-survey.pdf")
    assert "flood_risk_assessment" in missing(zone_3, [LOCATION_PLAN, FORM, fragment])
    assert "flood_risk_assessment" not in missing(zone_3, [LOCATION_PLAN, FORM, doc("FRA.pdf")])


def test_an_ownership_certificate_is_found_anywhere_in_the_form():
    form = doc("form.pdf", first_page="Householder application", text="... Certificate B ...")
    assert "ownership_certificate" not in missing(case(description="x"), [LOCATION_PLAN, form])


def test_a_requirement_with_every_condition_must_meet_them_all():
    (rule,) = [r for r in requirements() if r.key == "cil-form-floorspace"]
    strict = dataclasses.replace(rule, constraints=("conservation-area",))
    big = case(application_type="pp.full.minor", description="Offices.", floorspace_m2=400)
    assert missing_documents(big, [], [strict]) == []
    in_ca = case(
        [hit("conservation-area", "X")],
        application_type="pp.full.minor",
        description="Offices.",
        floorspace_m2=400,
    )
    (finding,) = missing_documents(in_ca, [], [strict])
    assert finding.attributes["why"] == (
        "conservation area: The site is inside conservation area X "
        "(Overlap 600.0 m², 100.0% of the site); 400 m² of new floorspace"
    )
