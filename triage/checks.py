"""Cross-checks over a run's findings, and the priority score and lane. Pure functions: no
database, deterministic, so each rule is tested on its own.

- a document's constraint claim against what our layers say (a conflict is worth an officer's
  look before anything else);
- documents the validation requirements call for (DESIGN.md) and that are not there;
- a priority score (0-100) and a lane with the reasons for it.
"""

import re
from dataclasses import dataclass

from triage.schemas import FindingDraft
from triage.vocabulary import ABSENT, PRESENT, FindingCode

ENGINE = "check"

# Which layers answer which document claim.
CLAIM_DATASETS: dict[str, tuple[str, ...]] = {
    FindingCode.CONSERVATION_AREA: ("conservation-area",),
    FindingCode.LISTED_BUILDING: ("listed-building", "listed-building-outline"),
    FindingCode.TREE_PRESERVATION_ORDER: ("tree-preservation-zone", "tree"),
    FindingCode.FLOOD_ZONE: ("flood-risk-zone",),
    FindingCode.GREEN_BELT: ("green-belt",),
    FindingCode.ARTICLE_4: ("article-4-direction-area",),
}

# Required document -> words that identify it in a file name, document type or first page.
DOCUMENT_KINDS = {
    "location_plan": ("location plan", "location-plan", "location_plan"),
    "heritage_statement": (
        "heritage statement",
        "heritage-statement",
        "heritage impact",
        "heritage_statement",
        "heritage",
    ),
    "flood_risk_assessment": (
        "flood risk assessment",
        "flood-risk-assessment",
        "fra",
        "flood_risk_assessment",
    ),
    "tree_survey": ("tree survey", "arboricultural", "tree-survey", "tree_survey"),
}
DOCUMENT_TITLES = {
    "location_plan": "Location plan",
    "heritage_statement": "Heritage statement",
    "flood_risk_assessment": "Flood risk assessment",
    "tree_survey": "Tree survey / arboricultural report",
}


@dataclass(frozen=True)
class DocumentSummary:
    name: str
    document_type: str
    first_page: str


def _affects(hit: FindingDraft) -> bool:
    """A spatial hit that really touches the site (a graze is the neighbour's land)."""
    return hit.spatial is not None and hit.spatial.relation != "nearby" and not hit.spatial.grazes


def _spatial_for(findings: list[FindingDraft], datasets: tuple[str, ...]) -> list[FindingDraft]:
    return [f for f in findings if f.spatial and f.spatial.dataset in datasets]


def conflicts(findings: list[FindingDraft]) -> list[FindingDraft]:
    """A document saying "not in X" while the site is in X is a conflict (and the reverse when a
    layer for X is loaded and shows nothing near). The spatial fact is never changed by it."""
    out = []
    spatial = [f for f in findings if f.source == "spatial"]
    for claim in findings:
        if claim.source != "document" or claim.code not in CLAIM_DATASETS:
            continue
        hits = _spatial_for(spatial, CLAIM_DATASETS[claim.code])
        touching = [h for h in hits if _affects(h)]
        if claim.code == FindingCode.FLOOD_ZONE:
            touching = [
                h for h in touching if h.attributes.get("zone", "3") in ("2", "3", "3a", "3b")
            ]
        if claim.value == ABSENT and touching:
            hit = touching[0]
            spatial_fact = hit.spatial
            assert spatial_fact is not None  # _affects keeps only spatial hits
            label = spatial_fact.dataset.replace("-", " ")
            out.append(
                FindingDraft(
                    code="conflict.constraint_claim",
                    value=claim.code.split(".", 1)[1],
                    attributes={"claim": claim.value, "layer": spatial_fact.dataset},
                    title=(
                        f"A document says the site is not in a {label}, but it is "
                        f"({spatial_fact.feature_name or spatial_fact.entity})"
                    ),
                    detail=f"Claim: \u201c{claim.evidence.quote}\u201d. Layer: {hit.title}."
                    if claim.evidence
                    else hit.title,
                    source="check",
                    engine=ENGINE,
                    evidence=claim.evidence,
                )
            )
    return out


def _has_document(kind: str, documents: list[DocumentSummary]) -> bool:
    words = DOCUMENT_KINDS[kind]
    for document in documents:
        # ODP types are camelCase ("locationPlan", "floodRiskAssessment"): split them into words.
        spaced_type = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", document.document_type)
        haystack = f"{document.name} {spaced_type}".lower().replace("_", " ").replace(".", " ")
        head = document.first_page[:400].lower()
        for word in words:
            if len(word) <= 3:
                if re.search(rf"\b{word}\b", haystack):
                    return True
            elif word in haystack or word in head:
                return True
    return False


