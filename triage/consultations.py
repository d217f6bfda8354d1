"""Whom the proposal should be sent to: the national and the council's consultation rules
(policies.library.ConsultationRuleEntry) read against the case, as validation requirements are.

Every consultee a rule suggests is one finding (`consultee.suggested`, value the consultee),
naming each rule that applies, its list and legal basis, and the evidence that triggered it;
the officer confirms it (accepts) or dismisses it (rejects, with a reason) as any finding, and
reviews carry over to the same suggestion when triage runs again (decision record 0015). A rule
that could not be checked because its layer is not loaded around the site is a finding of its
own (`consultee.unchecked`), so the page says so instead of saying nothing.

`suggest` is pure: the pipeline gathers the spatial facts (`SpatialFacts`) and calls it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from geo import services as geo_services
from geo.datasets import KNOWN_DATASETS
from planning.models import PlanningApplication
from policies.library import ConsultationRuleEntry
from policies.services import consultation_rules_for
from policies.vocabulary import CONSTRAINT_KINDS
from triage.case import Case, affects, strong
from triage.schemas import FindingDraft
from triage.validation import proposal_conditions, received_on
from triage.vocabulary import CONSULTEE, CONSULTEE_UNCHECKED, STRONG, FindingCode, Origin, Strength

ENGINE = "consultations"


@dataclass(frozen=True)
class Near:
    """A feature of a dataset a rule names, and how far from the site it is (0: touching)."""

    dataset: str
    name: str
    distance_m: float


@dataclass(frozen=True)
class SpatialFacts:
    """What the layers say for the rules: features touching the site (not grazes) and within
    each rule's distance, and which datasets have a layer loaded around the site at all."""

    near: tuple[Near, ...] = ()
    covered: frozenset[str] = frozenset()

    def within(self, datasets: Iterable[str], distance_m: float | None) -> list[Near]:
        wanted = set(datasets)
        reach = 0.0 if distance_m is None else distance_m
        return [n for n in self.near if n.dataset in wanted and n.distance_m <= reach]


@dataclass
class Suggestion:
    """A consultee and every rule that suggests it, each with why."""

    consultee: str
    name: str
    statutory: bool
    rules: list[tuple[ConsultationRuleEntry, list[str]]] = field(default_factory=list)


@dataclass
class Unchecked:
    consultee: str
    name: str
    rules: list[tuple[ConsultationRuleEntry, list[str]]] = field(default_factory=list)


def _label(dataset: str) -> str:
    label = KNOWN_DATASETS.get(dataset, dataset.replace("-", " "))
    return label[:1].lower() + label[1:]


def _place(near: Near) -> str:
    what = f"{_label(near.dataset)} {near.name}".strip()
    return (
        f"{what} touches the site"
        if near.distance_m == 0
        else f"{what} {near.distance_m:.0f} m away"
    )


def _numbers(rule: ConsultationRuleEntry, case: Case, storeys: int | None) -> list[str] | None:
    reasons = []
    if rule.min_site_area_m2 is not None:
        if case.site_area_m2 is None or case.site_area_m2 < rule.min_site_area_m2:
            return None
        reasons.append(f"the site is {case.site_area_m2:,.0f} m²")
    if rule.min_storeys is not None:
        if storeys is None or storeys < rule.min_storeys:
            return None
        reasons.append(f"{storeys} storeys")
    return reasons


def check_rule(
    rule: ConsultationRuleEntry, case: Case, facts: SpatialFacts, storeys: int | None = None
) -> tuple[str, list[str]]:
    """("applies", reasons), ("unchecked", the missing layers) or ("no", [])."""
    if not rule.in_force_on(received_on(case)):
        return "no", []
    if rule.application_types and not case.type_is(rule.application_types):
        return "no", []
    if rule.exclude_application_types and case.type_is(rule.exclude_application_types):
        return "no", []
    numbers = _numbers(rule, case, storeys)
    on_the_proposal = proposal_conditions(rule, case)
    if numbers is None or on_the_proposal is None:
        return "no", []
    reasons: list[str] = []
    missing: list[str] = []
    if rule.constraints:
        shown = [kind for kind in rule.constraints if strong(case.constraints.get(kind, []))]
        if shown:
            evidence = strong(case.constraints[shown[0]])[0]
            reasons.append(f"{CONSTRAINT_KINDS[shown[0]][0].lower()}: {evidence.words()}")
        else:
            layers = {ds for kind in rule.constraints for ds in CONSTRAINT_KINDS[kind][1]}
            if not layers & facts.covered:
                missing += sorted(layers)
            else:
                return "no", []
    if rule.datasets:
        hits = facts.within(rule.datasets, rule.within_m)
        if hits:
            reasons.append(_place(hits[0]))
        else:
            uncovered = [ds for ds in rule.datasets if ds not in facts.covered]
            if not uncovered:
                return "no", []
            missing += uncovered
    if missing:
        return "unchecked", missing
    return "applies", reasons + on_the_proposal + numbers


