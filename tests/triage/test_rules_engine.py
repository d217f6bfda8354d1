from dataclasses import replace

from triage.extractors.base import ApplicationFacts, DocumentInput
from triage.extractors.rules import RulesExtractor, gazetteer_from_layers
from triage.quotes import quote_on_page
from triage.text import PageText
from triage.vocabulary import Strength

FACTS = ApplicationFacts(reference="26/AP/1", application_type="pp.full", description="")


def extract(*pages: str, gazetteer=None, facts=None) -> dict[tuple[str, str], dict]:
    document = DocumentInput(
        key="doc.md", name="doc.md", pages=[PageText(i, t) for i, t in enumerate(pages, 1)]
    )
    result = RulesExtractor(gazetteer=gazetteer).extract(facts or FACTS, [document])
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


def test_a_local_policy_is_one_the_council_holds_or_one_cited_as_a_policy():
    text = (
        "Policies\n\n"
        "The relevant policies of the Local Plan are H3 (Housing mix) and D2 (Design). "
        "Saved policy ENV9 protects wildlife corridors, and Core Strategy Policies R1.1, R1.3 "
        "and L7 apply.\n\n"
        "The lighting sits in zone E3 of the guide; drawings EX03 and P101 and survey point S4 "
        "show it. Strategic objective SO8 and policy SO2 are objectives, SPD4 is guidance.\n\n"
        "L5 asks for sustainable drainage, and the scheme meets R2."
    )
    found = extract(text)
    policies = {value for code, value in found if code == "policy.local"}
    assert policies == {"H3", "D2", "ENV9", "R1", "L7"}
    # The council's library holds L5 and R2: named in a paragraph about policies, they count,
    # as an inference (indirect), where a citation is direct.
    library = replace(FACTS, local_policies=frozenset({"L5", "R2"}))
    found = extract(text, facts=library)
    policies = {value: found[("policy.local", value)] for code, value in found if "local" in code}
    assert set(policies) == {"H3", "D2", "ENV9", "R1", "L7", "L5", "R2"}


def test_paragraphs_of_the_guidance_and_of_judgments_are_not_the_frameworks():
    found = extract(
        "The NPPF guides decisions.",
        "Planning Practice Guidance, paragraph 006, reference ID: 18a-006-20190723. In the Court "
        "of Appeal judgment the court said at paragraph 25 that setting is not only visual. The "
        "Framework's paragraph 212 gives great weight to conservation.",
    )
    assert {value for code, value in found if code == "policy.nppf"} == {"212"}


def test_each_finding_says_what_supports_it():
    document = DocumentInput(
        key="doc.md",
        name="doc.md",
        pages=[
            PageText(
                1,
                "1. The proposal\n\nThe proposal is a two storey rear extension.\n\n"
                "2. Introduction\n\nThe works include the demolition of the garage.\n\n"
                "The site lies within the Elm Road Conservation Area.",
            )
        ],
    )
    findings = RulesExtractor().extract(FACTS, [document]).findings
    strengths = {(f.code, f.value): f.strength for f in findings}
    assert strengths[("proposal.storeys", "2")] == Strength.DIRECT
    assert strengths[("constraint.conservation_area", "present")] == Strength.DIRECT
    # A fact about the proposal said outside its account, without proposing words: indirect.
    assert strengths[("proposal.demolition", "yes")] == Strength.INDIRECT


def test_a_unit_mix_is_added_up():
    found = extract(
        "The proposal will create 1 x 2 bedroom mews house, 1 x 1 bedroom mews house and "
        "2 x 1 bedroom apartments with their amenity space.",
        "The scheme provides 3 no. two-bedroom flats and 2 no. three-bedroom houses.",
    )
    assert codes(found) == {("dwellings", "5")}  # one document: its larger total


def test_it_names_designations_from_the_gazetteer():
    gazetteer = gazetteer_from_layers([("conservation-area", "Sunray Estate Conservation Area")])
    found = extract("The house is within the sunray estate conservation area.", gazetteer=gazetteer)
    assert found[("constraint.conservation_area", "present")] == {"name": "Sunray Estate"}


