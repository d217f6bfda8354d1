"""The validation check: which documents the national list and the council's local list
(policies.library.Requirement) call for on this application, as they stood on the day it was
received, and which document meets each.

Every requirement that applies gives one finding: `missing_document.<document>` when no
document is it, naming the rule, why it applies, and any document that claimed to be it but
said it was not; `requirement_met.<document>` naming the document that meets it and how it was
recognised (triage.recognition), so an officer sees what satisfied each requirement, not only
what did not. Pure functions over the case: the pipeline and triage_eval run the same code.

Conditions that rest on what the proposal is (new dwellings, floorspace, major development)
are decided in one place, `proposal_conditions`, which names the fact that triggered each and
where it came from.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Protocol

from planning.statutory import MAJOR
from policies.library import Requirement
from policies.vocabulary import CONSTRAINT_KINDS, PROPOSAL_FACTS
from triage.case import Case, Evidence, strong
from triage.recognition import SUBMISSION, DocumentSummary, Recognition, recognise
from triage.schemas import DocumentEvidence, FindingDraft
from triage.vocabulary import Origin, Strength

ENGINE = "check"
MISSING_PREFIX = "missing_document."
MET_PREFIX = "requirement_met."


def _evidence_words(evidence: list[Evidence]) -> str:
    return evidence[0].words() if evidence else ""


def received_on(case: Case) -> datetime.date:
    """The day whose rules apply: the day the application was received (today when unknown,
    as for an evaluation case with no date)."""
    return case.received_date or datetime.date.today()


# --- Exemptions ---------------------------------------------------------------------------

_SELF_BUILD = re.compile(r"\bself[- ]?build\w*|\bcustom[- ]?(?:build\w*|housebuild\w*)", re.I)
_GAIN_SITE = re.compile(r"\bbiodiversity (?:net )?gain site\b|\bhabitat bank\w*", re.I)
_HIGH_SPEED_RAILWAY = re.compile(r"\bHS2\b|\bhigh speed (?:rail\w*|two)\b", re.I)
SELF_BUILD_MAX_DWELLINGS = 9
SELF_BUILD_MAX_SITE_M2 = 5_000


def _quoted(pattern: re.Pattern[str], case: Case) -> str:
    match = pattern.search(case.description)
    return f"the description of development says \u201c{match[0]}\u201d" if match else ""


def exemption_holding(name: str, case: Case) -> str:
    """Why the exemption holds for this case, in words; "" when the case does not show it.
    De minimis is the applicant's to state (a document saying so meets the requirement)."""
    if name == "householder":
        return "it is a householder application" if case.householder else ""
    if name == "development-order":
        return "it seeks prior approval of permitted development" if case.type_is(("pa.",)) else ""
    if name == "self-build":
        small = (case.dwellings or 0) <= SELF_BUILD_MAX_DWELLINGS and (
            case.site_area_m2 is None or case.site_area_m2 <= SELF_BUILD_MAX_SITE_M2
        )
        return _quoted(_SELF_BUILD, case) if small else ""
    if name == "biodiversity-gain-site":
        return _quoted(_GAIN_SITE, case)
    if name == "high-speed-railway":
        return _quoted(_HIGH_SPEED_RAILWAY, case)
    return ""


# --- When a requirement applies -----------------------------------------------------------


def _number_source(evidence: Evidence | None) -> str:
    """Where a number came from: the application's own field, or a document's quote."""
    if evidence is None:
        return ""
    if evidence.finding is None and not evidence.description:
        return " (given by the application)"
    return f" (from {evidence.words()})"


class OnTheProposal(Protocol):
    """What a rule says about the proposal: validation requirements and consultation rules
    (triage.consultations) both put their conditions this way."""

    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def proposal(self) -> tuple[str, ...]: ...
    @property
    def min_dwellings(self) -> int | None: ...
    @property
    def min_floorspace_m2(self) -> float | None: ...


