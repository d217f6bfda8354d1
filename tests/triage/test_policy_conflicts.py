"""Each policy rule on a hand-built case whose answer is obvious to a planner (which policies
are engaged, which the proposal conflicts with, and which do not bite at all), and the rules'
citations checked against the loaded NPPF text."""

import pytest

from policies.library import PolicyLibrary
from tests.triage.cases import case, hit, library, national, said
from triage import policy_conflicts
from triage.quotes import quote_on_page
from triage.vocabulary import POLICY_CONFLICT, POLICY_ENGAGED


def conflicts(the_case, council="southwark"):
    return policy_conflicts.policy_findings(the_case, library(council))


def values(findings, code=None):
    return [finding.value for finding in findings if code is None or finding.code == code]


@pytest.mark.parametrize("rule", policy_conflicts.RULES, ids=lambda rule: rule.key)
def test_every_rule_cites_words_that_are_in_the_nppf_it_names(rule):
    by_reference = {entry.reference: entry for entry in national()}
    for reference, words in rule.nppf:
        assert quote_on_page(words, by_reference[reference].text), (reference, words)
    assert rule.topics


def test_demolition_in_a_conservation_area_cites_the_heritage_paragraphs_and_p20():
    found = conflicts(
        case(
            [hit("conservation-area", "Camberwell Grove")],
            application_type="pp.full.minor",
            description="Demolition of the existing garage and erection of a two storey house.",
        )
    )

    assert values(found) == [
        "nppf-2024:212",
        "nppf-2024:220",
        "southwark-plan-2022:P20",
        "nppf-2024:219",
    ]
    first = found[0]
    assert first.code == POLICY_ENGAGED and first.engine == "rules"  # to weigh, not a conflict
    assert first.title == "Demolition of a building in a conservation area: NPPF paragraph 212"
    assert (
        first.attributes["rules"] == "conservation-area-demolition,conservation-area-new-building"
    )
    assert first.policy.quote == "great weight should be given to the asset\u2019s conservation"
    assert first.spatial.dataset == "conservation-area"  # the site's side of the evidence
    assert first.attributes["proposal_evidence"] == (
        "the description of development says \u201cDemolition of the existing garage and "
        "erection of a two storey house\u201d"
    )
    assert first.attributes["team"] == "heritage"
    local = found[2]
    assert local.policy.citation == "Southwark Plan 2022 policy P20 Conservation areas"


def test_a_documents_statement_is_the_proposals_evidence_when_there_is_one():
    demolition = said("proposal.demolition", "yes", "The existing garage will be demolished.")
    found = conflicts(
        case(
            [hit("conservation-area", "Camberwell Grove"), demolition],
            description="Works to the garage.",
        )
    )
    assert found[0].evidence.quote == "The existing garage will be demolished."


def test_nothing_bites_an_extension_on_a_site_without_constraints():
    found = conflicts(case(description="Single storey rear extension."))
    assert found == []


def test_works_to_a_listed_building_go_to_heritage_even_without_a_layer():
    found = conflicts(
        case(
            application_type="listed",
            description="Replacement of two first floor sash windows.",
        )
    )
    assert values(found) == ["nppf-2024:213", "nppf-2024:212", "southwark-plan-2022:P19"]
    assert found[0].attributes["site_evidence"] == (
        "the application is for listed building consent (listed)"
    )


def test_a_listed_building_next_door_brings_its_setting_not_a_team():
    found = conflicts(
        case(
            [hit("listed-building", "The George Inn", relation="nearby", distance=5.0)],
            description="Erection of a rear extension.",
        )
    )
    assert values(found) == ["nppf-2024:213", "nppf-2024:212", "southwark-plan-2022:P19"]
    assert found[0].attributes["rule"] == "listed-building-setting"
    assert "team" not in found[0].attributes
    assert found[0].spatial.relation == "nearby"


def test_the_setting_reaches_as_far_as_what_is_built():
    across_the_road = [hit("listed-building", "Church", relation="nearby", distance=40.0)]
    extension = case(across_the_road, description="Erection of a single storey rear extension.")
    assert conflicts(extension) == []
    house = case(
        across_the_road, application_type="pp.full.minor", description="Erection of a house."
    )
    assert values(conflicts(house)) == [
        "nppf-2024:213",
        "nppf-2024:212",
        "southwark-plan-2022:P19",
    ]


