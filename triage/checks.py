"""Cross-checks over a run's findings, and the priority score and lane. Pure functions: no
database, deterministic, so each rule is tested on its own.

- a document's constraint claim against what our layers say (a conflict is worth an officer's
  look before anything else);
- (the documents the validation requirements call for are triage.validation's);
- a priority score and a lane with the reasons for it. The score of a run is what the case is;
  the determination deadline's part is added when the queue's summary is refreshed
  (`deadline_band`, `with_deadline`), so an application creeps up the queue as its deadline
  nears without being triaged again.
"""

from dataclasses import dataclass

from planning.deadlines import SOON_DAYS, DeadlineBand, at_risk_days
from planning.statutory import MAJOR, MINOR
from policies.vocabulary import CONSTRAINT_KINDS
from triage.case import Case, affects
from triage.schemas import FindingDraft
from triage.vocabulary import (
    ABSENT,
    HISTORY_ENFORCEMENT,
    HISTORY_REFUSED,
    POLICY_CONFLICT,
    POLICY_ENGAGED,
    FindingCode,
    Origin,
    Strength,
)

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
        touching = [h for h in hits if affects(h)]
        if claim.code == FindingCode.FLOOD_ZONE:
            touching = [
                h for h in touching if h.attributes.get("zone", "3") in ("2", "3", "3a", "3b")
            ]
        if claim.value == ABSENT and touching:
            hit = touching[0]
            spatial_fact = hit.spatial
            assert spatial_fact is not None  # affects() keeps only spatial hits
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
                    origin=Origin.CHECK,
                    engine=ENGINE,
                    strength=Strength.CHECK,
                    evidence=claim.evidence,
                )
            )
    return out


# --- Priority and lanes --------------------------------------------------------------------

LANE_WORDS = {
    "needs-attention": "needs attention",
    "specialist": "specialist",
    "standard": "standard",
    "fast-track": "fast track",
}
# How much each kind of constraint adds to the score: what it takes to assess it.
SEVERITY: dict[str, int] = {
    "listed-building": 15,
    "scheduled-monument": 15,
    "ecology": 12,
    "national-landscape": 12,
    "green-belt": 10,
    "flood-zone": 10,
    "conservation-area": 8,
    "protected-trees": 6,
    "article-4": 5,
    "listed-building-setting": 4,
}
# The specialist teams, in the order a case with several goes to them.
TEAM_ORDER = ("heritage", "flood", "ecology", "trees")


@dataclass(frozen=True)
class Priority:
    """What the case is: its score (0-100), lane and specialist team, with every reason.
    The deadline's part is not in it (see with_deadline)."""

    score: int
    lane: str
    reasons: list[str]
    team: str = ""