def test_quotes_are_checked_with_whitespace_normalised():
    page = "The site lies\n  within the   conservation area \u2019 here."
    assert quote_on_page("The site lies within the conservation area ' here.", page)
    assert not quote_on_page("The site lies within a conservation area", page)
    assert not quote_on_page("site", page)  # too short to be evidence


def test_it_ignores_historic_and_hedged_constraint_claims():
    found = extract(
        "Before the 2012 review the field was within the Green Belt; it is not in the Green Belt "
        "now. Until 2019 the yard was shown in Flood Zone 3. The current map puts it in Flood "
        "Zone 1. The owner is unsure whether the cottage is listed."
    )
    assert set(found) == {
        ("constraint.green_belt", "absent"),
        ("constraint.flood_zone", "absent"),
    }


def test_it_reads_checklist_lines_that_name_the_designation_first():
    found = extract(
        "- Green Belt: not in the Green Belt.\n- Listed building: the barn is not listed."
    )
    assert set(found) == {
        ("constraint.green_belt", "absent"),
        ("constraint.listed_building", "absent"),
    }


def test_it_counts_net_dwellings_not_replacements_or_kinds_of_home():
    replacement = extract(
        "The scheme replaces the existing chalet with one new dwelling, so there is no net "
        "increase in homes. The plot will hold a single family dwelling."
    )
    assert {v for c, v in replacement if c == "proposal.dwellings"} == {"0"}
    conversion = extract("The conversion does not create any new dwelling on the street.")
    assert {v for c, v in conversion if c == "proposal.dwellings"} == {"0"}
    words = extract(
        "The scheme delivers sixty-three new flats and a row of four two-storey houses."
    )
    assert {v for c, v in words if c == "proposal.dwellings"} == {"63"}
    one = extract("The benefit of a new family home outweighs the limited harm.")
    assert {v for c, v in one if c == "proposal.dwellings"} == {"1"}


def test_it_takes_net_new_floorspace_over_existing_converted_and_per_unit_areas():
    def floorspace(text: str) -> set[str]:
        return {v for c, v in extract(text) if c == "proposal.floorspace_m2"}

    assert floorspace("Existing gross internal area: 400 m2\nNet additional floorspace: 85 m2") == {
        "85"
    }
    assert (
        floorspace("The floorspace changing use is 640 sq m, under the 1,500 sq m limit.") == set()
    )
    assert floorspace(
        "Two new cottages, each of 90 m², give 180 m² of new residential floorspace. Each has a "
        "garden of 40 m²."
    ) == {"180"}
    assert floorspace("The old store (12 square metres) goes, an increase of 8 square metres.") == {
        "8"
    }
    assert floorspace("A new single storey side extension of 17 m² for a utility room.") == {"17"}
    assert floorspace("The barn is reused, so the scheme adds no new floorspace.") == {"0"}
    assert floorspace(
        "Four bungalows of 70 m² each: 4 \u00d7 70 m² = 280 m² of new floorspace."
    ) == {"280"}


def test_it_reads_yes_no_facts_with_their_scope():
    found = extract(
        "No part of the chapel will be demolished. Nothing historic is to be removed or "
        "demolished. The lean-to's loss is no harm; its demolition is a benefit."
    )
    assert {v for c, v in found if c == "proposal.demolition"} == {"no"}
    rights = extract(
        "An Article 4 direction withdraws permitted development rights for demolition. "
        "The proposal does not include any demolition."
    )
    assert ("proposal.demolition", "yes") not in rights
    taken_down = extract("The timber garage will be taken down and a carport built.")
    assert ("proposal.demolition", "yes") in taken_down
    basement = extract(
        "A cellar level was considered, but the basement has been omitted from the plans. "
        "The house has no basement."
    )
    assert {v for c, v in basement if c == "proposal.basement"} == {"no"}
    reaches = extract("A basement is proposed. The roots of the oak do not reach the basement.")
    assert {v for c, v in reaches if c == "proposal.basement"} == {"yes"}
    hedged = extract("A basement may be added later.")
    assert not any(c == "proposal.basement" for c, _ in hedged)


