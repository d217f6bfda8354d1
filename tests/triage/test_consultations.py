"""Whom a proposal should be sent to, on hand-built cases whose answer a planner knows: each
suggestion names its rules and the evidence that triggered them, a rule whose layer is not
loaded says it could not be checked, and weak evidence suggests nobody."""

import datetime
import functools

from policies.files import CONSULTATION_FILES, parse_consultations_file
from tests.triage.cases import case, hit, said
from triage.consultations import Near, SpatialFacts, check_rule, suggest
from triage.vocabulary import CONSULTEE, CONSULTEE_UNCHECKED, FindingCode, Strength

EVERY_LAYER = frozenset(
    {
        "flood-risk-zone",
        "main-river",
        "site-of-special-scientific-interest",
        "sssi-impact-risk-zone",
        "special-area-of-conservation",
        "special-protection-area",
        "ramsar",
        "scheduled-monument",
        "park-and-garden",
        "battlefield",
        "conservation-area",
        "listed-building",
        "listed-building-outline",
        "tree-preservation-zone",
        "tree",
        "archaeological-priority-area",
        "local-nature-reserve",
        "woodland",
    }
)
LOADED = SpatialFacts(covered=EVERY_LAYER)


@functools.cache
def rules(council: str = "southwark"):
    national = parse_consultations_file(CONSULTATION_FILES[0]).rules
    index = {"southwark": 1, "trafford": 2}[council]
    return tuple(national + parse_consultations_file(CONSULTATION_FILES[index]).rules)


def suggested(findings) -> dict[str, object]:
    return {f.value: f for f in findings if f.code == CONSULTEE}


def unchecked(findings) -> dict[str, object]:
    return {f.value: f for f in findings if f.code == CONSULTEE_UNCHECKED}


def test_a_new_building_in_flood_zone_3_is_sent_to_the_environment_agency():
    the_case = case(
        [hit("flood-risk-zone", "Flood zone 3", zone="3")],
        application_type="pp.full.minor",
        description="Erection of a detached house.",
    )

    found = suggested(suggest(the_case, list(rules()), LOADED))

    agency = found["environment-agency"]
    assert agency.title == "Consult Environment Agency"
    assert agency.attributes["rules"] == "flood-zone"
    assert agency.attributes["statutory"] == "yes"
    assert "DMPO 2015 art. 18 and Schedule 4" in agency.attributes["legal_basis"]
    assert (
        "flood-zone (National list): flood zone 2 or 3: The site is inside"
        in (agency.attributes["why"])
    )
    assert agency.strength == Strength.CHECK


def test_a_householder_extension_in_a_conservation_area_goes_to_the_councils_own_team():
    the_case = case(
        [hit("conservation-area", "Camberwell Grove")],
        description="Single storey rear extension.",
    )

    found = suggest(the_case, list(rules()), LOADED)

    assert set(suggested(found)) == {"design-and-conservation"}
    team = suggested(found)["design-and-conservation"]
    assert team.attributes["lists"] == "London Borough of Southwark consultation list (sample)"
    assert unchecked(found) == {}


def test_where_no_flood_layer_is_loaded_the_rule_could_not_be_checked():
    the_case = case(application_type="pp.full.minor", description="Erection of a detached house.")
    no_flood = SpatialFacts(covered=EVERY_LAYER - {"flood-risk-zone", "main-river"})

    found = suggest(the_case, list(rules()), no_flood)

    gap = unchecked(found)["environment-agency"]
    assert gap.title == "Could not check whether to consult Environment Agency"
    assert gap.attributes["rules"] == "flood-zone, main-river"
    assert gap.attributes["missing_layers"] == "flood-risk-zone, main-river"
    assert gap.detail.startswith(
        "No flood risk zone or main river (Environment Agency) layer is loaded around this "
        "site, so rules flood-zone, main-river could not be checked."
    )
    assert "environment-agency" not in suggested(found)


