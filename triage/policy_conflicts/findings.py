"""The findings a run records for the policies that bite: one per policy, `engaged.policy` when
the officer must weigh it, `conflict.policy` when what the proposal does runs against it (a
rule's conflict, or an application relying on a permitted development right an Article 4
direction removes). Each names the policy with the words that bite, the rules that cite it, the
part of the proposal that meets it, and the evidence on both sides."""

import dataclasses
import re
from dataclasses import dataclass

from policies.library import PolicyEntry, PolicyLibrary
from triage.case import Case, Evidence
from triage.policy_conflicts.article_4 import DirectionBite, direction_bites
from triage.policy_conflicts.rules import RULES, PolicyRule, RuleBite, rule_bites
from triage.quotes import normalise
from triage.schemas import FindingDraft, PolicyEvidence
from triage.vocabulary import POLICY_CONFLICT, POLICY_ENGAGED, Origin, Strength

ENGINE = "rules"
ARTICLE_4 = "article-4"


@dataclass(frozen=True)
class PolicyBite:
    """One policy that bites on the case, as the first rule to cite it says, with every rule
    that does."""

    policy: PolicyEntry
    policy_quote: str
    rule_key: str
    title: str
    explanation: str
    constraint: Evidence
    proposal: Evidence
    team: str = ""
    conflict: bool = False
    blocking: bool = False  # relies on a permitted development right a direction removes
    rules: tuple[str, ...] = ()
    right: str = ""  # the permitted development right (GPDO class) a direction removes


def policy_quote(policy: PolicyEntry, wanted: str) -> str:
    """The words that bite, as the loaded text has them; the paragraph's first sentence when a
    reloaded text no longer holds them."""
    text = policy.text
    if wanted and normalise(wanted) in normalise(text):
        start = text.find(wanted)
        return text[start : start + len(wanted)] if start >= 0 else wanted
    first = re.split(r"(?<=[.:;])\s", text, maxsplit=1)[0]
    return first[:600]


def rule_policies(rule: PolicyRule, library: PolicyLibrary) -> list[tuple[PolicyEntry, str]]:
    """The NPPF paragraphs a rule cites, with the words that bite, and the council's policy
    that governs its topics."""
    selected: list[tuple[PolicyEntry, str]] = []
    for reference, words in rule.nppf:
        paragraph = library.paragraph(reference)
        if paragraph is not None:
            selected.append((paragraph, policy_quote(paragraph, words)))
    for policy in library.local_for(rule.topics, limit=1):
        selected.append((policy, policy_quote(policy, "")))
    return selected


def _from_rule(bite: RuleBite, policy: PolicyEntry, quote: str) -> PolicyBite:
    rule = bite.rule
    return PolicyBite(
        policy=policy,
        policy_quote=quote,
        rule_key=rule.key,
        title=rule.title,
        explanation=bite.conflict or rule.explanation,
        constraint=bite.constraint,
        proposal=bite.proposal,
        team=rule.team,
        conflict=bool(bite.conflict),
        rules=(rule.key,),
    )


def _from_direction(bite: DirectionBite) -> PolicyBite:
    direction = bite.direction
    if bite.relies_on_it:
        title = "The permitted development right this application relies on is removed"
        explanation = (
            f"The application relies on {bite.right}, which this Article 4 direction removes "
            "here: it cannot be granted as made; planning permission is needed."
        )
    else:
        title = "An Article 4 direction removes the right for this change"
        explanation = (
            f"The direction removes {bite.right} for what the proposal does, so it needs "
            "planning permission: judge it against the reasons the direction was made."
        )
    return PolicyBite(
        policy=direction,
        policy_quote=policy_quote(direction, ""),
        rule_key=ARTICLE_4,
        title=title,
        explanation=explanation,
        constraint=bite.constraint,
        proposal=bite.proposal,
        conflict=bite.relies_on_it,
        blocking=bite.relies_on_it,
        rules=(ARTICLE_4,),
        right=bite.right,
    )


def policy_bites(case: Case, library: PolicyLibrary) -> list[PolicyBite]:
    """Every policy that bites, once: a conflict wins over an engagement of the same policy, and
    otherwise the first rule to cite it speaks for it (the others are named with it)."""
    bites: dict[str, PolicyBite] = {}
    candidates: list[PolicyBite] = []
    for rule in RULES:
        bite = rule_bites(rule, case)
        if bite is None:
            continue
        for policy, quote in rule_policies(rule, library):
            candidates.append(_from_rule(bite, policy, quote))
    candidates += [_from_direction(bite) for bite in direction_bites(case, library)]
    for candidate in candidates:
        held = bites.get(candidate.policy.key)
        if held is None:
            bites[candidate.policy.key] = candidate
            continue
        rules = held.rules + tuple(r for r in candidate.rules if r not in held.rules)
        keep = candidate if candidate.conflict and not held.conflict else held
        bites[candidate.policy.key] = dataclasses.replace(keep, rules=rules)
    return list(bites.values())


def _attributes(bite: PolicyBite) -> dict[str, str]:
    attributes = {
        "rule": bite.rule_key,
        "rules": ",".join(bite.rules),
        "citation": bite.policy.citation[:300],
        "framework": bite.policy.framework,
        "reference": bite.policy.reference,
    }
    if bite.team:
        attributes["team"] = bite.team
    if bite.blocking:
        attributes["blocking"] = "yes"
    if bite.right:
        attributes["right"] = bite.right[:300]
    attributes["site_evidence"] = bite.constraint.words()[:1000]
    attributes["proposal_evidence"] = bite.proposal.words()[:1000]
    return attributes


def policy_finding(bite: PolicyBite) -> FindingDraft:
    policy = bite.policy
    constraint_finding = bite.constraint.finding
    proposal_finding = bite.proposal.finding
    return FindingDraft(
        code=POLICY_CONFLICT if bite.conflict else POLICY_ENGAGED,
        value=policy.key,
        attributes=_attributes(bite),
        title=f"{bite.title}: {policy.citation}"[:300],
        detail=bite.explanation[:2000],
        source="check",
        origin=Origin.RULES,
        engine=ENGINE,
        strength=Strength.CHECK,
        spatial=constraint_finding.spatial if constraint_finding is not None else None,
        evidence=proposal_finding.evidence if proposal_finding is not None else None,
        policy=PolicyEvidence(
            policy_id=policy.id,
            key=policy.key,
            citation=policy.citation[:300],
            quote=bite.policy_quote[:1000] or policy.citation,
        ),
    )


def policy_findings(case: Case, library: PolicyLibrary) -> list[FindingDraft]:
    """The policies engaged and in conflict for this case, one finding each."""
    return [policy_finding(bite) for bite in policy_bites(case, library)]
