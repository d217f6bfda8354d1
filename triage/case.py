"""What a run knows about the case, in the words validation lists and policies are written in
(policies.vocabulary): which kinds of constraint the site touches and which facts the proposal
shows, each with the evidence for it, plus its statutory category and deadline.

Built once per run from the findings and the application; the validation check, the policy
conflict rules and the priority all read it, so "in a conservation area" or "demolition" means
the same thing to each. Pure: no database.
"""

import datetime
import re
from dataclasses import dataclass, field

from planning import statutory
from policies.vocabulary import CONSTRAINT_KINDS
from triage.extractors.spans import NUMBER, to_number
from triage.schemas import FindingDraft
from triage.vocabulary import PRESENT, STRONG, FindingCode


@dataclass(frozen=True)
class Evidence:
    """What shows a constraint or a proposal fact: a finding (a layer's hit, a document's quote)
    or a phrase of the description of development."""

    finding: FindingDraft | None = None
    description: str = ""
    # Evidence in words when there is nothing to quote (a number from the application form).
    note: str = ""

    def words(self) -> str:
        """The evidence as an officer reads it in a finding's detail."""
        if self.note:
            return self.note
        if self.description:
            return f"the description of development says \u201c{self.description}\u201d"
        finding = self.finding
        if finding is None:
            return ""
        if finding.spatial is not None:
            detail = finding.detail.rstrip(".")
            return f"{finding.title} ({detail})" if detail else finding.title
        if finding.evidence is not None:
            name = finding.title.split(":", 1)[0]
            return f"{name}, page {finding.evidence.page}: \u201c{finding.evidence.quote}\u201d"
        return finding.title


@dataclass(frozen=True)
class CaseInput:
    """The application's own fields the case is built from."""

    application_type: str
    description: str
    site_area_m2: float | None = None
    proposed_dwellings: int | None = None
    floorspace_m2: float | None = None
    project_types: tuple[str, ...] = ()
    statutory_deadline: datetime.date | None = None
    determination_deadline: datetime.date | None = None
    # The day the application was received: which requirements were in force. None: today.
    received_date: datetime.date | None = None
    # Submitted as an Open Digital Planning application, whose data are the application form
    # (the ownership certificate among them).
    form_in_submission: bool = False


@dataclass(frozen=True)
class Case:
    application_type: str
    description: str
    site_area_m2: float | None
    dwellings: int | None
    floorspace_m2: float | None
    category: statutory.Category
    statutory_deadline: datetime.date | None
    determination_deadline: datetime.date | None
    constraints: dict[str, list[Evidence]] = field(default_factory=dict)
    proposal: dict[str, list[Evidence]] = field(default_factory=dict)
    received_date: datetime.date | None = None
    form_in_submission: bool = False
    # Where the numbers came from: the application's own fields, or a document's quote.
    dwellings_evidence: Evidence | None = None
    floorspace_evidence: Evidence | None = None

    @property
    def householder(self) -> bool:
        return "householder" in self.application_type.lower()

    def type_is(self, prefixes: tuple[str, ...]) -> bool:
        kind = self.application_type.lower()
        return any(kind.startswith(prefix.lower()) for prefix in prefixes)

    def has(self, kinds: tuple[str, ...]) -> bool:
        return any(kind in self.constraints for kind in kinds)

    def shows(self, facts: tuple[str, ...]) -> bool:
        return any(fact in self.proposal for fact in facts)


def strong(evidence: list[Evidence]) -> list[Evidence]:
    """The evidence strong enough to act on (vocabulary.STRONG): the description of development
    and the application's own numbers always are; a finding by its strength."""
    return [item for item in evidence if item.finding is None or item.finding.strength in STRONG]


def affects(finding: FindingDraft) -> bool:
    """A spatial hit that really touches the site (a graze is the neighbour's land)."""
    spatial = finding.spatial
    return spatial is not None and spatial.relation != "nearby" and not spatial.grazes


FLOOD_ZONES = ("2", "3", "3a", "3b")