def test_it_reads_tree_works_from_species_and_from_the_next_sentence():
    felled = extract("Three self-sown ash saplings by the gate are to be felled.")
    assert ("proposal.tree_works", "yes") in felled
    removed = extract("To be removed: two leylandii conifers at the rear.")
    assert ("proposal.tree_works", "yes") in removed
    nor = extract("Nor does the scheme involve works to trees.")
    assert ("proposal.tree_works", "no") in nor
    later = extract("A large walnut stands in the garden next door. No works to it are proposed.")
    assert ("proposal.tree_works", "no") in later


def test_it_reads_conversions_to_homes_as_change_of_use():
    found = extract("The first floor offices will be converted into three flats.")
    assert ("proposal.change_of_use", "yes") in found
    garage = extract("The garage will be converted into a study.")
    assert ("proposal.change_of_use", "yes") not in garage


def test_it_reads_a_paragraph_number_at_the_end_of_a_sentence():
    found = extract("The scheme meets NPPF para 135. It also accords with the Framework, para. 84.")
    assert {v for c, v in found if c == "policy.nppf"} == {"135", "84"}


# --- Scoped claims on real-shaped text (issue 9) --------------------------------------------


def codes(found) -> set[tuple[str, str]]:
    return {(code.split(".")[1], value) for code, value in found}


def test_claims_about_neighbours_and_the_wider_area_are_not_findings():
    found = extract(
        "The hall at the centre of the estate is grade I listed. Five listed buildings lie "
        "within 200 m. Buildings on this street are two to three storeys. The Bowdon "
        "Conservation Area lies 300 metres to the south. The neighbouring house has a basement."
    )
    assert codes(found) == set()


def test_denials_carry_over_coordination_and_tables():
    assert codes(extract("The building is not in a conservation area or listed.")) == {
        ("conservation_area", "absent"),
        ("listed_building", "absent"),
    }
    assert codes(extract("Neither property is listed.")) == {("listed_building", "absent")}
    assert codes(extract("The site contains no known heritage assets.")) == {
        ("listed_building", "absent")
    }
    assert codes(extract("Statutory listed buildings in vicinity: None")) == {
        ("listed_building", "absent")
    }


def test_a_denial_shared_with_the_local_list_still_denies_the_statutory_one():
    assert codes(extract("The building is neither statutorily nor locally listed.")) == {
        ("listed_building", "absent")
    }
    # Locally listed alone says nothing of the statutory list.
    assert codes(extract("The building is locally listed.")) == set()


def test_a_clause_without_a_subject_of_its_own_shares_the_one_before():
    document = DocumentInput(
        key="doc.md",
        name="doc.md",
        pages=[
            PageText(
                1,
                "The building is neither statutorily nor locally listed but does lie within "
                "the Stamford New Road Conservation Area.",
            )
        ],
    )
    findings = RulesExtractor().extract(FACTS, [document]).findings
    strengths = {(f.code, f.value): f.strength for f in findings}
    assert strengths == {
        ("constraint.listed_building", "absent"): Strength.DIRECT,
        ("constraint.conservation_area", "present"): Strength.DIRECT,
    }
    # The church's listing, shared by its clause, is not the site's.
    assert (
        codes(extract("The church is listed and does lie within the Bowdon Conservation Area."))
        == set()
    )


def test_it_stands_for_nothing_before_that():
    found = extract(
        "It is asserted within the Heritage Statement that the former school and grade II "
        "listed St John's Church are disassociated."
    )
    assert codes(found) == set()
    assert codes(
        extract("It is considered that the property is within the Bowdon Conservation Area.")
    ) == {("conservation_area", "present")}


def test_what_was_done_or_stands_today_is_not_the_proposal():
    assert (
        codes(extract("A number of these buildings have since been converted into flats.")) == set()
    )
    assert codes(extract("Vicarage, now two houses.")) == set()
    assert codes(extract("The conversion to the present two dwellings occurred in 1950.")) == set()
    assert (
        codes(
            extract(
                "Both previous extensions (single rear and side double storey) have flat roofs."
            )
        )
        == set()
    )


