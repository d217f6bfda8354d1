"""Each validation rule of the national list and of a local list, on hand-built cases: when it
applies (the rules in force on the day the application was received, the exemptions the law
gives), how a document is recognised (by what it says it is, not only its name), and what the
findings say: what is missing, and which document met each requirement."""

import dataclasses
import datetime

from tests.triage.cases import case, document, hit, requirements, said
from triage.validation import MET_PREFIX, MISSING_PREFIX, validation_findings

LOCATION_PLAN = document("location-plan.pdf", "locationPlan")
FORM = document(
    "application-form.pdf",
    "other",
    "Householder Application for Planning Permission for works or extension to a dwelling\n\n"
    "Site Address\n12 Grove Lane\n\nDescription of the Proposal\nA rear extension\n\n"
    "Part 25. Certificate of Ownership - Certificate A\nI certify that on the day 21 days before "
    "the date of this application nobody except myself was the owner of any part of the land.",
)
THE_FORMS = [LOCATION_PLAN, FORM]


def findings(the_case, documents=(), council="southwark", rules=None):
    rules = list(requirements(council)) if rules is None else rules
    return validation_findings(the_case, list(documents), rules)


def missing(the_case, documents=(), council="southwark"):
    return {
        finding.code.removeprefix(MISSING_PREFIX): finding
        for finding in findings(the_case, documents, council)
        if finding.code.startswith(MISSING_PREFIX)
    }


def met(the_case, documents=(), council="southwark"):
    return {
        finding.code.removeprefix(MET_PREFIX): finding
        for finding in findings(the_case, documents, council)
        if finding.code.startswith(MET_PREFIX)
    }