def test_an_extension_to_a_listed_house_is_works_to_it_a_garage_in_its_grounds_its_setting():
    listed_house = [hit("listed-building", "Moss Cottage", relation="feature-inside")]
    extension = conflicts(case(listed_house, description="Erection of a side extension."))
    assert {f.attributes["rule"] for f in extension} == {"listed-building-works"}
    garage = conflicts(case(listed_house, description="Erection of a detached double garage."))
    assert {f.attributes["rule"] for f in garage} == {"listed-building-setting"}
    # A change of use with no works touches neither.
    hmo = case(
        listed_house,
        application_type="pp.full.minor",
        description="Change of use from a dwellinghouse (C3) to a small HMO (C4).",
    )
    assert conflicts(hmo) == []


def test_a_new_house_in_the_green_belt_conflicts_with_chapter_13_and_the_local_policy():
    green_belt = [hit("green-belt", "Trafford Green Belt")]
    found = conflicts(
        case(
            green_belt,
            application_type="pp.full.minor",
            description="Erection of a detached dwelling in the rear garden.",
            proposed_dwellings=1,
        ),
        council="trafford",
    )
    assert values(found, POLICY_CONFLICT) == [
        "nppf-2024:153",
        "nppf-2024:154",
        "trafford-core-strategy-2012:R4",
    ]
    assert "inappropriate development" in found[0].detail
    # An extension, or homes made by re-using a barn, may be exceptions: to weigh.
    extension = case(green_belt, description="Erection of a single storey side extension.")
    barn = case(
        green_belt,
        application_type="pp.full.minor",
        description="Conversion of a barn to a dwellinghouse.",
        proposed_dwellings=1,
    )
    for weighed in (extension, barn):
        found = conflicts(weighed, council="trafford")
        assert values(found, POLICY_ENGAGED) == values(found) != []


def test_new_homes_in_flood_zone_3_meet_the_sequential_and_exception_tests():
    five_flats = said("proposal.dwellings", "5", "comprising 5 self-contained flats")
    found = conflicts(
        case(
            [hit("flood-risk-zone", "Flood zone 3", zone="3"), five_flats],
            application_type="pp.full.minor",
            description="Erection of a four storey building comprising 5 flats.",
        )
    )
    assert values(found) == ["nppf-2024:174", "nppf-2024:178", "southwark-plan-2022:P68"]
    assert found[0].attributes["team"] == "flood"


def test_a_householder_extension_in_flood_zone_3_is_not_subject_to_the_tests():
    found = conflicts(
        case(
            [hit("flood-risk-zone", "Flood zone 3", zone="3")],
            description="Erection of a single storey rear extension.",
        )
    )
    assert found == []


def test_flood_zone_1_is_no_flood_constraint():
    found = conflicts(
        case(
            [hit("flood-risk-zone", "Flood zone 1", zone="1")],
            application_type="pp.full.minor",
            description="Erection of two houses.",
        )
    )
    assert found == []


def test_felling_a_protected_tree_cites_paragraph_136_and_the_trees_policy():
    felling = said("proposal.tree_works", "yes", "It is proposed to fell the oak (T1).")
    found = conflicts(case([hit("tree-preservation-zone", "TPO 70"), felling]))
    assert values(found) == ["nppf-2024:136", "southwark-plan-2022:P61"]
    assert found[0].evidence.quote == "It is proposed to fell the oak (T1)."
    assert found[0].attributes["team"] == "trees"


def test_a_protected_tree_nobody_touches_brings_no_conflict():
    no_works = said("proposal.tree_works", "no", "No trees will be affected.")
    assert conflicts(case([hit("tree-preservation-zone", "TPO 70"), no_works])) == []


def test_a_new_building_next_to_a_nature_site_goes_to_ecology():
    found = conflicts(
        case(
            [hit("site-of-special-scientific-interest", "Dunham Park")],
            application_type="pp.full.minor",
            description="Erection of a detached garage.",
        ),
        council="trafford",
    )
    assert values(found) == ["nppf-2024:193", "trafford-core-strategy-2012:R2"]
    assert found[0].attributes["team"] == "ecology"


