"""Scoring an extraction engine on a labelled folder of applications (format:
docs/evaluation-set.md). Runs entirely in memory: nothing is read from or written to the
applications in the database.

A predicted finding counts as correct only when its (code, value, document) is labelled AND its
evidence holds: the quote is on the cited page and supports the value (evidence.py). A finding
whose evidence fails is a false positive even when its value is right."""

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from triage.evaluation.case_checks import (
    local_policy_references,
    predicted_checks,
    read_checks,
)
from triage.evaluation.evidence import evidence_problem
from triage.extractors.base import ApplicationFacts, DocumentInput, Extractor
from triage.text import TextExtractionError, extract_pages

Key = tuple[str, str, str]  # (code, value, document file name)

EXPECTED_FILE = "expected.json"


@dataclass
class CaseResult:
    name: str
    predicted: set[Key]
    expected: set[Key]
    documents: int
    pages: int
    unreadable: list[str] = field(default_factory=list)
    dropped_quotes: int = 0
    out_of_scope: int = 0
    # Predicted keys whose evidence fails, with the reason.
    evidence_failures: dict[Key, str] = field(default_factory=dict)
    # Application-level checks (missing documents, conflicts), for cases with a checks.json.
    checked: bool = False
    checks_predicted: set[Key] = field(default_factory=set)
    checks_expected: set[Key] = field(default_factory=set)
    # The evidence strength of each predicted finding (triage.vocabulary.Strength).
    strengths: dict[Key, str] = field(default_factory=dict)

    @property
    def supported(self) -> set[Key]:
        """What was predicted with evidence that holds."""
        return self.predicted - set(self.evidence_failures)


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    cases: list[CaseResult]
    engine_seconds: float
    text_seconds: float

    @property
    def pages(self) -> int:
        return sum(case.pages for case in self.cases)

    @property
    def documents(self) -> int:
        return sum(case.documents for case in self.cases)

    def scores(self, check_evidence: bool = True) -> tuple[dict[str, Score], Score]:
        """Per code and overall. With `check_evidence`, a prediction whose evidence fails is a
        false positive (and its label, if any, a false negative)."""
        per_code: dict[str, Score] = defaultdict(Score)
        for case in self.cases:
            correct = case.supported if check_evidence else case.predicted
            for key in case.predicted | case.expected:
                score = per_code[key[0]]
                if key in correct and key in case.expected:
                    score.true_positives += 1
                elif key in case.predicted:
                    score.false_positives += 1
                    if key in case.expected:
                        score.false_negatives += 1
                else:
                    score.false_negatives += 1
        overall = Score(
            sum(s.true_positives for s in per_code.values()),
            sum(s.false_positives for s in per_code.values()),
            sum(s.false_negatives for s in per_code.values()),
        )
        return dict(sorted(per_code.items())), overall

    def strength_scores(self) -> dict[str, Score]:
        """Precision of the findings of each evidence strength: what an officer can expect of a
        finding labelled so (recall has no meaning per strength: a miss has none)."""
        scores: dict[str, Score] = defaultdict(Score)
        for case in self.cases:
            for key in case.predicted:
                score = scores[case.strengths.get(key, "")]
                if key in case.supported and key in case.expected:
                    score.true_positives += 1
                else:
                    score.false_positives += 1
        return dict(sorted(scores.items()))

    def check_scores(self) -> tuple[dict[str, Score], Score, int]:
        """Missing documents and conflicts, per code and overall, over the cases labelled for
        them; and how many cases that is."""
        per_code: dict[str, Score] = defaultdict(Score)
        checked = [case for case in self.cases if case.checked]
        for case in checked:
            for key in case.checks_predicted | case.checks_expected:
                score = per_code[key[0]]
                if key in case.checks_predicted and key in case.checks_expected:
                    score.true_positives += 1
                elif key in case.checks_predicted:
                    score.false_positives += 1
                else:
                    score.false_negatives += 1
        overall = Score(
            sum(s.true_positives for s in per_code.values()),
            sum(s.false_positives for s in per_code.values()),
            sum(s.false_negatives for s in per_code.values()),
        )
        return dict(sorted(per_code.items())), overall, len(checked)


def case_folders(root: Path) -> list[Path]:
    return sorted(path for path in root.iterdir() if (path / "application.json").is_file())


def evaluate(root: Path, extractor: Extractor, council: str = "") -> Evaluation:
    """Every case of the set; `council` (an ONS code) stands for the council of a case that
    names none."""
    cases, engine_seconds, text_seconds = [], 0.0, 0.0
    for folder in case_folders(root):
        application = json.loads((folder / "application.json").read_text())
        case_checks = read_checks(folder)
        case_council = (
            application.get("council") or (case_checks.council if case_checks else "") or council
        )
        expected_rows = json.loads((folder / EXPECTED_FILE).read_text())["findings"]
        expected = {(row["code"], str(row["value"]), row["document"]) for row in expected_rows}
        documents, unreadable = [], []
        started = time.perf_counter()
        for path in sorted((folder / "documents").iterdir()):
            if not path.is_file():
                continue
            try:
                pages = extract_pages(path.read_bytes(), filename=path.name)
            except TextExtractionError as error:
                unreadable.append(f"{path.name}: {error}")
                continue
            documents.append(DocumentInput(key=path.name, name=path.name, pages=pages))
        text_seconds += time.perf_counter() - started
        facts = ApplicationFacts(
            reference=application.get("reference", folder.name),
            application_type=application.get("application_type", ""),
            description=application.get("description", ""),
            local_policies=local_policy_references(case_council),
        )
        started = time.perf_counter()
        result = extractor.extract(facts, documents)
        engine_seconds += time.perf_counter() - started
        by_key = {document.key: document for document in documents}
        predicted: set[Key] = set()
        strengths: dict[Key, str] = {}
        failures: dict[Key, str] = {}
        for finding in result.findings:
            key = (
                finding.code,
                finding.value,
                finding.evidence.document if finding.evidence else "",
            )
            predicted.add(key)
            strengths[key] = str(finding.strength)
            if problem := evidence_problem(finding, by_key):
                failures[key] = problem
        checks_predicted: set[Key] = set()
        if case_checks is not None:
            checks_predicted = predicted_checks(
                case_checks, application, facts, documents, result.findings, extractor
            )
        cases.append(
            CaseResult(
                name=folder.name,
                predicted=predicted,
                expected=expected,
                documents=len(documents) + len(unreadable),
                pages=result.pages_read,
                unreadable=unreadable,
                dropped_quotes=result.dropped_quotes,
                out_of_scope=result.out_of_scope,
                evidence_failures=failures,
                checked=case_checks is not None,
                checks_predicted=checks_predicted,
                checks_expected=case_checks.expected if case_checks else set(),
                strengths=strengths,
            )
        )
    return Evaluation(cases, engine_seconds, text_seconds)