def prioritise(
    findings: list[FindingDraft], case: Case, *, unreadable_documents: list[str]
) -> Priority:
    """Higher score = look sooner. Lanes:
    - needs attention: something must be resolved before the case can be assessed (a document
      contradicting the map, a missing or unreadable document, an application relying on a
      permitted right an Article 4 direction removes);
    - specialist: a heritage, flood, ecology or trees matter a policy rule found, engaged or in
      conflict (the team named);
    - fast track: householder or minor, no constraint, nothing missing, no policy conflict, no
      refusal or enforcement on the site in recent years (triage.site_history);
    - standard: the rest."""
    score, reasons, attention = 0, [], False
    teams: list[str] = []
    conflicts_counted = engaged_counted = history_counted = 0
    history_here = False
    for finding in findings:
        if finding.code in (HISTORY_REFUSED, HISTORY_ENFORCEMENT):
            # The officer reads the earlier refusal's reasons first: what was wrong then may be
            # wrong again. Counted once or twice, not per refusal.
            history_here = True
            if history_counted < 2:
                score += 8 if finding.code == HISTORY_REFUSED else 5
                history_counted += 1
            reasons.append(finding.title)
            continue
        if finding.code == "conflict.constraint_claim":
            score += 25
            attention = True
            reasons.append(finding.title)
        elif finding.code.startswith("missing_document."):
            score += 10
            attention = True
            reasons.append(finding.title)
        elif finding.code in (POLICY_CONFLICT, POLICY_ENGAGED):
            if finding.attributes.get("blocking") == "yes":
                score += 20
                attention = True
                reasons.append(finding.title)
                continue
            team = finding.attributes.get("team", "")
            if team and finding.origin == Origin.RULES and team not in teams:
                teams.append(team)
            # A policy to weigh is part of what the constraints already count; a conflict is
            # more work for the officer.
            if finding.code == POLICY_CONFLICT:
                if conflicts_counted < 4:
                    score += 5
                    conflicts_counted += 1
                reasons.append(f"Policy conflict: {finding.title}")
            else:
                if engaged_counted < 4:
                    score += 2
                    engaged_counted += 1
                reasons.append(f"Policy to consider: {finding.title}")
    for name in unreadable_documents:
        score += 15
        attention = True
        reasons.append(f"Document could not be read: {name}")
    for kind, evidence in case.constraints.items():
        score += SEVERITY.get(kind, 5)
        reasons.append(f"{CONSTRAINT_KINDS[kind][0]}: {evidence[0].words()}"[:300])
    for finding in findings:
        if finding.spatial is not None and finding.spatial.grazes:
            score += 1
            reasons.append(f"{finding.title} (grazes the boundary: check)")
    category = case.category
    if category.category == MAJOR:
        score += 20
        reasons.append(f"Major development: {category.reason}")
    elif category.category == MINOR:
        score += 5
        reasons.append(f"Minor development: {category.reason}")
    if case.dwellings:
        # Homes are the service's first purpose: more homes, sooner.
        score += min(15, 3 + case.dwellings // 2)
        reasons.append(f"{case.dwellings} new home{'s' if case.dwellings != 1 else ''}")
    score = min(score, 100)
    team = next((t for t in TEAM_ORDER if t in teams), "")
    conflicted = any(f.code == POLICY_CONFLICT for f in findings)
    simple = case.householder or category.category == MINOR
    if attention:
        lane = "needs-attention"
    elif team:
        lane = "specialist"
        others = [other for other in teams if other != team]
        also = f" (also: {', '.join(others)})" if others else ""
        reasons.append(f"For the {team} team{also}")
    elif simple and not case.constraints and not conflicted and not history_here:
        lane = "fast-track"
        reasons.append("Householder or minor, no constraints, nothing missing")
    else:
        lane = "standard"
    return Priority(score=score, lane=lane, reasons=reasons[:25], team=team)


# What each deadline band (planning.deadlines, the one definition) adds to the score.
DEADLINE_POINTS: dict[str, int] = {
    DeadlineBand.OVERDUE: 40,
    DeadlineBand.AT_RISK: 30,
    DeadlineBand.SOON: 10,
    DeadlineBand.LATER: 0,
    DeadlineBand.NOT_VALID: 0,
    DeadlineBand.NO_CLOCK: 0,
}


def deadline_reason(band: str, *, extended: bool) -> str:
    which = "agreed" if extended else "statutory"
    return {
        DeadlineBand.OVERDUE: f"Overdue: past its {which} determination deadline",
        DeadlineBand.AT_RISK: f"At risk: under {at_risk_days()} days to its {which} "
        "determination deadline",
        DeadlineBand.SOON: f"Under {SOON_DAYS} days to its {which} determination deadline",
    }.get(DeadlineBand(band), "")


def with_deadline(lane: str, score: int, band: str) -> tuple[str, int]:
    """The lane and score once the deadline is counted. The deadline moves an application up
    within its lane, never out of it: a lane says what kind of work the case is (an overdue
    householder case is still quick to decide), the score how soon to do it."""
    return lane, min(score + DEADLINE_POINTS.get(band, 0), 100)