def constraint_kinds(findings: list[FindingDraft]) -> dict[str, list[Evidence]]:
    """The kinds of constraint the site touches, each with its evidence: our layers first
    (facts), then what documents claim. A listed building within its buffer, not on the site,
    is its setting."""
    kinds: dict[str, list[Evidence]] = {}
    for finding in findings:
        spatial = finding.spatial
        if spatial is None:
            continue
        for kind, (_, datasets, _) in CONSTRAINT_KINDS.items():
            if spatial.dataset not in datasets:
                continue
            if kind == "listed-building-setting":
                if spatial.relation == "nearby":
                    kinds.setdefault(kind, []).append(Evidence(finding))
                continue
            if not affects(finding):
                continue
            if kind == "flood-zone" and finding.attributes.get("zone", "3") not in FLOOD_ZONES:
                continue
            kinds.setdefault(kind, []).append(Evidence(finding))
    for finding in findings:
        if finding.source != "document" or finding.value != PRESENT:
            continue
        for kind, (_, _, claim_code) in CONSTRAINT_KINDS.items():
            if claim_code and finding.code == claim_code:
                kinds.setdefault(kind, []).append(Evidence(finding))
    return kinds


# The description of development, read for what the proposal does. Each pattern's match is
# quoted back (the clause around it), so an officer sees what was read.
_DESCRIPTION_FACTS: dict[str, re.Pattern[str]] = {
    # "Redevelopment of the former office building" takes the building down.
    "demolition": re.compile(
        r"\bdemoli(?:tion|sh(?:ing|ed)?)\b|\bredevelopment of (?=[^,.;]{0,40}\bbuildings?\b)", re.I
    ),
    # "Redevelopment of the site to provide 57 apartments": what it provides is built new.
    "new-building": re.compile(
        r"\b(?:erection|construction|erect|construct|new[- ]build)\b"
        r"|\bredevelopment\b[^.;]{0,80}?\bto provide\b"
        r"|\breplacement (?:dwelling|house|bungalow|building)\b",
        re.I,
    ),
    "extension": re.compile(
        r"\bextensions?\b|\b(?:dormer|mansard|outrigger|porch)\b|\broof (?:addition|storey)\b",
        re.I,
    ),
    # External works that add nothing: what a conservation area's policies and an Article 4
    # direction on alterations are about. Internal works are not it. (A fact the policy rules
    # read; validation lists do not offer it.)
    "alteration": re.compile(
        r"\b(?:replace(?:ment|d)?|install(?:ation|ing)?|new|insertion|formation|reinstatement)\b"
        r"(?:(?!\binternal\b)[^.;]){0,60}?\b(?:windows?|doors?|shop ?fronts?|roof coverings?|"
        r"roof terrace|terrace|rooflights?|solar panels?|photovoltaic|flue|heat pump|"
        r"balcon(?:y|ies)|cladding|render|railings|canopy|screen|shutters?)\b"
        r"|\b(?<!internal )alterations? to (?:the )?(?!interior)\w+",
        re.I,
    ),
    "change-of-use": re.compile(
        r"\bchange of use\b|\bconver(?:sion|t|ting)\b(?![^,.;]*\b(?:loft|garage|roof)\b)"
        r"[^,.;]{0,80}?\b(?:to|into)\b",
        re.I,
    ),
    "tree-works": re.compile(
        r"\bfell(?:ing)?\b|\bworks? to (?:\w+ ){0,3}trees?\b|\bcrown (?:reduction|lift|thin)"
        r"|\bpollard|\bremov\w* (?:of )?(?:\w+ ){0,3}trees?\b",
        re.I,
    ),
    "basement": re.compile(r"\bbasements?\b|\blower ground floor excavation\b", re.I),
}
# What an erection or a demolition is of, when it is an addition to or a part of a building
# rather than a building: "erection of a rear extension" is no new building, "demolition of
# the conservatory" no loss of a building.
PARTS_OF_BUILDINGS = re.compile(
    r"\b(?:extensions?|porch|dormers?|mansard|conservatory|lean-to|canopy|balcony|balconies|"
    r"lightwell|roof|storey addition|shopfront|partitions?|walls?|chimney|stairs?|staircase|"
    r"windows?|doors?|fence|railings|outrigger|rooflights?|additions?|"
    r"rear (?:stores?|wings?|annexes?))\b",
    re.I,
)
# Structures too small for their loss to matter to a conservation area (below the volume of a
# relevant demolition): a garden shed is not a building the policies protect.
MINOR_STRUCTURES = re.compile(r"\b(?:sheds?|greenhouses?|timber stores?|bin stores?)\b", re.I)
# Buildings ancillary to a house: works in its garden, not a new building in the street.
ANCILLARY_BUILDINGS = re.compile(
    r"\b(?:outbuildings?|garden (?:room|studio|office|building)s?|summer ?houses?|sheds?|"
    r"garages?|carports?|cabins?|stores?|gym)\b",
    re.I,
)
# A clause about what stays or what is there now says nothing of what is proposed.
_EXISTING = re.compile(r"\b(?:retain(?:ed|ing)?|remain(?:s|ing)?|existing)\b", re.I)
# "A part single, part two storey rear extension": the comma before "part" is inside the object.
_OBJECT_END = re.compile(
    r"[;.]|,(?!\s*part\b)|\band\b|\bwith\b|\bfollowing\b|\bto (?:the|a|an)\b", re.I
)
_DWELLINGS_IN_DESCRIPTION = re.compile(
    rf"\b({NUMBER})\s+(?:new\s+|no\.?\s+)?(?:(?:self[- ]contained|residential|detached|"
    rf"semi[- ]detached|terraced|family|affordable|bedroom|storey|\w+[- ]bed(?:room)?)\s+)*"
    rf"(?:dwellings?|dwellinghouses?|houses?|homes?|flats?|apartments?|maisonettes?|units?)\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[.;\n]")