def suggest(
    case: Case,
    rules: list[ConsultationRuleEntry],
    facts: SpatialFacts,
    *,
    storeys: int | None = None,
) -> list[FindingDraft]:
    """One finding per consultee suggested, then one per consultee a rule could not be
    checked for (unless another rule suggests it anyway)."""
    suggested: dict[str, Suggestion] = {}
    unchecked: dict[str, Unchecked] = {}
    for rule in rules:
        verdict, words = check_rule(rule, case, facts, storeys)
        if verdict == "applies":
            item = suggested.setdefault(
                rule.consultee, Suggestion(rule.consultee, rule.consultee_name, rule.statutory)
            )
            item.statutory = item.statutory or rule.statutory
            item.rules.append((rule, words))
        elif verdict == "unchecked":
            gap = unchecked.setdefault(
                rule.consultee, Unchecked(rule.consultee, rule.consultee_name)
            )
            gap.rules.append((rule, words))
    findings = [_suggested(item) for item in suggested.values()]
    findings += [_unchecked(gap) for key, gap in unchecked.items() if key not in suggested]
    return findings


def _suggested(item: Suggestion) -> FindingDraft:
    rule, _ = item.rules[0]
    why = "; ".join(
        f"{rule.key} ({rule.list_name}): {', '.join(reasons) or 'it always applies'}"
        for rule, reasons in item.rules
    )
    detail = " ".join(f"{rule.reason}" for rule, _ in item.rules[:1])
    return FindingDraft(
        code=CONSULTEE,
        value=item.consultee[:64],
        attributes={
            "consultee": item.name,
            "statutory": "yes" if item.statutory else "no",
            "rules": ", ".join(rule.key for rule, _ in item.rules),
            "lists": ", ".join(dict.fromkeys(rule.list_name for rule, _ in item.rules)),
            "legal_basis": "; ".join(
                dict.fromkeys(rule.legal_basis for rule, _ in item.rules if rule.legal_basis)
            ),
            "reason": rule.reason,
            "why": why,
        },
        title=f"Consult {item.name}"[:300],
        detail=f"{detail} Because of rule {why}."[:2000],
        source="check",
        origin=Origin.CHECK,
        engine=ENGINE,
        strength=Strength.CHECK,
    )


def _unchecked(gap: Unchecked) -> FindingDraft:
    layers = sorted({ds for _, missing in gap.rules for ds in missing})
    labels = [_label(ds) for ds in layers]
    named = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    return FindingDraft(
        code=CONSULTEE_UNCHECKED,
        value=gap.consultee[:64],
        attributes={
            "consultee": gap.name,
            "rules": ", ".join(rule.key for rule, _ in gap.rules),
            "lists": ", ".join(dict.fromkeys(rule.list_name for rule, _ in gap.rules)),
            "missing_layers": ", ".join(layers),
            "reason": gap.rules[0][0].reason,
        },
        title=f"Could not check whether to consult {gap.name}"[:300],
        detail=(
            f"No {named} layer is loaded around this site, so rule"
            f"{'s' if len(gap.rules) > 1 else ''} {', '.join(r.key for r, _ in gap.rules)} "
            f"could not be checked. Check it by hand, or load the layer."
        )[:2000],
        source="check",
        origin=Origin.CHECK,
        engine=ENGINE,
        strength=Strength.CHECK,
    )


# --- What the pipeline gathers ----------------------------------------------------------------


def spatial_facts(
    application: PlanningApplication,
    rules: list[ConsultationRuleEntry],
    findings: list[FindingDraft],
) -> SpatialFacts:
    """The layers' answers the rules need: touching features from the run's spatial findings
    (grazes are the neighbour's land), features within each rule's distance, and coverage."""
    if application.site is None:
        return SpatialFacts()
    near = [
        Near(f.spatial.dataset, f.spatial.feature_name, 0.0)
        for f in findings
        if f.spatial is not None and affects(f)
    ]
    distances: dict[str, float] = {}
    for rule in rules:
        for dataset in rule.datasets:
            if rule.within_m:
                distances[dataset] = max(distances.get(dataset, 0.0), rule.within_m)
    near += [
        Near(found.dataset, found.name, found.distance_m)
        for found in geo_services.features_near(application.site, distances)
        if found.distance_m > 0
    ]
    wanted = {ds for rule in rules for ds in rule.datasets}
    wanted |= {
        ds for rule in rules for kind in rule.constraints for ds in CONSTRAINT_KINDS[kind][1]
    }
    covered = geo_services.datasets_covering(application.site, wanted)
    return SpatialFacts(tuple(near), frozenset(covered))


def storeys_of(findings: list[FindingDraft]) -> int | None:
    """The storeys of the tallest new building, from documents with strong evidence."""
    stated = [
        int(f.value)
        for f in findings
        if f.code == FindingCode.STOREYS and f.value.isdigit() and f.strength in STRONG
    ]
    return max(stated) if stated else None


def consultation_findings(
    application: PlanningApplication, case: Case, findings: list[FindingDraft]
) -> list[FindingDraft]:
    rules = consultation_rules_for(application.council_id)
    facts = spatial_facts(application, rules, findings)
    return suggest(case, rules, facts, storeys=storeys_of(findings))