def test_a_change_to_an_hmo_where_an_article_4_direction_removes_that_right():
    direction = hit("article-4-direction-area", "Article 4: HMO Henshaw Street")
    found = conflicts(
        case(
            [direction],
            application_type="pp.full.minor",
            description="Change of use from a dwellinghouse (Class C3) to a small house in "
            "multiple occupation (Class C4).",
        )
    )
    assert values(found, POLICY_ENGAGED) == ["southwark-article-4:HMO-HENSHAW-STREET"]
    assert found[0].title.startswith("An Article 4 direction removes the right for this change")
    assert found[0].attributes["right"] == "Schedule 2 Part 3 Class L"
    assert "blocking" not in found[0].attributes
    assert found[0].policy.quote.startswith("In 2014, the council implemented an Article 4")


def test_a_prior_approval_relying_on_a_removed_right_cannot_succeed():
    direction = hit(
        "article-4-direction-area", "Article 4: Class MA Change of use from Class E to residential"
    )
    found = conflicts(
        case(
            [direction],
            application_type="pa.part3.classMA",
            description="Change of use of the ground floor shop (Class E) to one flat (Class C3).",
        )
    )
    assert values(found, POLICY_CONFLICT) == ["southwark-article-4:CLASS-MA"]
    assert found[0].attributes["blocking"] == "yes"
    assert "Schedule 2 Part 3 Class MA" in found[0].detail
    assert found[0].title.startswith("The permitted development right this application relies on")


def test_an_article_4_direction_on_other_works_does_not_bite():
    direction = hit("article-4-direction-area", "Article 4: HMO Henshaw Street")
    found = conflicts(case([direction], description="Erection of a single storey rear extension."))
    assert found == []


def test_a_direction_about_pubs_bites_on_the_pub_not_on_a_house_beside_it():
    pubs = hit("article-4-direction-area", "Article 4: Public Houses", area="The Mayflower")
    for description, kind in (
        (
            "Erection of a two storey end-of-terrace dwelling on land at the side of the house.",
            "pp.full.minor",
        ),
        ("Erection of a two storey side extension.", "pp.full.householder"),
    ):
        assert conflicts(case([pubs], application_type=kind, description=description)) == []
    pub_to_restaurant = case(
        [pubs],
        application_type="pp.full",
        description="Change of use of the Mayflower public house (sui generis) to a restaurant.",
    )
    found = conflicts(pub_to_restaurant)
    assert values(found, POLICY_ENGAGED) == ["southwark-article-4:PUBLIC-HOUSES"]


def test_a_full_application_in_a_class_ma_area_is_not_using_class_ma():
    class_ma = hit(
        "article-4-direction-area", "Article 4: Class MA Change of use from Class E to residential"
    )
    side = case([class_ma], description="Erection of a two storey side extension.")
    assert conflicts(side) == []
    shop_to_flat = case(
        [class_ma],
        application_type="pp.full.minor",
        description="Change of use of the ground floor shop (Class E) to a flat (Class C3).",
    )
    found = conflicts(shop_to_flat)
    assert values(found, POLICY_ENGAGED) == ["southwark-article-4:CLASS-MA"]
    # A prior approval under a class the direction does not remove is not blocked by it.
    offices = hit("article-4-direction-area", "Article 4: offices in the Central Activities Zone")
    prior_approval = case(
        [offices],
        application_type="pa.part3.classMA",
        description="Change of use of offices (Class E) to flats (Class C3).",
    )
    assert conflicts(prior_approval) == []


def test_a_certificate_for_works_a_direction_removes_cannot_be_granted():
    sunray = hit("article-4-direction-area", "Article 4: Sunray Estate")
    found = conflicts(
        case(
            [sunray],
            application_type="ldc.proposed",
            description="Certificate of lawfulness for replacement front windows and a porch.",
        )
    )
    assert values(found, POLICY_CONFLICT) == ["southwark-article-4:SUNRAY-ESTATE"]
    assert found[0].attributes["blocking"] == "yes"


def test_a_documents_claim_names_the_direction_when_no_layer_is_loaded():
    claim = said(
        "constraint.article_4",
        "present",
        "The property is within the Henshaw Street Article 4 direction area.",
    )
    found = conflicts(
        case([claim], application_type="pp.full.minor", description="Change of use to an HMO.")
    )
    assert values(found) == ["southwark-article-4:HMO-HENSHAW-STREET"]
    assert found[0].attributes["site_evidence"].startswith("statement.pdf, page 1:")