_COMPLEMENT = re.compile(r"\s+(?:is|are|was|were)\b", re.I)


def object_of(text: str, end: int) -> str:
    """What a verb at `end` acts on: the words after it up to the next clause or "and"."""
    rest = text[end : end + 100]
    stop = _OBJECT_END.search(rest, 1)
    return rest[: stop.start()] if stop else rest


def demolishes_a_building(evidence: "Evidence") -> bool:
    """Whether the demolition in this evidence is of a building, not of a part of one (a
    conservatory, a lean-to, a shopfront): what the conservation area's demolition policies
    are about."""
    if evidence.finding is not None and evidence.finding.evidence is not None:
        text = evidence.finding.evidence.quote
    else:
        text = evidence.description
    for match in _DESCRIPTION_FACTS["demolition"].finditer(text):
        if match.group(0).lower().endswith("ed"):
            what = text[max(0, match.start() - 80) : match.start()]  # "the garage will be ..."
            # "The outbuilding to be demolished is a lean-to": what it is, said after.
            if complement := _COMPLEMENT.match(text, match.end()):
                what += " " + object_of(text, complement.end())
        else:
            what = object_of(text, match.end())
        if not PARTS_OF_BUILDINGS.search(what) and not MINOR_STRUCTURES.search(what):
            return True
    return not _DESCRIPTION_FACTS["demolition"].search(text)


def is_outbuilding(evidence: "Evidence") -> bool:
    """Whether an extension in this evidence is a building ancillary to a house (a garden room,
    a garage): in the grounds of a listed house, development in its setting, not works to it."""
    text = evidence.description or (
        evidence.finding.evidence.quote
        if evidence.finding is not None and evidence.finding.evidence is not None
        else ""
    )
    return bool(ANCILLARY_BUILDINGS.search(text)) and not _DESCRIPTION_FACTS["extension"].search(
        text
    )


