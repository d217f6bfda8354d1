"""The list of consultees to send, per application: the current result's consultation
findings (triage.consultations) with what the officer decided about each. Read by the page,
its CSV download and the council API, so all three say the same.

A suggestion is sent once an officer confirms it (accepts the finding); one not yet reviewed
is listed as to confirm, one dismissed (rejected, with a reason) as dismissed. A rule that
could not be checked is listed too: an officer who checked it by hand may confirm it.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from planning.exports import Table
from planning.models import PlanningApplication
from triage.models import Finding, ReviewDecision
from triage.reviews import latest_review
from triage.summaries import result_run_id
from triage.vocabulary import CONSULTEE, CONSULTEE_UNCHECKED

TO_CONFIRM, CONFIRMED, DISMISSED, NOT_CHECKED = (
    "to-confirm",
    "confirmed",
    "dismissed",
    "not-checked",
)
STATUS_WORDS = {
    TO_CONFIRM: "To confirm",
    CONFIRMED: "Confirmed: send",
    DISMISSED: "Dismissed",
    NOT_CHECKED: "Could not be checked",
}


@dataclass(frozen=True)
class ConsulteeRow:
    finding: Finding
    status: str

    @property
    def send(self) -> bool:
        return self.status == CONFIRMED

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    def as_dict(self) -> dict:
        finding, review = self.finding, latest_review(self.finding)
        attributes = finding.attributes
        return {
            "finding": finding.pk,
            "consultee": finding.value,
            "name": attributes.get("consultee", ""),
            "statutory": attributes.get("statutory") == "yes",
            "status": self.status,
            "send": self.send,
            "checked": finding.code == CONSULTEE,
            "rules": [key for key in attributes.get("rules", "").split(", ") if key],
            "lists": attributes.get("lists", ""),
            "legal_basis": attributes.get("legal_basis", ""),
            "reason": attributes.get("reason", ""),
            "why": attributes.get("why", "") or finding.detail,
            "review": None
            if review is None
            else {
                "decision": review.decision,
                "reason": review.reason,
                "by": review.reviewer_name,
                "at": review.created_at.isoformat(),
                "carried_over": review.carried_from_id is not None,
            },
        }


def _status(finding: Finding) -> str:
    review = latest_review(finding)
    if review is None:
        return TO_CONFIRM if finding.code == CONSULTEE else NOT_CHECKED
    return DISMISSED if review.decision == ReviewDecision.REJECTED else CONFIRMED


def consultee_rows(application: PlanningApplication) -> list[ConsulteeRow]:
    """The current result's consultees, statutory ones first, then by name."""
    run = result_run_id(application)
    if run is None:
        return []
    findings = (
        Finding.objects.filter(run_id=run, code__in=(CONSULTEE, CONSULTEE_UNCHECKED))
        .prefetch_related("reviews")
        .order_by("id")
    )
    rows = [ConsulteeRow(finding, _status(finding)) for finding in findings]
    return sorted(
        rows,
        key=lambda row: (
            row.finding.code != CONSULTEE,
            row.finding.attributes.get("statutory") != "yes",
            row.finding.attributes.get("consultee", ""),
        ),
    )


CSV_HEADER = (
    "application_reference",
    "consultee",
    "consultee_name",
    "statutory",
    "status",
    "send",
    "rules",
    "lists",
    "legal_basis",
    "why",
    "reviewed_by",
    "reviewed_at",
    "review_reason",
)


def consultees_table(application: PlanningApplication) -> Table:
    def rows() -> Iterator[list]:
        for row in consultee_rows(application):
            data = row.as_dict()
            review = data["review"] or {}
            yield [
                application.reference,
                data["consultee"],
                data["name"],
                "yes" if data["statutory"] else "no",
                row.status,
                "yes" if row.send else "no",
                " ".join(data["rules"]),
                data["lists"],
                data["legal_basis"],
                data["why"],
                review.get("by", ""),
                review.get("at", ""),
                review.get("reason", ""),
            ]

    return Table("Consultees", CSV_HEADER, rows())


def consultees_section(application: PlanningApplication) -> list[dict]:
    """The application API's `consultees` section."""
    return [row.as_dict() for row in consultee_rows(application)]
