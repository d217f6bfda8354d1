"""Scoring the missing-document check on a set of real, validated applications labelled with
what was really missing (`validation.json`, the format of the real development set's README).

Each application is run as the pipeline runs it, in memory: its documents' text through the
extraction engine, the case built from the findings and the application's own fields (its
received date among them), then the validation check over the national list and the
council's local list read from the bundled files. There is no site geometry: constraints come
only from what the documents say.

Labels are per required document (`location_plan`, `heritage_statement` ...):
- `truly_missing`: a finding for it is right, its absence a miss;
- `debatable`: a careful officer could go either way, so a finding for it is reported apart
  and counted neither way.
Anything else the check says is missing is a false alarm.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from triage import checks
from triage.case import CaseInput, build_case
from triage.evaluation.case_checks import requirements_of
from triage.evaluation.runner import Score
from triage.extractors.base import ApplicationFacts, DocumentInput, Extractor
from triage.recognition import DocumentSummary
from triage.schemas import FindingDraft
from triage.text import PageText, TextExtractionError, extract_pages
from triage.validation import MET_PREFIX, MISSING_PREFIX, validation_findings

VALIDATION_FILE = "validation.json"
# The councils whose local lists a set may be scored against, by the folder's council.
DEFAULT_COUNCIL = "E08000009"  # Trafford


@dataclass(frozen=True)
class LabelledDocument:
    name: str
    document_type: str
    pages: list[PageText]


@dataclass(frozen=True)
class LabelledApplication:
    folder: str
    reference: str
    application_type: str
    description: str
    received_date: datetime.date | None
    documents: list[LabelledDocument]
    truly_missing: dict[str, str]
    debatable: dict[str, str]


@dataclass
class ApplicationResult:
    application: LabelledApplication
    findings: list[FindingDraft] = field(default_factory=list)

    @property
    def predicted(self) -> set[str]:
        """The documents the check says are missing."""
        return {
            f.code.removeprefix(MISSING_PREFIX)
            for f in self.findings
            if f.code.startswith(MISSING_PREFIX)
        }

    def finding(self, document: str) -> FindingDraft | None:
        for prefix in (MISSING_PREFIX, MET_PREFIX):
            for finding in self.findings:
                if finding.code == prefix + document:
                    return finding
        return None

    @property
    def true_positives(self) -> set[str]:
        return self.predicted & set(self.application.truly_missing)

    @property
    def false_alarms(self) -> set[str]:
        labelled = set(self.application.truly_missing) | set(self.application.debatable)
        return self.predicted - labelled

    @property
    def misses(self) -> set[str]:
        return set(self.application.truly_missing) - self.predicted

    @property
    def debatable_raised(self) -> set[str]:
        return self.predicted & set(self.application.debatable)


@dataclass
class ValidationEvaluation:
    results: list[ApplicationResult]

    def per_requirement(self) -> dict[str, Score]:
        scores: dict[str, Score] = defaultdict(Score)
        for result in self.results:
            for document in result.true_positives:
                scores[document].true_positives += 1
            for document in result.false_alarms:
                scores[document].false_positives += 1
            for document in result.misses:
                scores[document].false_negatives += 1
        return dict(sorted(scores.items()))

    def overall(self) -> Score:
        rows = self.per_requirement().values()
        return Score(
            sum(s.true_positives for s in rows),
            sum(s.false_positives for s in rows),
            sum(s.false_negatives for s in rows),
        )

    @property
    def applications(self) -> int:
        return len(self.results)

    @property
    def false_alarms_per_application(self) -> float:
        return self.overall().false_positives / self.applications if self.results else 0.0

    @property
    def debatable_raised(self) -> int:
        return sum(len(result.debatable_raised) for result in self.results)

    @property
    def debatable_labelled(self) -> int:
        return sum(len(result.application.debatable) for result in self.results)


def has_validation_set(root: Path) -> bool:
    return (root / VALIDATION_FILE).is_file()


def _pages(path: Path) -> list[PageText]:
    if not path.is_file():
        return []  # published as an image only: the set keeps no text for it
    try:
        return extract_pages(path.read_bytes(), filename=path.name)
    except TextExtractionError:
        return []


def read_validation_set(root: Path) -> list[LabelledApplication]:
    rows = json.loads((root / VALIDATION_FILE).read_text(encoding="utf-8"))
    applications = []
    for row in rows:
        folder = root / row["folder"]
        documents = [
            LabelledDocument(
                name=document["file"],
                document_type=document.get("api_document_type") or "other",
                pages=_pages(folder / "documents" / document["file"]),
            )
            for document in row["documents"]
            if document.get("upload")
        ]
        received = row.get("received_date")
        applications.append(
            LabelledApplication(
                folder=row["folder"],
                reference=row.get("reference", row["folder"]),
                application_type=row.get("odp_type", ""),
                description=row.get("description", ""),
                received_date=datetime.date.fromisoformat(received) if received else None,
                documents=documents,
                truly_missing={m["requirement"]: m["reason"] for m in row["truly_missing"]},
                debatable={m["requirement"]: m["reason"] for m in row["debatable"]},
            )
        )
    return applications


def check_application(
    application: LabelledApplication, extractor: Extractor, requirements: list
) -> list[FindingDraft]:
    """What the pipeline's check says of one application, run in memory: the engine reads the
    documents with text, the case is built from its findings and the application's fields,
    and the validation check runs over every document, text or not."""
    facts = ApplicationFacts(
        reference=application.reference,
        application_type=application.application_type,
        description=application.description,
    )
    readable = [
        DocumentInput(key=document.name, name=document.name, pages=document.pages)
        for document in application.documents
        if document.pages
    ]
    findings = list(extractor.extract(facts, readable).findings)
    findings += checks.conflicts(findings)
    case = build_case(
        findings,
        CaseInput(
            application_type=application.application_type,
            description=application.description,
            received_date=application.received_date,
        ),
    )
    summaries = [
        DocumentSummary(document.name, document.name, document.document_type, tuple(document.pages))
        for document in application.documents
    ]
    return validation_findings(case, summaries, requirements)


def evaluate_validation(
    root: Path, extractor: Extractor, council: str = DEFAULT_COUNCIL
) -> ValidationEvaluation:
    requirements = list(requirements_of(council))
    return ValidationEvaluation(
        [
            ApplicationResult(application, check_application(application, extractor, requirements))
            for application in read_validation_set(root)
        ]
    )
