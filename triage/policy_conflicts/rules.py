"""The declarative policy rules: for each, the kind of constraint the site must touch, what the
proposal must do for the policy to bite, the NPPF paragraphs with the words that bite, and the
topics of the council's policy that governs it. A rule that bites makes its policies *engaged*
(the officer must weigh them); a rule may also say when what the proposal does runs against the
policy (`conflict`), which is then a *conflict*.

Heritage rules follow what the proposal does, not only where it is: works to a listed building
(listed building consent, or an extension or alteration of the listed building), development in
the setting of one (a new building near it, or an outbuilding in its grounds), works in a
conservation area (an extension or alteration is not a new building), a new building there, and
the loss of a whole building there.

Policy rules apply to applications judged against the development plan: planning applications
(and listed building consent for the rules about the building). A lawful development certificate
is a matter of law, and a prior approval weighs only what its class names: neither engages these
policies (Article 4 directions are another matter: article_4.py).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from triage.case import Case, Evidence, demolishes_a_building, is_outbuilding

PLANNING = ("pp.",)


@dataclass(frozen=True)
class PolicyRule:
    key: str
    title: str
    explanation: str
    constraints: tuple[str, ...]  # any of these kinds present (policies.vocabulary)
    proposal: tuple[str, ...]  # any of these facts shown; empty: the works applied for
    nppf: tuple[tuple[str, str], ...]  # (paragraph, the words in it that bite)
    topics: tuple[str, ...]  # the council's policy governing these, most specific first
    team: str = ""  # the specialist team that assesses it; empty: the case officer
    # Only applications of these types (ODP prefixes).
    application_types: tuple[str, ...] = PLANNING
    # The application type alone brings the constraint (listed building consent).
    types_bringing_constraint: tuple[str, ...] = ()
    # Only applications in these statutory categories (empty: any).
    categories: tuple[str, ...] = ()
    # Only the demolition of a building, not of a part of one (a conservatory, a lean-to).
    whole_buildings: bool = False
    # Not when the only new homes come from changing the use of a building (NPPF 176, fn. 62).
    not_by_change_of_use: bool = False
    # How far a nearby feature (a listed building's setting) may be for each fact, in metres;
    # a fact not named takes the layer's own buffer.
    reach_m: tuple[tuple[str, float], ...] = ()
    # When what the proposal does runs against the policy: the reason, or "".
    conflict: Callable[[Case], str] | None = None


def _listed_works(case: Case) -> Evidence | None:
    """Works to the listed building itself: what listed building consent is for, or an
    extension, alteration or basement of it (not a building in its grounds: that is setting)."""
    if case.type_is(("listed",)):
        return _works(case)
    for fact in ("extension", "alteration", "basement"):
        for evidence in case.proposal.get(fact, []):
            if not is_outbuilding(evidence):
                return evidence
    return None


def _works_in_area(case: Case) -> Evidence | None:
    """External works in a conservation area: an extension (an outbuilding too), an alteration,
    a basement, or taking down part of a building. A basement under a new building is part of
    that building (the new-building rule's business)."""
    new_building = case.shows(("new-building",))
    for fact in ("extension", "alteration", "basement"):
        if fact == "basement" and new_building:
            continue
        if evidence := _best(case.proposal.get(fact, [])):
            return evidence
    parts = [e for e in _demolitions(case) if not demolishes_a_building(e)]
    return _best(parts)


def _best(evidence: list[Evidence]) -> Evidence | None:
    """A document's stated fact is the better quote than the description."""
    return next((e for e in evidence if e.finding is not None), evidence[0] if evidence else None)


def _demolitions(case: Case) -> list[Evidence]:
    """The demolition the proposal shows. The description of development, when it names what is
    demolished, is the record of it: a statement's "the store will be demolished" says less."""
    evidence = case.proposal.get("demolition", [])
    described = [e for e in evidence if e.finding is None and e.description]
    return described or evidence


# A statement that the trees worked on are not the protected ones.
_UNPROTECTED = re.compile(
    r"\bnot (?:protected|covered by)\b|\bunprotected\b|\bno protected trees?\b", re.I
)


def _protected_tree_works(case: Case) -> Evidence | None:
    """Works to trees on a site with protected trees, unless the documents say the trees worked
    on are not the protected ones."""
    evidence = case.proposal.get("tree-works", [])
    quotes = [e.finding.evidence.quote for e in evidence if e.finding and e.finding.evidence]
    if any(_UNPROTECTED.search(quote) for quote in quotes):
        return None
    return _best(evidence)


def _in_green_belt_without_exception(case: Case) -> str:
    """New homes in a new building that is neither an extension, a replacement, nor the re-use
    of a building: none of the exceptions of NPPF 154 is on the face of it (infilling and grey
    belt are for the applicant to show)."""
    if not case.shows(("new-building",)) or not case.shows(("new-dwellings",)):
        return ""
    if case.shows(("change-of-use", "demolition")):
        return ""
    return (
        "New homes in a new building in the Green Belt: inappropriate development unless one of "
        "the exceptions applies, and none is claimed on the face of the application."
    )


RULES: tuple[PolicyRule, ...] = (
    PolicyRule(
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
        application_types=("pp.", "listed"),
        types_bringing_constraint=("listed", "pp.full.householder.listed"),
    ),
    PolicyRule(
        key="listed-building-setting",
        title="Development within the setting of a listed building",
        explanation=(
            "Development within the setting of a listed building can harm its significance: "
            "the harm must be weighed."
        ),
        constraints=("listed-building-setting", "listed-building"),
        proposal=("new-building", "demolition", "extension"),
        nppf=(
            ("213", "or from development within its setting"),
            ("212", "great weight should be given to the asset\u2019s conservation"),
        ),
        topics=("listed-building", "heritage"),
        whole_buildings=True,
        # An extension or outbuilding is in the setting of a listed building next door; a new
        # building or a demolition of one, of any within the layer's buffer.
        reach_m=(("extension", 15.0),),
    ),
    PolicyRule(
        key="conservation-area-demolition",
        title="Demolition of a building in a conservation area",
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
    PolicyRule(
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
    PolicyRule(
        key="conservation-area-works",
        title="An extension or alteration in a conservation area",
        explanation=(
            "Works in a conservation area must preserve or enhance its character and "
            "appearance; the case officer weighs any harm."
        ),
        constraints=("conservation-area",),
        proposal=("extension", "alteration", "basement"),
        nppf=(("212", "great weight should be given to the asset\u2019s conservation"),),
        topics=("conservation-area", "heritage"),
    ),
    PolicyRule(
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
    PolicyRule(
        key="green-belt-building",
        title="New building in the Green Belt",
        explanation=(
            "New buildings in the Green Belt are inappropriate unless one of the exceptions "
            "applies (an extension that is not disproportionate, a replacement not materially "
            "larger, the re-use of a building, limited infilling ...): openness must be weighed."
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
        conflict=_in_green_belt_without_exception,
    ),
    PolicyRule(
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
    PolicyRule(
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
        application_types=("pp.", "wtt."),
    ),
    PolicyRule(
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


@dataclass(frozen=True)
class RuleBite:
    """A rule that bites on this case: the evidence on both sides, and the conflict if any."""

    rule: PolicyRule
    constraint: Evidence
    proposal: Evidence
    conflict: str = ""


def _works(case: Case) -> Evidence:
    """The works applied for: the description's first clause."""
    first = re.split(r"[.;]", case.description, maxsplit=1)[0].strip()
    return Evidence(description=first[:200]) if first else Evidence(note="the works applied for")


# Listed building consent with planning permission in one application: the planning half is
# judged as any planning application is.
_ALSO_PLANNING_PERMISSION = re.compile(r"\bplanning permission\b", re.I)


def applies_to(rule: PolicyRule, case: Case) -> bool:
    """Whether the rule's kind of application and category fit the case, whatever the site."""
    if rule.categories and case.category.category not in rule.categories:
        return False
    if case.type_is(rule.application_types):
        return True
    return (
        case.type_is(("listed",))
        and "pp." in rule.application_types
        and bool(_ALSO_PLANNING_PERMISSION.search(case.description))
    )


def site_evidence(rule: PolicyRule, case: Case) -> Evidence | None:
    """What shows the rule's constraint on this site, whatever the proposal does."""
    for kind in rule.constraints:
        if case.constraints.get(kind):
            return case.constraints[kind][0]
    if rule.types_bringing_constraint and case.type_is(rule.types_bringing_constraint):
        return Evidence(
            note=f"the application is for listed building consent ({case.application_type})"
        )
    return None


def _distance(evidence: Evidence) -> float:
    finding = evidence.finding
    if finding is None or finding.spatial is None or finding.spatial.relation != "nearby":
        return 0.0
    return finding.spatial.distance_m


def _facts(rule: PolicyRule, case: Case) -> list[tuple[str, Evidence]]:
    """The proposal's evidence for each of the rule's facts, documents' stated facts first."""
    by_change_of_use = case.shows(("change-of-use",)) and not case.shows(("new-building",))
    if rule.not_by_change_of_use and by_change_of_use:
        return []
    shown: list[tuple[str, Evidence]] = []
    for fact in rule.proposal:
        evidence = case.proposal.get(fact, [])
        if fact == "demolition" and rule.whole_buildings:
            # Whether a building goes is the description's to say; a statement that agrees is
            # the better quote.
            whole = any(demolishes_a_building(e) for e in _demolitions(case))
            evidence = [e for e in evidence if whole and demolishes_a_building(e)]
        ranked = sorted(evidence, key=lambda e: e.finding is None)
        shown += [(fact, e) for e in ranked]
    return shown


def _setting(rule: PolicyRule, case: Case) -> RuleBite | None:
    """A listed building near the site (within the reach of what the proposal does), or on the
    site when what is built there is a building of its own or an outbuilding. Works to a listed
    building on the site are weighed as such (the same policies), its neighbours with it."""
    if site_evidence(RULE_BY_KEY["listed-building-works"], case) and _listed_works(case):
        return None
    reach = dict(rule.reach_m)
    for fact, evidence in _facts(rule, case):
        on_site = case.constraints.get("listed-building", [])
        if on_site and (fact == "new-building" or is_outbuilding(evidence)):
            return RuleBite(rule, on_site[0], evidence)
        for near in case.constraints.get("listed-building-setting", []):
            if _distance(near) <= reach.get(fact, float("inf")):
                return RuleBite(rule, near, evidence)
    return None


# Rules whose proposal side is more than "one of these facts": the setting depends on how far
# the listed building is for what is done; works to a listed building exclude its outbuildings.
_SITE_AND_PROPOSAL = {"listed-building-setting": _setting}
_PROPOSAL = {
    "listed-building-works": _listed_works,
    "conservation-area-works": _works_in_area,
    "protected-trees": _protected_tree_works,
}


def rule_bites(rule: PolicyRule, case: Case) -> RuleBite | None:
    """Whether the rule bites on this case, with its evidence."""
    if not applies_to(rule, case):
        return None
    if rule.key in _SITE_AND_PROPOSAL:
        return _SITE_AND_PROPOSAL[rule.key](rule, case)
    constraint = site_evidence(rule, case)
    if constraint is None:
        return None
    if rule.key in _PROPOSAL:
        proposal = _PROPOSAL[rule.key](case)
    elif not rule.proposal:
        proposal = _works(case)
    else:
        proposal = next((evidence for _, evidence in _facts(rule, case)), None)
    if proposal is None:
        return None
    reason = rule.conflict(case) if rule.conflict is not None else ""
    return RuleBite(rule, constraint, proposal, reason)