def test_demolition_as_a_kind_of_work_or_a_rule_is_not_the_proposals():
    assert codes(extract("Suitable hours of construction & demolition are set out below.")) == set()
    assert (
        codes(extract("Councils should determine applications for demolition with care.")) == set()
    )
    assert (
        codes(
            extract("Where development is to follow demolition, permission must be obtained first.")
        )
        == set()
    )
    assert codes(extract("The front facade is to be carefully deconstructed and rebuilt.")) == {
        ("demolition", "yes")
    }


def test_form_wording_is_read_as_the_form_says_it():
    found = extract(
        "Gross internal floorspace to be lost by change of use or demolition (square metres): 0 "
        "Net additional gross internal floorspace following development (square metres): 80.7"
    )
    assert codes(found) == {("floorspace_m2", "81")}
    # The export's flattened header of the same table says nothing.
    assert (
        codes(
            extract(
                "internal floorspace by change of use or demolition proposed (including changes of "
                "use) (square metres) (square metres) 0 0 80.7 80.7"
            )
        )
        == set()
    )
    # A kiosk's footprint compared with another's is not new floorspace.
    assert codes(extract("The hub has an overall lower footprint (1.8m2 vs 0.433m2).")) == set()


def test_a_count_written_2no_does_not_end_the_sentence():
    found = extract("Proposed conversion of upper floors to create 2no. 1 bedroom apartments.")
    assert ("proposal.change_of_use", "yes") in found


def test_ocr_grades_still_read_as_listing():
    found = extract("No. 9 is a grade Il listed terraced house. The church is Grade 11* listed.")
    assert found[("constraint.listed_building", "present")] == {"grade": "II"}


def test_quoted_law_policy_and_scales_are_not_claims():
    found = extract(
        "Section 16(2) of the Planning (Listed Buildings and Conservation Areas) Act 1990 "
        "applies.\n\n"
        'Paragraph 213 of the NPPF states that "substantial harm to, or loss of, grade II '
        'listed buildings should be exceptional".\n\n'
        "High: a grade I or II* listed building.\n\n"
        'Your checklist says "as the application is in a conservation area or affects a listed '
        'building, a heritage assessment is required".'
    )
    assert codes(found) == {("nppf", "213")}


def test_history_and_the_buildings_past_are_not_the_proposal():
    found = extract(
        "The house was subdivided into two dwellings in the 1950s. An application for six flats "
        "in a five storey building was refused in 2019. The existing house has four storeys.\n\n"
        "The proposal is a single storey rear extension."
    )
    assert codes(found) == {("storeys", "1")}


def test_a_forms_questions_guidance_and_lost_tick_boxes_say_nothing():
    form = (
        "Householder Application for Planning Permission for works or extension to a dwelling "
        "and listed building consent for alteration, extension or demolition of a listed "
        "building.\n"
        "Publication of applications on planning authority websites.\n"
        "Trees and Hedges\n"
        "Are you wishing to carry out works to trees in a conservation area?\n"
        "Yes\nNo\n"
        "Does your proposal include the gain, loss or change of use of residential units?\n"
        "Yes\nNo\n"
        "Fire Safety\n"
        "Does the application involve buildings over 18 metres (or 7 storeys)?\n"
        "Yes\nNo\n"
        "If Yes, a fire statement must be submitted with the application.\n"
        "Description of Proposed Works\n"
        "Replacement of the rear dormer and internal alterations.\n"
    )
    assert codes(extract(form)) == {("listed_building", "present")}


def test_a_consent_type_for_demolition_in_a_conservation_area_is_a_claim():
    form = (
        "Application for Planning Permission for relevant demolition in a Conservation Area.\n"
        "Publication of applications on planning authority websites.\n"
        "Has the demolition already been started?\nYes\nNo\n"
    )
    garage = replace(FACTS, description="Demolition of a detached garage.")
    assert codes(extract(form, facts=garage)) == {
        ("conservation_area", "present"),
        ("demolition", "yes"),
    }
    # Applicants choose the consent type for works that demolish nothing (a gate, a chimney):
    # the site's designation is still claimed, the demolition only when the works describe one.
    gate = replace(FACTS, description="Erection of an alleyway gate.")
    assert codes(extract(form, facts=gate)) == {("conservation_area", "present")}