def proposal_conditions(requirement: OnTheProposal, case: Case) -> list[str] | None:
    """The requirement's conditions on what the proposal is: its statutory category (which
    rests on the numbers of dwellings and floorspace), the proposal facts it names and its
    minimum numbers. One reason per condition, naming the fact and where it came from; None
    when a condition fails. Every condition resting on a proposal fact is decided here."""
    reasons: list[str] = []
    if requirement.categories:
        category = case.category
        if category.category not in requirement.categories:
            return None
        why = f"it is {category.category} development ({category.reason})"
        if category.category == MAJOR:
            if "dwelling" in category.reason:
                why += _number_source(case.dwellings_evidence)
            elif "floorspace" in category.reason:
                why += _number_source(case.floorspace_evidence)
        reasons.append(why)
    if requirement.proposal:
        # Only facts with strong evidence call for a document (vocabulary.STRONG).
        shown = [p for p in requirement.proposal if strong(case.proposal.get(p, []))]
        if not shown:
            return None
        label = PROPOSAL_FACTS[shown[0]].lower()
        reasons.append(f"{label}: {_evidence_words(strong(case.proposal[shown[0]]))}")
    if requirement.min_dwellings is not None:
        if case.dwellings is None or case.dwellings < requirement.min_dwellings:
            return None
        reasons.append(f"{case.dwellings} new dwellings{_number_source(case.dwellings_evidence)}")
    if requirement.min_floorspace_m2 is not None:
        floorspace = case.floorspace_m2
        if floorspace is None or floorspace < requirement.min_floorspace_m2:
            return None
        reasons.append(
            f"{floorspace:,.0f} m\u00b2 of new floorspace{_number_source(case.floorspace_evidence)}"
        )
    return reasons


def why_it_applies(requirement: Requirement, case: Case) -> list[str] | None:
    """The reasons the requirement applies to the case, one per condition it sets; None when it
    was not in force on the day the application was received, a condition fails or an
    exemption holds. An empty list: it always applies."""
    if not requirement.in_force_on(received_on(case)):
        return None
    if requirement.application_types and not case.type_is(requirement.application_types):
        return None
    if requirement.exclude_application_types and case.type_is(
        requirement.exclude_application_types
    ):
        return None
    if any(exemption_holding(name, case) for name in requirement.exemptions):
        return None
    reasons: list[str] = []
    if requirement.constraints:
        present = [c for c in requirement.constraints if case.constraints.get(c)]
        if not present:
            return None
        label = CONSTRAINT_KINDS[present[0]][0].lower()
        reasons.append(f"{label}: {_evidence_words(case.constraints[present[0]])}")
    if requirement.min_site_area_m2 is not None:
        area = case.site_area_m2
        if area is None or area < requirement.min_site_area_m2:
            return None
        reasons.append(f"the site is {area / 10_000:.2f} ha")
    on_the_proposal = proposal_conditions(requirement, case)
    if on_the_proposal is None:
        return None
    return reasons + on_the_proposal


# --- Which document meets it --------------------------------------------------------------


@dataclass
class Met:
    document: DocumentSummary | None
    recognition: Recognition


@dataclass
class Outcome:
    """A document the requirements call for: the first rule that asks for it and why, every
    other rule that does, and the document that meets it (None: missing)."""

    requirement: Requirement
    reasons: list[str]
    others: list[Requirement] = field(default_factory=list)
    met: Met | None = None
    # Documents whose type or name said they were it, but whose text said they were not.
    denied: list[str] = field(default_factory=list)
    also_met_by: int = 0


def _meeting(
    every: list[Requirement], documents: list[DocumentSummary], case: Case
) -> tuple[list[Met], list[str]]:
    """The documents that meet these requirements (all for one document), strongest first, and
    those whose type or name claimed it but whose text denied it."""
    found: list[Met] = []
    denied: list[str] = []
    for document in documents:
        verdict = recognise(every, document)
        if verdict.best is not None:
            found.append(Met(document, verdict.best))
        elif verdict.denied:
            denied.append(verdict.denied)
    in_the_form = any(requirement.part_of_application_form for requirement in every)
    if not found and case.form_in_submission and in_the_form:
        words = "the application's own data: it was submitted as an Open Digital Planning "
        words += "application, whose form includes it"
        found.append(Met(None, Recognition(SUBMISSION, words)))
    return sorted(found, key=lambda met: met.recognition.rank), denied