def received(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


# --- When a requirement applies -----------------------------------------------------------


def test_a_planning_application_needs_its_form_a_location_plan_and_an_ownership_certificate():
    assert set(missing(case(description="Rear extension."))) == {
        "application_form",
        "location_plan",
        "ownership_certificate",
    }
    assert set(missing(case(application_type="ldc.proposed", description="Loft."))) == {
        "application_form",
        "location_plan",
    }
    assert missing(case(description="Rear extension."), THE_FORMS) == {}


def test_a_finding_names_its_rule_its_list_and_why_it_applies():
    found = missing(
        case([hit("conservation-area", "Camberwell Grove")], description="Rear extension."),
        THE_FORMS,
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
    assert "heritage_statement" in missing(case([next_door]), THE_FORMS)
    grazing = hit("conservation-area", "Camberwell Grove", grazes=True)
    assert "heritage_statement" not in missing(case([grazing]), THE_FORMS)
    # A document's own claim is evidence too.
    claim = said("constraint.listed_building", "present", "The house is listed grade II.")
    assert "heritage_statement" in missing(case([claim]), THE_FORMS)


def test_a_flood_risk_assessment_in_flood_zones_2_and_3_or_on_a_hectare():
    zone_2 = hit("flood-risk-zone", "Flood zone 2", zone="2")
    found = missing(case([zone_2]), THE_FORMS)
    assert found["flood_risk_assessment"].attributes["rule"] == "flood-risk-assessment-flood-zone"
    zone_1 = hit("flood-risk-zone", "Flood zone 1", zone="1")
    assert "flood_risk_assessment" not in missing(case([zone_1]), THE_FORMS)
    big = case(application_type="pp.full.minor", description="Workshop.", site_area_m2=12_000)
    found = missing(big, THE_FORMS)
    assert found["flood_risk_assessment"].attributes["why"] == "the site is 1.20 ha"


def test_a_tree_survey_where_protected_trees_are_affected():
    found = missing(case([hit("tree-preservation-zone", "TPO 70")]), THE_FORMS)
    assert found["tree_survey"].attributes["rule"] == "tree-survey"


def test_a_design_and_access_statement_for_major_development_and_in_conservation_areas():
    major = case(
        application_type="pp.full.major", description="Erection of 24 flats.", proposed_dwellings=24
    )
    found = missing(major, THE_FORMS)
    assert found["design_and_access_statement"].attributes["why"] == (
        "it is major development (10 or more dwellings (24)) (given by the application)"
    )
    one_house_in_ca = case(
        [hit("conservation-area", "Camberwell Grove")],
        application_type="pp.full.minor",
        description="Erection of one dwellinghouse.",
    )
    found = missing(one_house_in_ca, THE_FORMS)
    assert found["design_and_access_statement"].attributes["rule"] == (
        "design-and-access-statement-conservation-area-dwellings"
    )
    extension_in_ca = case(
        [hit("conservation-area", "Camberwell Grove")],
        description="Rear extension.",
        floorspace_m2=30,
    )
    assert "design_and_access_statement" not in missing(extension_in_ca, THE_FORMS)
    assert "design_and_access_statement" in missing(
        case(application_type="listed", description="Windows."), THE_FORMS
    )


def test_a_householder_application_provides_no_new_dwelling_whatever_a_document_says():
    # A heritage statement describing the house as "subdivided to form two dwellings" is about
    # what stands there: a householder application makes no new dwelling, so neither a design
    # and access statement (DMPO art. 9(1)(b)) nor the CIL form for new homes is asked for.
    subdivided = said("proposal.dwellings", "2", "now subdivided to form two dwellings")
    in_ca = case([hit("conservation-area", "Devisdale"), subdivided], description="Extension.")
    assert {"design_and_access_statement", "cil_form"}.isdisjoint(missing(in_ca, THE_FORMS))


def test_a_requirement_triggered_by_a_number_says_where_the_number_came_from():
    floorspace = said("proposal.floorspace_m2", "400", "400 m² of new office floorspace")
    offices = case([floorspace], application_type="pp.full.minor", description="Offices.")
    found = missing(offices, THE_FORMS)
    assert found["cil_form"].attributes["why"] == (
        "400 m² of new floorspace (from statement.pdf, page 1: “400 m² of new office floorspace”)"
    )


def test_biodiversity_net_gain_applies_from_the_day_the_law_says_for_each_size_of_site():
    minor = dict(application_type="pp.full.minor", description="Erection of two houses.")
    major = dict(
        application_type="pp.full.major", description="Erection of 24 flats.", proposed_dwellings=24
    )
    for kind, first_day in ((minor, "2024-04-02"), (major, "2024-02-12")):
        day = received(first_day)
        before = case(**kind, received_date=day - datetime.timedelta(days=1))
        assert "biodiversity_net_gain" not in missing(before, THE_FORMS)
        found = missing(case(**kind, received_date=day), THE_FORMS)
        assert (
            found["biodiversity_net_gain"]
            .attributes["source"]
            .endswith("from 2 April 2024" if kind is minor else "from 12 February 2024")
        )
    # Between the two days, major development only.
    march = received("2024-03-01")
    assert "biodiversity_net_gain" not in missing(case(**minor, received_date=march), THE_FORMS)
    assert "biodiversity_net_gain" in missing(case(**major, received_date=march), THE_FORMS)


def test_biodiversity_net_gain_exemptions_as_the_law_sets_them():
    later = received("2025-06-01")
    assert "biodiversity_net_gain" not in missing(
        case(description="Rear extension.", received_date=later), THE_FORMS
    )
    self_build = case(
        application_type="pp.full.minor",
        description="Erection of a self-build dwelling.",
        received_date=later,
    )
    assert "biodiversity_net_gain" not in missing(self_build, THE_FORMS)
    # Ten self-build homes are past the exemption's size.
    estate = case(
        application_type="pp.full.major",
        description="Erection of 10 self-build dwellings.",
        proposed_dwellings=10,
        received_date=later,
    )
    assert "biodiversity_net_gain" in missing(estate, THE_FORMS)
    # De minimis is the applicant's to state: a document that says so meets the requirement.
    two_houses = case(
        application_type="pp.full.minor", description="Two houses.", received_date=later
    )
    statement = document(
        "planning-statement.pdf",
        "planningStatement",
        "Planning Statement\n\nThe development is subject to the de minimis exemption: it "
        "affects less than 25 square metres of habitat.",
    )
    found = met(two_houses, [*THE_FORMS, statement])
    assert found["biodiversity_net_gain"].value == "exemption-stated"
    assert found["biodiversity_net_gain"].evidence.quote.startswith("The development is subject")


def test_a_local_list_applies_to_applications_received_while_it_was_in_force():
    basement = dict(
        application_type="pp.full.minor",
        description="Excavation of a basement and erection of two houses.",
    )
    found = missing(case(**basement), THE_FORMS)
    assert found["basement_impact_assessment"].attributes["list"] == (
        "London Borough of Southwark local list (sample)"
    )
    assert found["cil_form"].attributes["rule"] == "cil-form-new-dwellings"
    # Trafford's list has no basement rule.
    assert "basement_impact_assessment" not in missing(case(**basement), THE_FORMS, "trafford")
    # The sample list took effect on 15 April 2015.
    old = case(**basement, received_date=received("2015-04-14"))
    assert {"basement_impact_assessment", "cil_form"}.isdisjoint(missing(old, THE_FORMS))
    # A list that has lapsed applies to nothing received after it.
    (rule,) = [r for r in requirements() if r.key == "basement-impact-assessment"]
    lapsed = dataclasses.replace(rule, in_force_until=received("2026-01-01"))
    assert findings(case(**basement), rules=[lapsed]) == []
    assert findings(case(**basement, received_date=received("2025-12-31")), rules=[lapsed])


def test_a_requirement_with_every_condition_must_meet_them_all():
    (rule,) = [r for r in requirements() if r.key == "cil-form-floorspace"]
    strict = dataclasses.replace(rule, constraints=("conservation-area",))
    big = case(application_type="pp.full.minor", description="Offices.", floorspace_m2=400)
    assert findings(big, rules=[strict]) == []
    in_ca = case(
        [hit("conservation-area", "X")],
        application_type="pp.full.minor",
        description="Offices.",
        floorspace_m2=400,
    )
    (finding,) = findings(in_ca, rules=[strict])
    assert finding.attributes["why"] == (
        "conservation area: The site is inside conservation area X "
        "(Overlap 600.0 m², 100.0% of the site); 400 m² of new floorspace "
        "(given by the application)"
    )


# --- Plans: what the law asks of each kind of application ---------------------------------


def test_tree_works_need_only_a_plan_identifying_the_trees():
    notice = case(application_type="wtt.notice", description="T1 Sycamore: fell.")
    (plan,) = [f for f in findings(notice) if f.code == "missing_document.location_plan"]
    assert plan.title == "Plan identifying the trees not found among the documents"
    assert plan.attributes["rule"] == "plan-identifying-the-trees"
    assert "no red line and no set scale" in plan.detail
    sketch = document("SKETCH_PLAN_NO_22_EDGE_01.jpg", "otherDrawing")
    assert "location_plan" in met(notice, [sketch])
    # A tree preservation order application also needs its form; a s211 notice does not.
    assert "application_form" not in missing(notice, [sketch])
    consent = case(application_type="wtt.consent", description="T1 Oak: crown reduction.")
    assert set(missing(consent, [sketch])) == {"application_form"}


def test_a_prior_approval_needs_a_plan_indicating_the_site():
    prior = case(application_type="pa.part1.classA", description="Larger home extension.")
    found = missing(prior)
    assert found["location_plan"].title == "Plan indicating the site not found among the documents"
    site_plan = document("Proposed site plan.pdf", "sitePlan.proposed")
    assert missing(prior, [site_plan]) == {}


def test_a_section_73_application_certifies_ownership_and_conditions_need_a_written_request():
    variation = case(application_type="amendment.minorMaterial", description="Vary condition 2.")
    assert set(missing(variation)) == {"application_form", "ownership_certificate"}
    conditions = case(application_type="approval.conditions", description="Condition 3.")
    (request,) = findings(conditions)
    assert request.title.startswith("Written request (the application form, or a letter)")
    letter = document("cover.pdf", "other", "Dear Sir or Madam,\n\nPlease find enclosed ...")
    assert met(conditions, [letter])["application_form"].value == "text"


# --- How a document is recognised ---------------------------------------------------------


def test_a_document_is_recognised_by_its_type_its_file_name_or_its_title():
    the_case = case([hit("conservation-area", "Camberwell Grove")], description="Extension.")
    by_type = document("scan-0042.pdf", "heritageStatement")
    by_name = document("Heritage_Statement_v2.pdf")
    by_title = document("document-3.pdf", "other", "HERITAGE IMPACT ASSESSMENT\n14 Grove Lane")
    for one in (by_type, by_name, by_title):
        assert "heritage_statement" not in missing(the_case, [*THE_FORMS, one])
    assert met(the_case, [*THE_FORMS, by_title])["heritage_statement"].value == "title"
    # Short words are whole words: "fragment" is no flood risk assessment.
    zone_3 = case([hit("flood-risk-zone", "Flood zone 3", zone="3")], description="Extension.")
    fragment = document("fragment-survey.pdf")
    assert "flood_risk_assessment" in missing(zone_3, [*THE_FORMS, fragment])
    assert "flood_risk_assessment" not in missing(zone_3, [*THE_FORMS, document("FRA.pdf")])


def test_a_heading_anywhere_in_a_document_counts_but_a_passing_mention_does_not():
    the_case = case([hit("conservation-area", "Camberwell Grove")], description="Extension.")
    mention = document(
        "planning-statement.pdf",
        "planningStatement",
        "Planning Statement\n\nThe proposal is a modest rear extension.",
        "3. Policy\n\nA heritage statement accompanies this application.",
    )
    assert "heritage_statement" in missing(the_case, [*THE_FORMS, mention])
    with_section = document(
        "planning-statement.pdf",
        "planningStatement",
        "Planning Statement\n\nThe proposal is a modest rear extension.",
        "4. Heritage Impact Assessment\n\nThe house is in the Camberwell Grove conservation "
        "area; the extension is at the rear and does not harm its character.",
    )
    found = met(the_case, [*THE_FORMS, with_section])["heritage_statement"]
    assert found.value == "heading"
    assert (found.evidence.page, found.evidence.quote) == (2, "4. Heritage Impact Assessment")


def test_a_combined_document_meets_every_requirement_it_covers():
    listed = case(application_type="listed", description="Replacement windows.")
    combined = document("statement.pdf", "other", "Design, Access and Heritage Statement\n\n...")
    found = met(listed, [*THE_FORMS, combined])
    assert found["design_and_access_statement"].attributes["document"] == "statement.pdf"
    assert found["heritage_statement"].attributes["document"] == "statement.pdf"
    incorporating = document(
        "planning-statement.pdf",
        "planningStatement",
        "Planning Statement\n\nThis planning statement incorporates a design and access "
        "statement and assesses the proposal against the development plan.",
    )
    found = met(listed, [*THE_FORMS, incorporating])
    assert found["design_and_access_statement"].value == "stated"
    # A file name run together names both as well.
    named = document("DESIGN__ACCESS_AMD_HERITAGE_STATEMENT-1100616.md")
    assert {"design_and_access_statement", "heritage_statement"} <= set(
        met(listed, [*THE_FORMS, named])
    )


def test_a_file_called_a_statement_that_says_it_is_not_one_does_not_count():
    listed = case(application_type="listed", description="Telecoms equipment on the roof.")
    letter = document(
        "237980_DESIGN_AND_ACCESS_STATEMENT.pdf",
        "designAndAccessStatement",
        "Dear Sir/Madam,\n\nWe do not consider there is a need for a Design and Access Statement "
        "with this Application.\n\nYours faithfully,",
    )
    found = missing(listed, [*THE_FORMS, letter])
    assert "design_and_access_statement" in found
    assert (
        found["design_and_access_statement"]
        .attributes["not_it"]
        .startswith(
            "237980_DESIGN_AND_ACCESS_STATEMENT.pdf: its type says it is one, but its text says it "
            "is not: “We do not consider there is a need for a Design and Access Statement"
        )
    )


def test_the_application_form_carries_the_ownership_certificate():
    extension = case(description="Rear extension.")
    # A form with no certificate words in its text (a page lost, an excerpt) still carries one.
    form = document(
        "APPLICATIONFORMREDACTED-1077878.md",
        "other",
        "Publication of applications on planning authority websites\n\nPlease note that the "
        "information provided on this application form may be published.",
    )
    found = met(extension, [LOCATION_PLAN, form])
    assert found["ownership_certificate"].value == "application-form"
    assert found["application_form"].evidence.quote == (
        "Publication of applications on planning authority websites"
    )
    # A CIL form is not the application form.
    cil = document(
        "CIL_FORM.pdf", "other", "Community Infrastructure Levy (CIL) - Form 1: CIL Additional "
        "Information\n\nPlanning Portal Reference (if applicable):",
    )  # fmt: skip
    assert {"application_form", "ownership_certificate"} <= set(
        missing(extension, [LOCATION_PLAN, cil])
    )
    # An Open Digital Planning submission's own data are the form, certificate and all.
    submitted = case(description="Rear extension.", form_in_submission=True)
    found = met(submitted, [LOCATION_PLAN])
    assert found["ownership_certificate"].value == "submission"


def test_a_met_requirement_names_the_document_and_how_it_was_recognised():
    found = met(case(description="Rear extension."), THE_FORMS)
    assert set(found) == {"application_form", "location_plan", "ownership_certificate"}
    plan = found["location_plan"]
    assert plan.title == "Location plan: location-plan.pdf"
    assert plan.attributes["how"] == "its type (locationPlan)"
    assert plan.attributes["document_key"] == "location-plan.pdf"
    assert plan.detail.startswith("location-plan.pdf, recognised by its type (locationPlan). ")
    certificate = found["ownership_certificate"]
    assert certificate.value == "text"
    assert certificate.evidence.quote == "Certificate of Ownership - Certificate A"
