"""The policies that bite on an application: which the officer must weigh (engaged) and which
the proposal runs against (conflicts), each with the policy's words and the evidence from the
site and the proposal.

- `rules`: the declarative rules (constraint kind + what the proposal does -> NPPF paragraphs
  and the council's policy), heritage split by what the proposal does to the asset;
- `article_4`: the council's Article 4 directions, which bite only where the proposal would use
  the permitted development right a direction removes;
- `findings`: one finding per policy, `engaged.policy` or `conflict.policy`.

The llm engine is given the policies that bite here (`relevant_policies`), never the whole
framework, and judges the proposal against them itself (triage.extractors.llm_conflicts).
Pure: no database.
"""

from policies.library import PolicyEntry, PolicyLibrary
from triage.case import Case
from triage.policy_conflicts.findings import ENGINE, policy_bites, policy_findings, rule_policies
from triage.policy_conflicts.rules import RULE_BY_KEY, RULES, TEAMS, PolicyRule, applies_to

__all__ = [
    "ENGINE",
    "RULES",
    "RULE_BY_KEY",
    "TEAMS",
    "PolicyRule",
    "policy_findings",
    "relevant_policies",
]


def relevant_policies(case: Case, library: PolicyLibrary, limit: int = 6) -> list[PolicyEntry]:
    """The few policies the llm engine is asked to judge the proposal against: those that bite
    here first, then those governing what the site touches for this kind of application (a
    model may see a conflict the rules do not), never an Article 4 direction that does not
    bite."""
    chosen: dict[str, PolicyEntry] = {}
    for bite in policy_bites(case, library):
        chosen.setdefault(bite.policy.key, bite.policy)
    for rule in RULES:
        if not applies_to(rule, case) or not any(case.has((kind,)) for kind in rule.constraints):
            continue
        for policy, _ in rule_policies(rule, library):
            chosen.setdefault(policy.key, policy)
    return list(chosen.values())[:limit]
