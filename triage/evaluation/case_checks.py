"""The application-level checks in evaluation: missing documents and policy conflicts, from a
case's `checks.json` (docs/evaluation-set.md). Run in memory like the rest of the evaluation:
the policies and validation lists are read from the bundled files (policies/data), and what our
constraint layers would say about the site is declared in the file instead of queried.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from policies.files import (
    LOCAL_POLICY_FILES,
    VALIDATION_FILES,
    parse_nppf,
    parse_policy_file,
    parse_requirements_file,
)
from policies.library import PolicyLibrary, Requirement
from triage import checks, policy_conflicts, validation
from triage.case import CaseInput, build_case
from triage.extractors.base import ApplicationFacts, DocumentInput, Extractor
from triage.recognition import DocumentSummary
from triage.schemas import FindingDraft, SpatialEvidence
from triage.vocabulary import Origin, Strength

CHECKS_FILE = "checks.json"
CHECKED_PREFIXES = ("missing_document.", "conflict.", "engaged.")

Key = tuple[str, str, str]


@dataclass(frozen=True)
class CaseChecks:
    council: str
    layers: list[dict]
    document_types: dict[str, str]
    expected: set[Key]


def read_checks(folder: Path) -> CaseChecks | None:
    path = folder / CHECKS_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return CaseChecks(
        council=data.get("council", ""),
        layers=data.get("layers", []),
        document_types=data.get("document_types", {}),
        expected={(row["code"], str(row["value"]), "") for row in data["expected"]},
    )


@functools.cache
def library_for(council: str) -> PolicyLibrary:
    local = tuple(
        entry
        for path in LOCAL_POLICY_FILES
        for parsed in [parse_policy_file(path)]
        if parsed.council == council
        for entry in parsed.policies
    )
    return PolicyLibrary(national=tuple(parse_nppf().policies), local=local)


def local_policy_references(council: str) -> frozenset[str]:
    """The references of the council's bundled local policies ("L7", "P13")."""
    return library_for(council).local_references() if council else frozenset()


@functools.cache
def requirements_of(council: str) -> tuple[Requirement, ...]:
    """The national list and the council's local list, read from the bundled files."""
    rows: list[Requirement] = []
    for path in VALIDATION_FILES:
        parsed = parse_requirements_file(path)
        if not parsed.council or parsed.council == council:
            rows += parsed.requirements
    return tuple(rows)


def layer_finding(layer: dict) -> FindingDraft:
    """What the spatial check would have found, from the case's declaration."""
    relation = layer.get("relation", "site-inside")
    name = layer.get("name", "")
    attributes = {"name": name} | {key: str(layer[key]) for key in ("zone", "area") if key in layer}
    return FindingDraft(
        code=f"spatial.{layer['dataset']}",
        value=relation,
        attributes=attributes,
        title=f"Our {layer['dataset'].replace('-', ' ')} layer: {name} ({relation})",
        source="spatial",
        origin=Origin.SPATIAL,
        engine="spatial",
        strength=Strength.MAP_EDGE if relation == "nearby" or layer.get("grazes") else Strength.MAP,
        spatial=SpatialEvidence(
            dataset=layer["dataset"],
            layer_source="evaluation",
            entity=layer.get("entity", name or layer["dataset"]),
            feature_name=name,
            relation=relation,
            overlap_area_m2=0.0 if relation == "nearby" else 1.0,
            site_share_pct=0.0 if relation == "nearby" else 100.0,
            distance_m=float(layer.get("distance_m", 0.0)),
            grazes=bool(layer.get("grazes", False)),
        ),
    )


def predicted_checks(
    case_checks: CaseChecks,
    application: dict,
    facts: ApplicationFacts,
    documents: list[DocumentInput],
    extracted: list[FindingDraft],
    extractor: Extractor,
) -> set[Key]:
    """The run's missing documents and conflicts for the case, as (code, value, "")."""
    findings = [layer_finding(layer) for layer in case_checks.layers] + list(extracted)
    findings += checks.conflicts(findings)
    the_case = build_case(
        findings,
        CaseInput(
            application_type=facts.application_type,
            description=facts.description,
            site_area_m2=application.get("site_area_m2"),
        ),
    )
    summaries = [
        DocumentSummary(
            document.key,
            document.name,
            case_checks.document_types.get(document.name, "other"),
            tuple(document.pages),
        )
        for document in documents
    ]
    findings += validation.validation_findings(
        the_case, summaries, list(requirements_of(case_checks.council))
    )
    library = library_for(case_checks.council)
    findings += policy_conflicts.policy_findings(the_case, library)
    selected = policy_conflicts.relevant_policies(the_case, library)
    findings += extractor.check_conflicts(facts, documents, findings, selected).findings
    return {
        (finding.code, finding.value, "")
        for finding in findings
        if finding.code.startswith(CHECKED_PREFIXES)
    }
