"""Policy conflicts: declarative rules linking what the site touches and what the proposal does to
the policies that bite, each finding naming the policy with its text, the part of the proposal
that meets it, and the evidence on both sides.

A rule fires when one of its constraints is present (a layer's hit, or a document's claim) and
the proposal shows one of its facts (a document's stated fact, or the description of
development). It cites the NPPF paragraphs it names, each with the words that bite (verified to
be in the loaded text: a new edition with other words falls back to the paragraph's opening),
and the council's own policy that governs its topics. Article 4 directions are read from the
council's directions (policies.library): a direction bites when it removes the right the
proposal would use.

The llm engine is given the policies these rules select for the site (`relevant_policies`),
never the whole framework, and judges the proposal against them itself
(triage.extractors.llm_conflicts). Pure: no database.
"""

import re
from dataclasses import dataclass

from policies.library import PolicyEntry, PolicyLibrary
from triage.case import Case, Evidence, demolishes_a_building
from triage.quotes import normalise
from triage.schemas import FindingDraft, PolicyEvidence
from triage.vocabulary import Strength

ENGINE = "rules"
CODE = "conflict.policy"


@dataclass(frozen=True)
class ConflictRule:
    key: str
    title: str
    explanation: str
    constraints: tuple[str, ...]  # any of these kinds present (policies.vocabulary)
    proposal: tuple[str, ...]  # any of these facts shown; empty: the works applied for
    nppf: tuple[tuple[str, str], ...]  # (paragraph, the words in it that bite)
    topics: tuple[str, ...]  # the council's policy governing these, most specific first
    team: str = ""  # the specialist team that assesses it; empty: the case officer
    # The application type alone brings the constraint (listed building consent).
    types_bringing_constraint: tuple[str, ...] = ()
    # Only applications in these statutory categories (empty: any).
    categories: tuple[str, ...] = ()
    # Only applications of these types (ODP prefixes; empty: any).
    application_types: tuple[str, ...] = ()
    # Only the demolition of a building, not of a part of one (a conservatory, a lean-to).
    whole_buildings: bool = False
    # Not when the only new homes come from changing the use of a building (NPPF fn. 62).
    not_by_change_of_use: bool = False