def test_a_document_claiming_flood_zone_3_is_evidence_where_no_layer_is_loaded():
    claim = said(FindingCode.FLOOD_ZONE, "present", "The site lies in Flood Zone 3.", zone="3")
    the_case = case([claim], application_type="pp.full.minor", description="New house.")

    found = suggest(the_case, list(rules()), SpatialFacts())

    assert "environment-agency" in suggested(found)
    assert "The site lies in Flood Zone 3." in suggested(found)["environment-agency"].detail


def test_a_claim_said_in_passing_suggests_nobody():
    claim = said(
        FindingCode.CONSERVATION_AREA,
        "present",
        "conservation areas nearby",
        strength=Strength.INDIRECT,
    )
    the_case = case([claim], description="Single storey rear extension.")

    assert suggested(suggest(the_case, list(rules()), LOADED)) == {}


def test_major_development_goes_to_the_lead_local_flood_authority_with_its_numbers():
    the_case = case(
        application_type="pp.full.major",
        description="Erection of 24 flats.",
        proposed_dwellings=24,
        site_area_m2=3_000,
    )

    found = suggested(suggest(the_case, list(rules()), LOADED))

    flood = found["lead-local-flood-authority"]
    assert "it is major development" in flood.attributes["why"]
    assert "24" in flood.attributes["why"]
    assert {"thames-water", "designing-out-crime", "transport-policy"} <= set(found)


def test_distance_rules_read_how_far_the_feature_is():
    the_case = case(application_type="pp.full.minor", description="Erection of a workshop.")
    river = SpatialFacts(near=(Near("main-river", "River Mersey", 14.0),), covered=EVERY_LAYER)
    far = SpatialFacts(near=(Near("main-river", "River Mersey", 31.0),), covered=EVERY_LAYER)

    near_found = suggested(suggest(the_case, list(rules()), river))
    far_found = suggested(suggest(the_case, list(rules()), far))

    assert (
        "main river (Environment Agency) River Mersey 14 m away"
        in (near_found["environment-agency"].attributes["why"])
    )
    assert "environment-agency" not in far_found


def test_a_tall_residential_building_goes_to_the_health_and_safety_executive():
    storeys = said(FindingCode.STOREYS, "9", "a nine storey building")
    the_case = case(
        [storeys],
        application_type="pp.full.major",
        description="Erection of a nine storey building of 60 flats.",
        proposed_dwellings=60,
    )

    found = suggested(suggest(the_case, list(rules()), LOADED, storeys=9))
    lower = suggested(suggest(the_case, list(rules()), LOADED, storeys=5))

    assert "9 storeys" in found["health-and-safety-executive"].attributes["why"]
    assert "health-and-safety-executive" not in lower


def test_one_finding_per_consultee_naming_every_rule():
    the_case = case(
        [
            hit("conservation-area", "Bermondsey Street"),
            hit("listed-building", "No. 4", grade="II"),
        ],
        application_type="pp.full",
        description="Change of use of the ground floor to a cafe.",
    )

    team = suggested(suggest(the_case, list(rules()), LOADED))["design-and-conservation"]

    assert team.attributes["rules"] == "conservation-officer-area, conservation-officer-listed"


def test_a_rule_applies_only_while_in_force():
    rule = next(r for r in rules() if r.key == "surface-water-major")
    later = rule.__class__(**{**rule.__dict__, "in_force_from": datetime.date(2030, 1, 1)})
    the_case = case(
        application_type="pp.full.major",
        description="Erection of 24 flats.",
        proposed_dwellings=24,
        received_date=datetime.date(2026, 11, 2),
    )

    assert check_rule(rule, the_case, LOADED)[0] == "applies"
    assert check_rule(later, the_case, LOADED)[0] == "no"


def test_trafford_sends_new_building_by_the_woods_to_its_ecology_unit():
    the_case = case(application_type="pp.full.minor", description="Erection of two houses.")
    woods = SpatialFacts(near=(Near("woodland", "", 9.0),), covered=EVERY_LAYER)

    found = suggested(suggest(the_case, list(rules("trafford")), woods))

    assert found["gmeu"].attributes["rules"] == "ecology-woodland"
    assert "design-and-conservation" not in found