def test_a_graze_is_no_constraint():
    found = conflicts(
        case(
            [hit("conservation-area", "Camberwell Grove", grazes=True)],
            description="Demolition of a garage.",
        )
    )
    assert found == []


def test_without_a_loaded_library_there_is_nothing_to_cite():
    the_case = case([hit("conservation-area", "X")], description="Demolition of a garage.")
    assert policy_conflicts.policy_findings(the_case, PolicyLibrary()) == []


def test_the_model_is_given_only_the_few_policies_the_rules_select():
    the_case = case(
        [hit("conservation-area", "Camberwell Grove"), hit("tree-preservation-zone", "TPO 70")],
        description="Rear extension.",
    )
    chosen = policy_conflicts.relevant_policies(the_case, library())
    # Those that bite first, then those governing what the site touches.
    assert [policy.key for policy in chosen] == [
        "nppf-2024:212",
        "southwark-plan-2022:P20",
        "nppf-2024:220",
        "nppf-2024:219",
        "nppf-2024:136",
        "southwark-plan-2022:P61",
    ]


def test_an_extension_in_a_conservation_area_cites_paragraph_212_and_the_local_policy():
    found = conflicts(
        case([hit("conservation-area", "Sunray Estate")], description="Erection of a porch.")
    )
    assert values(found) == ["nppf-2024:212", "southwark-plan-2022:P20"]
    assert "team" not in found[0].attributes  # the case officer's, not the heritage team's
    # Listed building consent is about the building, not the conservation area.
    lbc = case([hit("conservation-area", "X")], application_type="listed", description="Dormer.")
    assert "southwark-plan-2022:P20" not in values(conflicts(lbc))


def test_demolishing_a_conservatory_is_no_loss_of_a_building():
    found = conflicts(
        case(
            [hit("conservation-area", "Camberwell Grove")],
            description="Demolition of the rear conservatory and erection of a rear extension.",
        )
    )
    assert values(found) == ["nppf-2024:212", "southwark-plan-2022:P20"]
    assert found[0].attributes["rule"] == "conservation-area-works"


def test_homes_made_by_a_change_of_use_are_not_subject_to_the_sequential_test():
    found = conflicts(
        case(
            [hit("flood-risk-zone", "Zone 3", zone="3")],
            application_type="pp.full.minor",
            description="Change of use of a warehouse (Class B8) to six flats (Class C3).",
        )
    )
    assert found == []


def test_an_existing_dwelling_or_basement_in_the_description_is_not_the_proposal():
    hmo = case(
        application_type="pp.full.minor",
        description="Change of use from a single dwellinghouse (Class C3) to a small HMO (C4).",
    )
    assert "new-dwellings" not in hmo.proposal
    pub = case(
        application_type="pp.full.minor",
        description="Change of use of the upper floors to two flats, retaining the public "
        "house at ground floor and basement.",
    )
    assert "basement" not in pub.proposal and "new-dwellings" in pub.proposal


def test_a_rear_extension_in_a_conservation_area_is_works_not_a_new_building():
    for description in (
        "Erection of a part single, part two storey rear extension",
        "Erection of a single storey rear extension with 3 rooflights",
        "Replacement of the timber sash windows with double-glazed timber sash windows",
    ):
        found = conflicts(
            case([hit("conservation-area", "Old Barge House Alley")], description=description)
        )
        assert {f.attributes["rule"] for f in found} == {"conservation-area-works"}, description
        assert {f.code for f in found} == {POLICY_ENGAGED}


def test_works_to_trees_a_statement_says_are_not_protected_do_not_engage_the_tpo():
    felling = said(
        "proposal.tree_works",
        "yes",
        "Removal of two conifers that are not protected, to be replaced by three native trees.",
    )
    assert conflicts(case([hit("tree-preservation-zone", "TPO 70"), felling])) == []


def test_a_garden_room_in_a_conservation_area_is_works_to_the_house_not_a_new_building():
    found = conflicts(
        case(
            [hit("conservation-area", "Camberwell Grove")],
            description="Erection of a single storey garden room at the end of the garden.",
        )
    )
    assert values(found) == ["nppf-2024:212", "southwark-plan-2022:P20"]
    assert "team" not in found[0].attributes
