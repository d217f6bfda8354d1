"""One definition of each document finding code, read by every engine: what it is called, the
values it takes, what it says about the site or the proposal, and when a document does not
state it. The rules engine's parsers (triage.extractors.specs) implement these; the llm
engine's prompt and its value check are written from them; so the two cannot drift.

The scope rules here are the ones the labelled sets follow (docs/evaluation-set.md): a claim is
about this site and this proposal, now, as the document states it.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from triage.vocabulary import ABSENT, PRESENT, FindingCode


class ValueKind(StrEnum):
    PRESENCE = "presence"  # present | absent
    YES_NO = "yes-no"
    COUNT = "count"  # a whole number
    PARAGRAPH = "paragraph"  # an NPPF paragraph number
    REFERENCE = "reference"  # a local policy reference, upper case, no spaces


@dataclass(frozen=True)
class FindingSpec:
    code: FindingCode
    label: str  # for people: "Conservation area"
    kind: ValueKind
    value: str  # what the value means, in words
    attributes: tuple[str, ...] = ()
    # When a mention is not a claim: said to the model, and what the rules engine's scope
    # rules implement.
    not_a_claim: str = ""

    def value_ok(self, value: str) -> bool:
        value = value.strip()
        if self.kind == ValueKind.PRESENCE:
            return value in (PRESENT, ABSENT)
        if self.kind == ValueKind.YES_NO:
            return value in ("yes", "no")
        if self.kind in (ValueKind.COUNT, ValueKind.PARAGRAPH):
            return value.isdigit()
        return bool(_REFERENCE.fullmatch(value))


_REFERENCE = re.compile(r"[A-Z]{1,6}\d{1,3}[A-Z]?")
_ABOUT_THE_SITE = (
    "a statement about a neighbouring building, the wider area, the past, a hypothesis or such "
    "places in general; a form's question whose answer is lost"
)
_ABOUT_THE_PROPOSAL = (
    "what stands on the site now, a neighbour's works, an earlier scheme or permission (planning "
    "history), a threshold or a policy's words"
)

FINDING_SPECS: dict[FindingCode, FindingSpec] = {
    spec.code: spec
    for spec in (
        FindingSpec(
            FindingCode.CONSERVATION_AREA,
            "Conservation area",
            ValueKind.PRESENCE,
            "whether the site is in a conservation area",
            ("name",),
            _ABOUT_THE_SITE,
        ),
        FindingSpec(
            FindingCode.LISTED_BUILDING,
            "Listed building",
            ValueKind.PRESENCE,
            "whether the building on the site is listed (a form's choice of listed building "
            "consent says it is)",
            ("grade",),
            _ABOUT_THE_SITE + "; listed buildings near the site (their setting)",
        ),
        FindingSpec(
            FindingCode.TREE_PRESERVATION_ORDER,
            "Tree preservation order",
            ValueKind.PRESENCE,
            "whether trees on the site are protected by a tree preservation order",
            (),
            _ABOUT_THE_SITE + "; a tree form's declaration, which names both protections",
        ),
        FindingSpec(
            FindingCode.FLOOD_ZONE,
            "Flood zone",
            ValueKind.PRESENCE,
            "present when the site is in flood zone 2 or 3, absent for zone 1",
            ("zone",),
            _ABOUT_THE_SITE,
        ),
        FindingSpec(
            FindingCode.GREEN_BELT,
            "Green Belt",
            ValueKind.PRESENCE,
            "whether the site is in the Green Belt",
            (),
            _ABOUT_THE_SITE,
        ),
        FindingSpec(
            FindingCode.ARTICLE_4,
            "Article 4 direction",
            ValueKind.PRESENCE,
            "whether an Article 4 direction covers the site",
            ("name",),
            _ABOUT_THE_SITE,
        ),
        FindingSpec(
            FindingCode.DWELLINGS,
            "New homes",
            ValueKind.COUNT,
            "net new dwellings the proposal creates (a unit mix added up; 0 when it creates none)",
            (),
            _ABOUT_THE_PROPOSAL + "; homes that are part of the total (the affordable ones)",
        ),
        FindingSpec(
            FindingCode.STOREYS,
            "Storeys",
            ValueKind.COUNT,
            "storeys of the tallest new building or extension",
            (),
            _ABOUT_THE_PROPOSAL + "; the height of the existing building or its neighbours",
        ),
        FindingSpec(
            FindingCode.FLOORSPACE,
            "New floorspace (m\u00b2)",
            ValueKind.COUNT,
            "new floorspace in square metres (the net addition when given)",
            (),
            _ABOUT_THE_PROPOSAL + "; existing, converted, garden or site areas",
        ),
        FindingSpec(
            FindingCode.DEMOLITION,
            "Demolition",
            ValueKind.YES_NO,
            "whether the proposal demolishes a building or part of one",
            (),
            _ABOUT_THE_PROPOSAL,
        ),
        FindingSpec(
            FindingCode.CHANGE_OF_USE,
            "Change of use",
            ValueKind.YES_NO,
            "whether the proposal changes the use of land or a building",
            ("from", "to"),
            _ABOUT_THE_PROPOSAL,
        ),
        FindingSpec(
            FindingCode.TREE_WORKS,
            "Tree works",
            ValueKind.YES_NO,
            "whether the proposal fells or prunes trees",
            (),
            _ABOUT_THE_PROPOSAL,
        ),
        FindingSpec(
            FindingCode.BASEMENT,
            "Basement",
            ValueKind.YES_NO,
            "whether the proposal digs or extends a basement",
            (),
            _ABOUT_THE_PROPOSAL + "; an existing basement the works reach",
        ),
        FindingSpec(
            FindingCode.NPPF_PARAGRAPH,
            "NPPF paragraph",
            ValueKind.PARAGRAPH,
            "a paragraph of the National Planning Policy Framework the document cites",
            (),
            "paragraphs of the Planning Practice Guidance, the National Design Guide or a "
            "court judgment",
        ),
        FindingSpec(
            FindingCode.LOCAL_POLICY,
            "Local policy",
            ValueKind.REFERENCE,
            "a local plan policy the document cites, by its reference in upper case without "
            "spaces (P13; R1 for R1.1)",
            (),
            "codes that are not cited as policies: drawing and document numbers, lighting zones "
            "(E1-E4), site and survey references, strategic objectives (SO1), SPDs, Historic "
            "England advice notes",
        ),
    )
}
assert set(FINDING_SPECS) == set(FindingCode), "every finding code needs its spec"


# Application types whose documents describe a development already permitted, not one proposed
# now: a discharge of conditions submits details of the approved scheme, so its homes, uses,
# storeys, basements and floorspace are that permission's (planning history). Works the details
# are for (a demolition method, tree works) are still read.
EARLIER_PERMISSION_TYPES = ("approval.conditions",)
FACTS_OF_THE_PERMISSION = frozenset(
    {
        FindingCode.DWELLINGS,
        FindingCode.CHANGE_OF_USE,
        FindingCode.STOREYS,
        FindingCode.BASEMENT,
        FindingCode.FLOORSPACE,
    }
)


def proposed_codes(application_type: str) -> frozenset[FindingCode]:
    """The codes a document of this application type can state (see EARLIER_PERMISSION_TYPES)."""
    every = frozenset(FindingCode)
    if application_type.startswith(EARLIER_PERMISSION_TYPES):
        return every - FACTS_OF_THE_PERMISSION
    return every


def label(code: str) -> str:
    spec = FINDING_SPECS.get(code)  # type: ignore[call-overload]
    return spec.label if spec else code


def model_instructions() -> str:
    """The codes, their values and when a mention is not a claim, for the model's prompt."""
    lines = []
    for spec in FINDING_SPECS.values():
        values = {
            ValueKind.PRESENCE: '"present" or "absent"',
            ValueKind.YES_NO: '"yes" or "no"',
            ValueKind.COUNT: "an integer",
            ValueKind.PARAGRAPH: "the paragraph number",
            ValueKind.REFERENCE: "the reference",
        }[spec.kind]
        line = f"- {spec.code}: {values}, {spec.value}."
        if spec.not_a_claim:
            line += f" Not: {spec.not_a_claim}."
        lines.append(line)
    return "\n".join(lines)