RULES: tuple[ConflictRule, ...] = (
    ConflictRule(
        key="conservation-area-demolition",
        title="Demolition in a conservation area",
        explanation=(
            "Demolition in a conservation area must be justified: losing a building that "
            "contributes to the area's significance is harm to a designated heritage asset."
        ),
        constraints=("conservation-area",),
        proposal=("demolition",),
        nppf=(
            ("212", "great weight should be given to the asset\u2019s conservation"),
            (
                "220",
                "Loss of a building (or other element) which makes a positive contribution to "
                "the significance of the Conservation Area",
            ),
        ),
        topics=("conservation-area", "heritage"),
        team="heritage",
        whole_buildings=True,
    ),
    ConflictRule(
        key="conservation-area-new-building",
        title="A new building in a conservation area",
        explanation=(
            "A new building in a conservation area must preserve or enhance its character and "
            "appearance."
        ),
        constraints=("conservation-area",),
        proposal=("new-building",),
        nppf=(
            ("212", "great weight should be given to the asset\u2019s conservation"),
            (
                "219",
                "look for opportunities for new development within Conservation Areas",
            ),
        ),
        topics=("conservation-area", "heritage"),
        team="heritage",
    ),
    ConflictRule(
        key="conservation-area-works",
        title="An extension or alteration in a conservation area",
        explanation=(
            "Works in a conservation area must preserve or enhance its character and "
            "appearance; the case officer weighs any harm."
        ),
        constraints=("conservation-area",),
        proposal=("extension", "basement"),
        nppf=(("212", "great weight should be given to the asset\u2019s conservation"),),
        topics=("conservation-area", "heritage"),
        application_types=("pp.",),
    ),
    ConflictRule(
        key="listed-building-works",
        title="Works to a listed building",
        explanation=(
            "Works to a listed building must conserve its significance: any harm needs clear "
            "and convincing justification."
        ),
        constraints=("listed-building",),
        proposal=(),
        nppf=(
            (
                "213",
                "Any harm to, or loss of, the significance of a designated heritage asset",
            ),
            ("212", "great weight should be given to the asset\u2019s conservation"),
        ),
        topics=("listed-building", "heritage"),
        team="heritage",
        types_bringing_constraint=("listed", "pp.full.householder.listed"),
    ),
    ConflictRule(
        key="listed-building-setting",
        title="Development within the setting of a listed building",
        explanation=(
            "Development within the setting of a listed building can harm its significance: "
            "the harm must be weighed."
        ),
        constraints=("listed-building-setting",),
        proposal=("new-building", "extension", "demolition"),
        nppf=(("213", "or from development within its setting"),),
        topics=("listed-building", "heritage"),
    ),
    ConflictRule(
        key="scheduled-monument",
        title="Development affecting a scheduled monument",
        explanation=(
            "A scheduled monument is an asset of the highest significance: substantial harm to "
            "it should be wholly exceptional."
        ),
        constraints=("scheduled-monument",),
        proposal=(),
        nppf=(("213", "notably scheduled monuments"),),
        topics=("archaeology", "heritage"),
        team="heritage",
    ),
    ConflictRule(
        key="green-belt-building",
        title="New building in the Green Belt",
        explanation=(
            "New buildings in the Green Belt are inappropriate unless one of the exceptions "
            "applies (an extension that is not disproportionate, a replacement not materially "
            "larger, limited infilling ...), and then need very special circumstances."
        ),
        constraints=("green-belt",),
        proposal=("new-dwellings", "new-building", "extension"),
        nppf=(
            (
                "153",
                "Inappropriate development is, by definition, harmful to the Green Belt",
            ),
            (
                "154",
                "Development in the Green Belt is inappropriate unless one of the following "
                "exceptions applies",
            ),
        ),
        topics=("green-belt",),
    ),
    ConflictRule(
        key="flood-zone-development",
        title="New development in flood zone 2 or 3",
        explanation=(
            "New buildings or homes in flood zones 2 and 3 must pass the sequential test and, "
            "where the vulnerability classification calls for it, the exception test."
        ),
        constraints=("flood-zone",),
        proposal=("new-dwellings", "new-building"),
        nppf=(
            (
                "174",
                "Development should not be allocated or permitted if there are reasonably "
                "available sites appropriate for the proposed development in areas with a "
                "lower risk of flooding.",
            ),
            ("178", "To pass the exception test it should be demonstrated that"),
        ),
        topics=("flood-risk",),
        team="flood",
        # Householder development and changes of use are not subject to the tests (fn. 62).
        categories=("major", "minor"),
        not_by_change_of_use=True,
    ),
    ConflictRule(
        key="protected-trees",
        title="Works to protected trees",
        explanation=(
            "Felling or works to trees protected by a tree preservation order must be justified; "
            "existing trees should be retained wherever possible."
        ),
        constraints=("protected-trees",),
        proposal=("tree-works",),
        nppf=(("136", "existing trees are retained wherever possible"),),
        topics=("trees",),
        team="trees",
    ),
    ConflictRule(
        key="designated-nature-site",
        title="Development on or next to a designated nature site",
        explanation=(
            "Development likely to have an adverse effect on a Site of Special Scientific "
            "Interest or other designated nature site should not normally be permitted."
        ),
        constraints=("ecology",),
        proposal=("new-dwellings", "new-building", "extension", "demolition"),
        nppf=(
            (
                "193",
                "if significant harm to biodiversity resulting from a development cannot be "
                "avoided",
            ),
        ),
        topics=("ecology",),
        team="ecology",
    ),
)
RULE_BY_KEY = {rule.key: rule for rule in RULES}
TEAMS = {
    "heritage": "Heritage and conservation",
    "flood": "Flood risk",
    "ecology": "Ecology",
    "trees": "Trees",
}
ARTICLE_4_RULE = ConflictRule(
    key="article-4",
    title="An Article 4 direction removes the permitted right",
    explanation=(
        "The direction removes the permitted development right for what the proposal does: it "
        "needs planning permission, judged against the reasons the direction was made."
    ),
    constraints=("article-4",),
    proposal=(),
    nppf=(),
    topics=("article-4",),
)


@dataclass(frozen=True)
class Conflict:
    rule: ConflictRule
    policy: PolicyEntry
    policy_quote: str
    constraint: Evidence
    proposal: Evidence
    # The application relies on the permitted development right a direction removes: it
    # cannot succeed as made.
    blocking: bool = False