def check_requirements(
    case: Case, documents: list[DocumentSummary], requirements: list[Requirement]
) -> list[Outcome]:
    """Each document the requirements call for on this case, with the document that meets it
    (if any) and how it was recognised."""
    needed: dict[str, Outcome] = {}
    for requirement in requirements:
        reasons = why_it_applies(requirement, case)
        if reasons is None:
            continue
        if requirement.document in needed:
            needed[requirement.document].others.append(requirement)
            continue
        needed[requirement.document] = Outcome(requirement, reasons)
    for outcome in needed.values():
        every = [outcome.requirement, *outcome.others]
        found, denied = _meeting(every, documents, case)
        outcome.met = found[0] if found else None
        outcome.also_met_by = max(0, len(found) - 1)
        outcome.denied = denied
    return list(needed.values())


# --- Findings -------------------------------------------------------------------------------


def _attributes(outcome: Outcome, why: str) -> dict[str, str]:
    requirement = outcome.requirement
    attributes = {"rule": requirement.key, "list": requirement.list_name[:200], "why": why[:1000]}
    if requirement.source:
        attributes["source"] = requirement.source
    if outcome.others:
        attributes["also"] = ",".join(other.key for other in outcome.others)
    return attributes


def _required_by(outcome: Outcome, why: str) -> str:
    requirement = outcome.requirement
    source = f", {requirement.source}" if requirement.source else ""
    text = (
        f"Required by the {requirement.list_name} (rule {requirement.key}{source}): "
        f"{requirement.reason} It applies because {why}."
    )
    if outcome.others:
        also = ", ".join(f"{other.key} ({other.list_name})" for other in outcome.others)
        text += f" Also asked for by: {also}."
    return text


def finding_for(outcome: Outcome) -> FindingDraft:
    requirement = outcome.requirement
    why = "; ".join(outcome.reasons) if outcome.reasons else "it is always required"
    attributes = _attributes(outcome, why)
    met = outcome.met
    if met is None:
        detail = _required_by(outcome, why)
        if outcome.denied:
            attributes["not_it"] = " | ".join(outcome.denied)[:1000]
            detail += " Not counted: " + "; ".join(outcome.denied) + "."
        return FindingDraft(
            code=f"{MISSING_PREFIX}{requirement.document}"[:64],
            value="missing",
            attributes=attributes,
            title=f"{requirement.title} not found among the documents"[:300],
            detail=detail[:2000],
            source="check",
            origin=Origin.CHECK,
            engine=ENGINE,
            strength=Strength.CHECK,
        )
    recognition = met.recognition
    name = met.document.name if met.document else "the application's own data"
    attributes |= {
        "requirement": requirement.title[:200],
        "document": name[:255],
        "how": recognition.words[:1000],
    }
    if met.document is not None:
        attributes["document_key"] = met.document.key
    if outcome.also_met_by:
        attributes["other_documents"] = str(outcome.also_met_by)
    evidence = None
    if met.document is not None and recognition.page is not None and recognition.quote:
        evidence = DocumentEvidence(
            document=met.document.key, page=recognition.page, quote=recognition.quote[:1000]
        )
    detail = f"{name}, recognised by {recognition.words}. " + _required_by(outcome, why)
    return FindingDraft(
        code=f"{MET_PREFIX}{requirement.document}"[:64],
        value=recognition.how,
        attributes=attributes,
        title=f"{requirement.title}: {name}"[:300],
        detail=detail[:2000],
        source="check",
        origin=Origin.CHECK,
        engine=ENGINE,
        strength=Strength.CHECK,
        evidence=evidence,
    )


def validation_findings(
    case: Case, documents: list[DocumentSummary], requirements: list[Requirement]
) -> list[FindingDraft]:
    """One finding per document the requirements call for: missing, or met (and by what)."""
    return [finding_for(outcome) for outcome in check_requirements(case, documents, requirements)]


def missing_documents(
    case: Case, documents: list[DocumentSummary], requirements: list[Requirement]
) -> list[FindingDraft]:
    return [
        finding
        for finding in validation_findings(case, documents, requirements)
        if finding.code.startswith(MISSING_PREFIX)
    ]