def _clause(text: str, start: int, end: int) -> str:
    """The clause of the description around [start, end), verbatim, at most ~200 characters."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    left = max(left, start - 120)
    right = min(right, end + 120)
    return text[left:right].strip(" ,")


def _number(findings: list[FindingDraft], code: str) -> tuple[int, FindingDraft] | None:
    """The largest number the documents give for `code` with strong evidence, with the finding
    that gives it. A number said in passing (a glossary's "1,000 square metres", homes in a
    building's history) never makes an application major or calls for a document."""
    found = [
        (int(f.value), f)
        for f in findings
        if f.code == code and f.value.isdigit() and f.strength in STRONG
    ]
    return max(found, key=lambda pair: pair[0]) if found else None


def proposal_facts(
    findings: list[FindingDraft], case_input: CaseInput
) -> dict[str, list[Evidence]]:
    """What the proposal does, each with its evidence: the documents' stated facts first, then
    the description of development. A document saying "no demolition" is not evidence of it."""
    facts: dict[str, list[Evidence]] = {}
    yes_codes: dict[str, str] = {
        FindingCode.DEMOLITION: "demolition",
        FindingCode.CHANGE_OF_USE: "change-of-use",
        FindingCode.TREE_WORKS: "tree-works",
        FindingCode.BASEMENT: "basement",
    }
    for finding in findings:
        if finding.source != "document":
            continue
        if finding.code in yes_codes and finding.value == "yes":
            facts.setdefault(yes_codes[finding.code], []).append(Evidence(finding))
        elif (
            finding.code == FindingCode.DWELLINGS
            and finding.value.isdigit()
            and int(finding.value) > 0
        ):
            facts.setdefault("new-dwellings", []).append(Evidence(finding))
    description = case_input.description
    for fact, pattern in _DESCRIPTION_FACTS.items():
        for match in pattern.finditer(description):
            quote = _clause(description, match.start(), match.end())
            clause_start = max(
                (m.end() for m in re.finditer(r"[,;.]", description[: match.start()])), default=0
            )
            if fact == "basement" and _EXISTING.search(description[clause_start : match.start()]):
                continue  # "retaining the public house at ground floor and basement"
            if fact == "new-building":
                what = object_of(description, match.end())
                if PARTS_OF_BUILDINGS.search(what):
                    continue  # "erection of a rear extension"
                if ANCILLARY_BUILDINGS.search(what):
                    # "erection of a garden room": works to a house, as an extension is.
                    facts.setdefault("extension", []).append(Evidence(description=quote))
                    break
            facts.setdefault(fact, []).append(Evidence(description=quote))
            break
    if "new-dwellings" not in facts:
        for match in _DWELLINGS_IN_DESCRIPTION.finditer(description):
            number = to_number(match[1])
            before = description[max(0, match.start() - 25) : match.start()]
            if re.search(r"\b(?:from|existing)\b", before, re.I):
                continue  # "change of use from a single dwellinghouse"
            if number and match[1].lower() not in ("a", "an"):
                quote = _clause(description, match.start(), match.end())
                facts.setdefault("new-dwellings", []).append(Evidence(description=quote))
                break
    kind = case_input.application_type.lower()
    if "demolition" in kind and "demolition" not in facts:
        facts["demolition"] = [Evidence(description=case_input.description[:200])]
    return facts


def build_case(findings: list[FindingDraft], case_input: CaseInput) -> Case:
    """The case as the checks read it. Numbers the application gives win over the documents'
    (the applicant's form is the record); the statutory category comes from planning.statutory,
    the one definition of major development."""
    dwellings = case_input.proposed_dwellings
    dwellings_evidence = (
        Evidence(note=f"the application gives {dwellings} new dwellings")
        if dwellings is not None
        else None
    )
    if dwellings is None and (stated := _number(findings, FindingCode.DWELLINGS)):
        dwellings, dwellings_evidence = stated[0], Evidence(stated[1])
    floorspace = case_input.floorspace_m2
    floorspace_evidence = (
        Evidence(note=f"the application gives {floorspace:,.0f} m\u00b2 of new floorspace")
        if floorspace is not None
        else None
    )
    if floorspace is None and (area := _number(findings, FindingCode.FLOORSPACE)):
        floorspace, floorspace_evidence = float(area[0]), Evidence(area[1])
    category = statutory.categorise(
        case_input.application_type,
        dwellings=dwellings,
        floorspace_m2=floorspace,
        site_area_m2=case_input.site_area_m2,
        project_types=case_input.project_types,
    )
    proposal = proposal_facts(findings, case_input)
    if "new-dwellings" not in proposal and case_input.proposed_dwellings:
        proposal["new-dwellings"] = [
            Evidence(note=f"the application gives {case_input.proposed_dwellings} new dwellings")
        ]
    return Case(
        application_type=case_input.application_type,
        description=case_input.description,
        site_area_m2=case_input.site_area_m2,
        dwellings=dwellings,
        floorspace_m2=floorspace,
        category=category,
        statutory_deadline=case_input.statutory_deadline,
        determination_deadline=case_input.determination_deadline,
        constraints=constraint_kinds(findings),
        proposal=proposal,
        received_date=case_input.received_date,
        form_in_submission=case_input.form_in_submission,
        dwellings_evidence=dwellings_evidence,
        floorspace_evidence=floorspace_evidence,
    )
