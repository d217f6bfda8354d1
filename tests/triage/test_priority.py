"""Lanes and the score's order on hand-built cases whose answer is obvious to a planner."""

import pytest

from tests.triage.cases import case, document, hit, library, requirements, said
from triage import checks, policy_conflicts, validation

EVERY_DOCUMENT = [
    document(name, kind, text)
    for name, kind, text in [
        ("location-plan.pdf", "locationPlan", ""),
        ("application-form.pdf", "other", "Certificate of Ownership - Certificate A"),
        ("heritage-statement.pdf", "heritageStatement", ""),
        ("design-and-access-statement.pdf", "designAndAccessStatement", ""),
        ("flood-risk-assessment.pdf", "floodRiskAssessment", ""),
        ("arboricultural-report.pdf", "treeSurvey", ""),
        ("bng-metric.xlsx", "biodiversityNetGain", ""),
        ("cil-form.pdf", "other", ""),
        ("basement-impact-assessment.pdf", "basementImpactStatement", ""),
        ("ecological-survey.pdf", "ecologyReport", ""),
    ]
]


def triage(findings=(), *, documents=EVERY_DOCUMENT, unreadable=(), council="southwark", **kw):
    findings = list(findings)
    the_case = case(findings, **kw)
    findings += checks.conflicts(findings)
    findings += validation.validation_findings(
        the_case, list(documents), list(requirements(council))
    )
    findings += policy_conflicts.policy_findings(the_case, library(council))
    return checks.prioritise(findings, the_case, unreadable_documents=list(unreadable))


def test_a_householder_extension_on_a_plain_site_with_its_documents_is_fast_tracked():
    priority = triage(description="Single storey rear extension.")
    assert (priority.lane, priority.team) == ("fast-track", "")
    assert "Householder or minor, no constraints, nothing missing" in priority.reasons


def test_minor_development_on_a_plain_site_is_fast_tracked_but_major_is_not():
    assert triage(application_type="pp.full.minor", description="Two houses.").lane == "fast-track"
    major = triage(
        application_type="pp.full.major", description="Erection of 48 flats.", proposed_dwellings=48
    )
    assert major.lane == "standard"
    assert "Major development: 10 or more dwellings (48)" in major.reasons


def test_a_conservation_area_extension_is_standard():
    priority = triage([hit("conservation-area", "Camberwell Grove")], description="Rear extension.")
    assert priority.lane == "standard"


@pytest.mark.parametrize(
    ("findings", "kw", "team"),
    [
        ([], {"application_type": "listed", "description": "New sash windows."}, "heritage"),
        (
            [hit("conservation-area", "Camberwell Grove")],
            {"description": "Demolition of the rear garage."},
            "heritage",
        ),
        (
            [hit("flood-risk-zone", "Zone 3", zone="3")],
            {"application_type": "pp.full.minor", "description": "Erection of a house."},
            "flood",
        ),
        (
            [
                hit("tree-preservation-zone", "TPO 70"),
                said("proposal.tree_works", "yes", "The lime (T3) is to be felled."),
            ],
            {"description": "Rear extension."},
            "trees",
        ),
        (
            [hit("site-of-special-scientific-interest", "Dunham Park")],
            {"application_type": "pp.full.minor", "description": "Erection of a barn."},
            "ecology",
        ),
    ],
    ids=["listed-building", "conservation-area-demolition", "flood", "trees", "ecology"],
)
def test_specialist_matters_go_to_their_team(findings, kw, team):
    council = "trafford" if team == "ecology" else "southwark"
    priority = triage(findings, council=council, **kw)
    assert (priority.lane, priority.team) == ("specialist", team)
    assert f"For the {team} team" in priority.reasons


def test_the_green_belt_is_for_the_case_officer():
    priority = triage(
        [hit("green-belt", "Green Belt")],
        council="trafford",
        application_type="pp.full.minor",
        description="Erection of a detached house.",
    )
    assert (priority.lane, priority.team) == ("standard", "")
    assert any(
        reason.startswith("Policy to consider: New building in the Green Belt")
        for reason in priority.reasons
    )


def test_something_to_resolve_needs_attention_before_a_specialist_looks():
    missing_heritage = [d for d in EVERY_DOCUMENT if d.document_type != "heritageStatement"]
    priority = triage(
        [hit("conservation-area", "Camberwell Grove")],
        documents=missing_heritage,
        description="Demolition of the rear garage.",
    )
    assert (priority.lane, priority.team) == ("needs-attention", "heritage")
    assert "Heritage statement not found among the documents" in priority.reasons


def test_a_document_contradicting_the_map_or_one_that_cannot_be_read_needs_attention():
    denial = said(
        "constraint.conservation_area", "absent", "The site is not in a conservation area."
    )
    assert triage([hit("conservation-area", "X"), denial], description="x").lane == (
        "needs-attention"
    )
    assert triage(unreadable=["scan.pdf (no text)"], description="x").lane == "needs-attention"


def test_a_policy_conflict_counts_for_more_than_a_policy_to_consider():
    green_belt = [hit("green-belt", "Green Belt")]
    weighed = triage(
        green_belt, council="trafford", description="Erection of a single storey side extension."
    )
    against = triage(
        green_belt,
        council="trafford",
        application_type="pp.full.householder",
        description="Erection of a detached dwelling in the garden.",
        proposed_dwellings=1,
    )
    assert any(r.startswith("Policy conflict: ") for r in against.reasons)
    assert not any(r.startswith("Policy conflict: ") for r in weighed.reasons)
    assert against.score > weighed.score


def test_a_prior_approval_relying_on_a_removed_right_needs_attention():
    direction = hit("article-4-direction-area", "Article 4: Class MA Change of use from Class E")
    priority = triage(
        [direction],
        application_type="pa.part3.classMA",
        description="Change of use of a shop (Class E) to a flat (Class C3).",
    )
    assert priority.lane == "needs-attention"


def test_the_score_puts_bigger_and_more_constrained_cases_first():
    householder = triage(description="Rear extension.").score
    two_houses = triage(application_type="pp.full.minor", description="Erection of two houses.")
    twenty_four = triage(
        application_type="pp.full.major", description="24 flats.", proposed_dwellings=24
    )
    listed_works = triage([hit("listed-building", "The George Inn")], description="Windows.")
    assert householder < two_houses.score < twenty_four.score
    assert householder < listed_works.score
    assert "24 new homes" in twenty_four.reasons


def test_the_deadline_raises_the_score_within_the_lane():
    assert checks.with_deadline("fast-track", 10, "overdue") == ("fast-track", 50)
    assert checks.with_deadline("fast-track", 10, "at-risk") == ("fast-track", 40)
    assert checks.with_deadline("standard", 80, "at-risk") == ("standard", 100)
    assert checks.with_deadline("standard", 20, "later") == ("standard", 20)
    assert checks.deadline_reason("at-risk", extended=True) == (
        "At risk: under 10 days to its agreed determination deadline"
    )


def test_the_category_is_the_statutory_one_from_planning():
    # 0.6 ha of housing with the number of homes unknown is major (DMPO art. 2), as
    # planning.statutory says; the old triage rule (1 ha) called it minor.
    priority = triage(
        application_type="pp.outline", description="Residential development.", site_area_m2=6000
    )
    assert any(
        reason.startswith("Major development: a site of 0.5 ha") for reason in priority.reasons
    )
