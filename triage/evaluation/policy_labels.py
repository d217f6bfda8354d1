"""Scoring the policy rules on the hand-labelled applications of policy-labels.json
(docs/evaluation-set.md, "Policies that bite"): for each application, which policies the rules
say are engaged (to be considered) and which they say the proposal conflicts with, against what
a planning officer labelled, per rule and per policy.

Runs in memory like the rest of the evaluation: the documents are read from the case's folder
(or the label file's own text, for the demo applications), the extraction engine reads them, the
layers are declared, and the policies are the bundled files.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from triage import checks, policy_conflicts
from triage.case import CaseInput, build_case
from triage.evaluation.case_checks import layer_finding, library_for
from triage.evaluation.runner import Score
from triage.extractors.base import ApplicationFacts, DocumentInput, Extractor
from triage.schemas import FindingDraft
from triage.text import extract_pages
from triage.vocabulary import POLICY_CONFLICT, POLICY_ENGAGED, Origin

LABELS_FILE = Path(__file__).parent / "policy-labels.json"
ENGAGED, CONFLICTS = "engaged", "conflicts"
KINDS = (ENGAGED, CONFLICTS)
# Either kind: comparable with an engine that does not tell the two apart.
RAISED = "raised"


@dataclass(frozen=True)
class Said:
    """What is said about one application: rule keys (an Article 4 direction as
    "article-4:<reference>") and policy keys, engaged and in conflict."""

    rules: dict[str, frozenset[str]]
    policies: dict[str, frozenset[str]]


@dataclass
class Labelled:
    id: str
    expected: Said
    predicted: Said


@dataclass
class PolicyEvaluation:
    applications: list[Labelled] = field(default_factory=list)

    def rule_scores(self, kind: str) -> dict[str, Score]:
        """Per rule (Article 4 directions together under "article-4"), for one kind or RAISED."""
        return _scores(
            [
                (_of(a.expected.rules, kind), _of(a.predicted.rules, kind))
                for a in self.applications
            ],
            family=True,
        )

    def policy_score(self, kind: str) -> Score:
        scores = _scores(
            [(a.expected.policies[kind], a.predicted.policies[kind]) for a in self.applications]
        )
        return _total(scores.values())

    def raised_score(self) -> Score:
        """Policies raised at all, engaged or in conflict."""
        pairs = [
            (_of(a.expected.policies, RAISED), _of(a.predicted.policies, RAISED))
            for a in self.applications
        ]
        return _total(_scores(pairs).values())


def _of(said: dict[str, frozenset[str]], kind: str) -> frozenset[str]:
    return said[ENGAGED] | said[CONFLICTS] if kind == RAISED else said[kind]


def _scores(pairs: list[tuple[frozenset[str], frozenset[str]]], family: bool = False):
    scores: dict[str, Score] = defaultdict(Score)
    for expected, predicted in pairs:
        for key in expected | predicted:
            score = scores[key.split(":", 1)[0] if family else key]
            if key in expected and key in predicted:
                score.true_positives += 1
            elif key in predicted:
                score.false_positives += 1
            else:
                score.false_negatives += 1
    return dict(sorted(scores.items()))


def _total(scores) -> Score:
    total = Score()
    for score in scores:
        total.true_positives += score.true_positives
        total.false_positives += score.false_positives
        total.false_negatives += score.false_negatives
    return total


def read_labels(path: Path = LABELS_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["applications"]


def expected_of(row: dict) -> Said:
    return Said(
        rules={kind: frozenset(row[kind]["rules"]) for kind in KINDS},
        policies={kind: frozenset(row[kind]["policies"]) for kind in KINDS},
    )


def said_by(findings: list[FindingDraft]) -> Said:
    """What the rules engine's findings say. A finding names every rule that cites its policy
    ("rules"), or the one that did ("rule")."""
    rules: dict[str, set[str]] = {kind: set() for kind in KINDS}
    policies: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for finding in findings:
        if finding.origin != Origin.RULES:
            continue
        if finding.code == POLICY_CONFLICT:
            kind = CONFLICTS
        elif finding.code == POLICY_ENGAGED:
            kind = ENGAGED
        else:
            continue
        policies[kind].add(finding.value)
        names = finding.attributes.get("rules") or finding.attributes.get("rule", "")
        for rule in filter(None, names.split(",")):
            if rule == "article-4":
                rule = f"article-4:{finding.attributes.get('reference', '')}"
            rules[kind].add(rule)
    # A policy in conflict is not also counted as engaged, as the labels have it.
    policies[ENGAGED] -= policies[CONFLICTS]
    return Said(
        rules={kind: frozenset(keys) for kind, keys in rules.items()},
        policies={kind: frozenset(keys) for kind, keys in policies.items()},
    )


def _documents(row: dict, root: Path) -> list[DocumentInput]:
    documents = []
    if "folder" in row:
        for path in sorted((root / row["folder"] / "documents").iterdir()):
            if path.is_file():
                pages = extract_pages(path.read_bytes(), filename=path.name)
                documents.append(DocumentInput(key=path.name, name=path.name, pages=pages))
    for document in row.get("documents", []):
        pages = extract_pages(document["text"].encode(), filename=document["name"])
        documents.append(DocumentInput(key=document["name"], name=document["name"], pages=pages))
    return documents


def predicted_findings(row: dict, extractor: Extractor, root: Path) -> list[FindingDraft]:
    """The rules' policy findings for one labelled application."""
    facts = ApplicationFacts(
        reference=row.get("reference", row["id"]),
        application_type=row["application_type"],
        description=row["description"],
    )
    documents = _documents(row, root)
    findings = [layer_finding(layer) for layer in row.get("layers", [])]
    findings += extractor.extract(facts, documents).findings
    findings += checks.conflicts(findings)
    case = build_case(
        findings,
        CaseInput(
            application_type=row["application_type"],
            description=row["description"],
            site_area_m2=row.get("site_area_m2"),
            proposed_dwellings=row.get("proposed_dwellings"),
            floorspace_m2=row.get("floorspace_m2"),
        ),
    )
    return policy_conflicts.policy_findings(case, library_for(row["council"]))


def evaluate_policies(extractor: Extractor, path: Path = LABELS_FILE) -> PolicyEvaluation:
    evaluation = PolicyEvaluation()
    root = path.parent
    for row in read_labels(path):
        predicted = said_by(predicted_findings(row, extractor, root))
        evaluation.applications.append(Labelled(row["id"], expected_of(row), predicted))
    return evaluation