def missing_documents(
    findings: list[FindingDraft], documents: list[DocumentSummary], site_area_m2: float | None
) -> list[FindingDraft]:
    """Documents the validation requirements call for that the application lacks."""

    def spatially(datasets):
        return any(
            _affects(f)
            or (f.spatial and f.spatial.relation == "nearby" and "listed" in f.spatial.dataset)
            for f in _spatial_for(findings, datasets)
        )

    def claimed(code):
        return any(
            f.source == "document" and f.code == code and f.value == PRESENT for f in findings
        )

    needed: dict[str, str] = {
        "location_plan": "A location plan with a red line is always required."
    }
    if (
        spatially(("listed-building", "listed-building-outline", "conservation-area"))
        or claimed(FindingCode.LISTED_BUILDING)
        or claimed(FindingCode.CONSERVATION_AREA)
    ):
        needed["heritage_statement"] = (
            "A listed building or conservation area is affected: a heritage statement is required."
        )
    in_flood_zone = any(
        _affects(f) and f.attributes.get("zone", "3") in ("2", "3", "3a", "3b")
        for f in _spatial_for(findings, ("flood-risk-zone",))
    )
    if in_flood_zone or claimed(FindingCode.FLOOD_ZONE):
        needed["flood_risk_assessment"] = (
            "The site is in flood zone 2 or 3: a flood risk assessment is required."
        )
    elif site_area_m2 and site_area_m2 >= 10_000:
        needed["flood_risk_assessment"] = (
            "The site is 1 ha or more: a flood risk assessment is required."
        )
    if spatially(("tree-preservation-zone", "tree")) or claimed(
        FindingCode.TREE_PRESERVATION_ORDER
    ):
        needed["tree_survey"] = "Protected trees are affected: a tree survey is required."
    return [
        FindingDraft(
            code=f"missing_document.{kind}",
            value="missing",
            title=f"{DOCUMENT_TITLES[kind]} not found among the documents",
            detail=reason,
            source="check",
            engine=ENGINE,
        )
        for kind, reason in needed.items()
        if not _has_document(kind, documents)
    ]


LANE_WORDS = {
    "needs-attention": "needs attention",
    "standard": "standard",
    "fast-track": "fast track",
}


@dataclass(frozen=True)
class Priority:
    score: int
    lane: str
    reasons: list[str]


def is_major(
    dwellings: int | None, floorspace_m2: float | None, site_area_m2: float | None
) -> bool:
    return bool(
        (dwellings or 0) >= 10 or (floorspace_m2 or 0) >= 1000 or (site_area_m2 or 0) >= 10_000
    )


def prioritise(
    findings: list[FindingDraft],
    *,
    unreadable_documents: list[str],
    dwellings: int | None,
    floorspace_m2: float | None,
    site_area_m2: float | None,
) -> Priority:
    """Higher score = look sooner. Needs-attention when something must be resolved before the
    case can be assessed; fast-track when nothing constrains it and nothing is missing."""
    score, reasons, attention = 0, [], False
    for finding in findings:
        if finding.code.startswith("conflict."):
            score += 30
            attention = True
            reasons.append(finding.title)
        elif finding.code.startswith("missing_document."):
            score += 20
            attention = True
            reasons.append(finding.title)
    for name in unreadable_documents:
        score += 15
        attention = True
        reasons.append(f"Document could not be read: {name}")
    constrained = False
    for finding in findings:
        if finding.spatial is None:
            continue
        if _affects(finding):
            constrained = True
            score += 15 if "listed" in finding.spatial.dataset else 10
            reasons.append(finding.title)
        elif finding.spatial.grazes:
            score += 2
            reasons.append(f"{finding.title} (grazes the boundary: check)")
        elif "listed" in finding.spatial.dataset:
            constrained = True
            score += 5
            reasons.append(finding.title)
    claims_present = [
        f
        for f in findings
        if f.source == "document" and f.code.startswith("constraint.") and f.value == PRESENT
    ]
    if claims_present:
        constrained = True
        score += 5
        reasons.append("The documents say the site is constrained")
    if is_major(dwellings, floorspace_m2, site_area_m2):
        score += 20
        reasons.append("Major development")
    score = min(score, 100)
    if attention:
        lane = "needs-attention"
    elif not constrained and score < 10:
        lane = "fast-track"
        reasons.append("No constraints found and nothing missing")
    else:
        lane = "standard"
    return Priority(score=score, lane=lane, reasons=reasons[:20])