def policy_quote(policy: PolicyEntry, wanted: str) -> str:
    """The words that bite, as the loaded text has them; the paragraph's first sentence when a
    reloaded text no longer holds them."""
    text = policy.text
    if wanted and normalise(wanted) in normalise(text):
        start = text.find(wanted)
        return text[start : start + len(wanted)] if start >= 0 else wanted
    first = re.split(r"(?<=[.:;])\s", text, maxsplit=1)[0]
    return first[:600]


def _constraint_evidence(rule: ConflictRule, case: Case) -> Evidence | None:
    for kind in rule.constraints:
        if case.constraints.get(kind):
            return case.constraints[kind][0]
    if rule.types_bringing_constraint and case.type_is(rule.types_bringing_constraint):
        return Evidence(
            note=f"the application is for listed building consent ({case.application_type})"
        )
    return None


def _works(case: Case) -> Evidence:
    """The works applied for: the description's first clause."""
    first = re.split(r"[.;]", case.description, maxsplit=1)[0].strip()
    return Evidence(description=first[:200]) if first else Evidence(note="the works applied for")


def _proposal_evidence(rule: ConflictRule, case: Case) -> Evidence | None:
    if not rule.proposal:
        return _works(case)
    by_change_of_use = case.shows(("change-of-use",)) and not case.shows(("new-building",))
    if rule.not_by_change_of_use and by_change_of_use:
        return None
    for fact in rule.proposal:
        evidence = case.proposal.get(fact, [])
        if fact == "demolition" and rule.whole_buildings:
            evidence = [e for e in evidence if demolishes_a_building(e)]
        if evidence:
            # A document's stated fact is the better quote than the description.
            return next((e for e in evidence if e.finding is not None), evidence[0])
    return None


def _applies(rule: ConflictRule, case: Case) -> Evidence | None:
    if rule.categories and case.category.category not in rule.categories:
        return None
    if rule.application_types and not case.type_is(rule.application_types):
        return None
    return _constraint_evidence(rule, case)


def rule_conflicts(case: Case, library: PolicyLibrary) -> list[Conflict]:
    """Every (rule, policy) that bites, one per policy: the first rule to cite it keeps it."""
    conflicts: list[Conflict] = []
    cited: set[str] = set()
    for rule in RULES:
        constraint = _applies(rule, case)
        proposal = _proposal_evidence(rule, case) if constraint else None
        if constraint is None or proposal is None:
            continue
        for policy, quote in _rule_policies(rule, library):
            if policy.key in cited:
                continue
            cited.add(policy.key)
            conflicts.append(Conflict(rule, policy, quote, constraint, proposal))
    for conflict in _article_4_conflicts(case, library):
        if conflict.policy.key not in cited:
            cited.add(conflict.policy.key)
            conflicts.append(conflict)
    return conflicts


def _rule_policies(rule: ConflictRule, library: PolicyLibrary) -> list[tuple[PolicyEntry, str]]:
    selected: list[tuple[PolicyEntry, str]] = []
    for reference, words in rule.nppf:
        paragraph = library.paragraph(reference)
        if paragraph is not None:
            selected.append((paragraph, policy_quote(paragraph, words)))
    for policy in library.local_for(rule.topics, limit=1):
        selected.append((policy, policy_quote(policy, "")))
    return selected


def relevant_policies(case: Case, library: PolicyLibrary, limit: int = 6) -> list[PolicyEntry]:
    """The few policies the rules select for this site and application, whatever the proposal
    does: what the llm engine is asked to judge the proposal against."""
    chosen: dict[str, PolicyEntry] = {}
    for rule in RULES:
        if _applies(rule, case) is None:
            continue
        for policy, _ in _rule_policies(rule, library):
            chosen.setdefault(policy.key, policy)
    for direction in _matching_directions(case, library):
        chosen.setdefault(direction.key, direction)
    return list(chosen.values())[:limit]


# --- Article 4 directions -----------------------------------------------------------------


def _direction_names(evidence: Evidence) -> str:
    finding = evidence.finding
    if finding is None:
        return ""
    parts = [finding.attributes.get("name", ""), finding.attributes.get("area", "")]
    if finding.spatial is not None:
        parts.append(finding.spatial.feature_name)
    if finding.evidence is not None:
        parts.append(finding.evidence.quote)
    return " ".join(parts).lower()


def _matching_directions(case: Case, library: PolicyLibrary) -> list[PolicyEntry]:
    found: list[PolicyEntry] = []
    for evidence in case.constraints.get("article-4", []):
        names = _direction_names(evidence)
        for direction in library.article_4_directions():
            layer_names = direction.conditions["article_4"]["layer_names"]
            if any(name.lower() in names for name in layer_names) and direction not in found:
                found.append(direction)
    return found