def test_a_forms_residential_units_field_gives_the_net_gain():
    form = (
        "Application for Planning Permission. Town and Country Planning Act 1990\n"
        "Publication of applications on planning authority websites.\n"
        "Residential Units\n"
        "Does your proposal include the gain, loss or change of use of residential units?\n"
        "Yes\nNo\n"
        "Total proposed residential units\n9\n"
        "Total existing residential units\n1\n"
        "Total net gain or loss of residential units\n8\n"
        "Declaration\n"
    )
    assert codes(extract(form)) == {("dwellings", "8")}


def test_a_form_with_its_tick_boxes_on_the_questions_line_says_nothing_there():
    form = (
        "Application for Planning Permission. Town and Country Planning Act 1990\n"
        "Publication of applications on planning authority websites\n"
        "Will any trees or hedges need to be removed or pruned in order to carry out your "
        "proposal? Yes No\n"
        "Is the site within an area at risk of flooding? (Refer to the Environment Agency's "
        "Flood Map showing flood zones 2 and 3) Yes No\n"
        "Is the site within a conservation area? Yes\n"
        "Does the proposal include a basement? No\n"
        "Description of proposal: Erection of a two storey side extension following demolition "
        "of the detached garage.\n"
    )
    assert codes(extract(form)) == {("storeys", "2"), ("demolition", "yes")}


def test_denials_of_works_and_harm_are_not_denials_of_the_designation():
    assert codes(extract("No protected tree will be removed or pruned.")) == {("tree_works", "no")}
    assert codes(extract("The property is not affected by an Article 4 Direction.")) == {
        ("article_4", "absent")
    }
    assert codes(extract("The trees on the site are not protected.")) == {
        ("tree_preservation_order", "absent")
    }


def test_a_forms_page_footer_is_not_the_value_of_the_field_above_it():
    form = (
        "Application for consent to carry out works to trees. Town and Country Planning Act 1990\n"
        "Publication of applications on planning authority websites\n"
        "Are you seeking consent for works to tree(s) subject to a Tree Preservation Order?\n"
        "Yes\nNo\n"
        "Sketch plan requirements\n"
        "mark the position of each tree and give it the number it has in the Tree Preservation "
        "Order\n"
        "Page 2\n"
    )
    assert codes(extract(form)) == set()
    # A bare number under the order's reference field is the applicant's answer.
    field = form.replace("Page 2\n", "Reference number of the Tree Preservation Order\nTPO 123\n")
    assert codes(extract(field)) == {("tree_preservation_order", "present")}


def test_a_forms_description_field_with_its_label_on_the_same_line_is_the_works():
    form = (
        "Application for Planning Permission. Town and Country Planning Act 1990\n"
        "Publication of applications on planning authority websites\n"
        "Is the site within an area at risk of flooding?\nYes\nNo\n"
        "Description of development: A single storey side\n"
        "extension.\n"
    )
    assert codes(extract(form)) == {("storeys", "1")}


def test_a_policy_of_a_revoked_regional_strategy_is_not_a_local_policy():
    found = extract(
        "The scheme accords with Policy DP4 of the North West of England Plan Regional Spatial "
        "Strategy to 2021 and with Core Strategy Policy L7."
    )
    assert codes(found) == {("local", "L7")}


def test_a_claim_made_several_times_in_a_document_is_quoted_from_its_strongest_statement():
    document = DocumentInput(
        key="statement.md",
        name="statement.md",
        pages=[
            PageText(
                1,
                "The character of the Old Town Conservation Area is set out in its appraisal.\n\n"
                "The site lies within the Old Town Conservation Area.\n",
            )
        ],
    )
    findings = RulesExtractor().extract(FACTS, [document]).findings

    [area] = [f for f in findings if f.code == "constraint.conservation_area"]
    assert area.evidence.quote == "The site lies within the Old Town Conservation Area."
    assert area.strength == Strength.DIRECT
