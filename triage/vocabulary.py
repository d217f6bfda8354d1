"""The fixed vocabulary of finding codes and their canonical values.

Every engine (rules, llm) emits only these codes, and the evaluation set's expected.json
uses them, so the two can be compared exactly. A value is always a short string in the
canonical form given here; extra facts go in a finding's `attributes`.
"""

from enum import StrEnum

from django.db.models import TextChoices


class FindingCode(StrEnum):
    # Constraint claims made by a document about the site. value: "present" | "absent".
    CONSERVATION_AREA = "constraint.conservation_area"  # attributes: name
    LISTED_BUILDING = "constraint.listed_building"  # attributes: grade ("I", "II*", "II")
    TREE_PRESERVATION_ORDER = "constraint.tree_preservation_order"
    FLOOD_ZONE = "constraint.flood_zone"  # present = zone 2 or 3; attributes: zone ("1","2","3")
    GREEN_BELT = "constraint.green_belt"
    ARTICLE_4 = "constraint.article_4"  # attributes: name of the direction

    # Facts about the proposal.
    DWELLINGS = "proposal.dwellings"  # value: net new dwellings as an integer, "9"
    STOREYS = "proposal.storeys"  # value: storeys of the tallest new building, "3"
    FLOORSPACE = "proposal.floorspace_m2"  # value: new floorspace in m², integer, "450"
    DEMOLITION = "proposal.demolition"  # value: "yes" | "no"
    CHANGE_OF_USE = "proposal.change_of_use"  # value: "yes" | "no"; attributes: from, to
    TREE_WORKS = "proposal.tree_works"  # value: "yes" | "no"
    BASEMENT = "proposal.basement"  # value: "yes" | "no"

    # Policies the documents cite.
    NPPF_PARAGRAPH = "policy.nppf"  # value: the paragraph number, "202"
    LOCAL_POLICY = "policy.local"  # value: the policy reference, upper case, no spaces, "P13"


# What triage says about the policies, for the whole application (triage.policy_conflicts; the
# llm engine's judgement too): a policy the officer must consider, and one the proposal runs
# against. value: the policy's key, "nppf-2024:212".
POLICY_ENGAGED = "engaged.policy"
POLICY_CONFLICT = "conflict.policy"
# Where a document's text is not a good reading of its pages (triage.reading_limits).
# value: "lost-tick-boxes" | "flattened-table" | "ocr" | "model-unread".
READING_LIMITED = "reading.limited"
# The site's planning history that weighs on the case (triage.site_history): an earlier
# application refused on this site, or enforcement here. value: the earlier reference.
HISTORY_REFUSED = "history.refused"
HISTORY_ENFORCEMENT = "history.enforcement"
HISTORY_CODES = (HISTORY_REFUSED, HISTORY_ENFORCEMENT)
# Whom the proposal should be sent to (triage.consultations): a consultee a rule suggests, and
# a consultee whose rule could not be checked for want of data. value: the consultee's slug.
CONSULTEE = "consultee.suggested"
CONSULTEE_UNCHECKED = "consultee.unchecked"

CONSTRAINT_CODES = frozenset(code for code in FindingCode if code.startswith("constraint."))
YES_NO_CODES = frozenset(
    {
        FindingCode.DEMOLITION,
        FindingCode.CHANGE_OF_USE,
        FindingCode.TREE_WORKS,
        FindingCode.BASEMENT,
    }
)
NUMBER_CODES = frozenset({FindingCode.DWELLINGS, FindingCode.STOREYS, FindingCode.FLOORSPACE})
PRESENT, ABSENT = "present", "absent"


class Origin(TextChoices):
    """Where a finding came from: which part of the service (or which person) made it. Its
    `engine` names the version (a model and prompt, say); its `strength` what supports it."""

    RULES = "rules", "Rules (documents and policies)"
    MODEL = "model", "Language model"
    SPATIAL = "spatial", "Constraint map"
    CHECK = "check", "Cross-check of the other findings"
    OFFICER = "officer", "Officer"


class Strength(TextChoices):
    """What supports a finding, in words an officer can weigh (docs/evidence-strength.md). Not a
    probability: each engine says which kind of evidence it read, and `triage_eval` measures
    how often findings of each kind are right on real documents."""

    FORM = "form", "Stated on the application form"
    DIRECT = "direct", "Stated in a document about this site or proposal"
    INDIRECT = "indirect", "Implied, or said in passing: check the quote"
    MAP = "map", "On our constraint map"
    MAP_EDGE = "map-edge", "At the edge of our constraint map: check the boundary"
    MODEL = "model", "Read by the model; its quote is on the page"
    CHECK = "check", "Worked out from the other findings"
    OFFICER = "officer", "Recorded by an officer"


# How often document findings of each strength were right: (right, found), measured by
# `triage_eval` with the rules engine on the real development set (52 applications from one
# council's 2022 register, ../shared/data/real-documents/trafford-2022), December 2026. Shown to
# officers beside each strength; tests/triage/test_real_documents.py measures them again
# whenever the set is present, so they cannot drift from what the engine does.
MEASURED_PRECISION: dict[str, tuple[int, int]] = {
    Strength.FORM: (35, 35),
    Strength.DIRECT: (214, 223),
    Strength.INDIRECT: (25, 31),
}
MEASURED_ON = "52 real applications from one council's 2022 register"

# The kinds of evidence strong enough for a fact to trigger a validation requirement or a
# category of development on its own: the form, a direct statement, our map, an officer, and a
# model's finding (its quote verified on the page and in scope). What is said in passing
# (indirect) or lies at the map's edge is shown, never acted on.
STRONG = frozenset({Strength.FORM, Strength.DIRECT, Strength.MAP, Strength.MODEL, Strength.OFFICER})