def _mentions(text: str, words: list[str]) -> bool:
    lowered = text.lower()
    return any(
        re.search(rf"(?<![a-z0-9]){re.escape(word.lower())}(?![a-z0-9])", lowered) for word in words
    )


def _use_text(case: Case, evidence: list[Evidence]) -> str:
    parts = [case.description]
    for item in evidence:
        if item.finding is not None:
            parts += [
                item.finding.attributes.get("from", ""),
                item.finding.attributes.get("to", ""),
            ]
            if item.finding.evidence is not None:
                parts.append(item.finding.evidence.quote)
        parts.append(item.description)
    return " ".join(parts)


def _article_4_conflicts(case: Case, library: PolicyLibrary) -> list[Conflict]:
    conflicts: list[Conflict] = []
    relies_on_permitted_rights = case.type_is(("pa.", "ldc.proposed"))
    for direction in _matching_directions(case, library):
        rules = direction.conditions["article_4"]
        constraint = next(
            e
            for e in case.constraints["article-4"]
            if any(n.lower() in _direction_names(e) for n in rules["layer_names"])
        )
        proposal: Evidence | None = None
        if "change-of-use" in rules["removes"] and case.proposal.get("change-of-use"):
            evidence = case.proposal["change-of-use"]
            text = _use_text(case, evidence)
            from_ok = not rules["from_uses"] or _mentions(text, rules["from_uses"])
            to_ok = not rules["to_uses"] or _mentions(text, rules["to_uses"])
            if from_ok and to_ok:
                proposal = next((e for e in evidence if e.finding is not None), evidence[0])
        if (
            proposal is None
            and "demolition" in rules["removes"]
            and case.proposal.get("demolition")
        ):
            proposal = case.proposal["demolition"][0]
        if proposal is None and "alteration" in rules["removes"]:
            for fact in ("extension", "new-building", "demolition"):
                if case.proposal.get(fact):
                    proposal = case.proposal[fact][0]
                    break
            else:
                if case.householder:
                    proposal = _works(case)
        if proposal is None:
            continue
        conflicts.append(
            Conflict(
                ARTICLE_4_RULE,
                direction,
                policy_quote(direction, ""),
                constraint,
                proposal,
                blocking=relies_on_permitted_rights,
            )
        )
    return conflicts


# --- Findings ---------------------------------------------------------------------------------


def _attributes(conflict: Conflict) -> dict[str, str]:
    attributes = {
        "rule": conflict.rule.key,
        "citation": conflict.policy.citation[:300],
        "framework": conflict.policy.framework,
        "reference": conflict.policy.reference,
    }
    if conflict.rule.team:
        attributes["team"] = conflict.rule.team
    if conflict.blocking:
        attributes["blocking"] = "yes"
    attributes["site_evidence"] = conflict.constraint.words()[:1000]
    attributes["proposal_evidence"] = conflict.proposal.words()[:1000]
    return attributes


def conflict_finding(conflict: Conflict) -> FindingDraft:
    rule, policy = conflict.rule, conflict.policy
    if conflict.blocking:
        title = (
            "The permitted development right this application relies on is removed: "
            f"{policy.citation}"
        )
        explanation = (
            "The application relies on a permitted development right that this Article 4 "
            "direction removes: it cannot be granted as made; planning permission is needed."
        )
    else:
        title = f"{rule.title}: {policy.citation}"
        explanation = rule.explanation
    detail = explanation
    constraint_finding = conflict.constraint.finding
    proposal_finding = conflict.proposal.finding
    return FindingDraft(
        code=CODE,
        value=policy.key,
        attributes=_attributes(conflict),
        title=title[:300],
        detail=detail[:2000],
        source="check",
        engine=ENGINE,
        strength=Strength.CHECK,
        spatial=constraint_finding.spatial if constraint_finding is not None else None,
        evidence=proposal_finding.evidence if proposal_finding is not None else None,
        policy=PolicyEvidence(
            policy_id=policy.id,
            key=policy.key,
            citation=policy.citation[:300],
            quote=conflict.policy_quote[:1000] or policy.citation,
        ),
    )


def conflict_findings(case: Case, library: PolicyLibrary) -> list[FindingDraft]:
    return [conflict_finding(conflict) for conflict in rule_conflicts(case, library)]
