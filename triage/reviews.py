"""Officers' work on findings: reviews (accept, reject, amend), findings officers add, and
reviews carried over when a re-run finds the same thing again.

An officer's review is never lost and never lands on different evidence:
- a review is checked against the review the officer saw (`expected_review`): if someone
  else reviewed the finding meanwhile, nothing is saved and the caller is told who did what;
- a review of a finding from a run that has since been replaced goes to the same finding
  (same code, value and evidence) in the current result, or is refused when there is none;
- when a run finishes, each finding it has in common with the previous result inherits
  that finding's latest review, marked as carried over.
Both paths lock the application row first, so they never interleave.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from planning.models import PlanningApplication, User
from planning.services import Actor, record_event
from triage import finding_specs
from triage.models import Finding, FindingReview, FindingSource, ReviewDecision, TriageRun
from triage.summaries import result_run_id
from triage.vocabulary import FindingCode, Origin, Strength

# The default of `expected_review`: the caller (an API client, a script) does not say which
# review it saw, so no check is made. Pages always say.
UNCHECKED: Any = object()

# Codes an officer may add, named as the finding specs name them (the flood zone with the
# zones that make it a constraint). Values follow triage.vocabulary's canonical forms.
_OFFICER_CONSTRAINTS = (
    FindingCode.CONSERVATION_AREA,
    FindingCode.LISTED_BUILDING,
    FindingCode.TREE_PRESERVATION_ORDER,
    FindingCode.FLOOD_ZONE,
    FindingCode.GREEN_BELT,
    FindingCode.ARTICLE_4,
)
OFFICER_FINDING_CODES = {
    **{
        code.value: finding_specs.label(code)
        + (" 2 or 3" if code == FindingCode.FLOOD_ZONE else "")
        for code in _OFFICER_CONSTRAINTS
    },
    "officer.other_constraint": "Another constraint",
    "officer.note": "Something else the engines missed",
}


class ReviewInvalid(ValueError):
    """A review the officer must correct: `field` names the form field at fault."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class ReviewConflict(Exception):
    """Someone else reviewed the finding after the officer's page was drawn."""

    def __init__(self, current: FindingReview):
        when = current.created_at.astimezone().strftime("%-d %B %Y at %H:%M")
        super().__init__(
            f"{current.reviewer_name} {current.get_decision_display().lower()} this finding "
            f"on {when} while you were reviewing it. Your review was not saved: read theirs, "
            "then review it again if you still disagree."
        )
        self.current = current


class FindingReplaced(Exception):
    """The finding belongs to a run that triage has since replaced, and the new result does
    not contain the same finding: a review would be about evidence no longer shown."""


def evidence_key(finding: Finding) -> tuple:
    """What makes two findings "the same finding": code, value and the evidence itself."""
    return (
        finding.code,
        finding.value,
        finding.source,
        finding.document_id,
        finding.page_number,
        finding.quote,
        finding.dataset,
        finding.layer_source,
        finding.entity,
        finding.relation,
        # A conflict judged against another version of the policy is another finding.
        finding.policy_id,
        # Cross-checks carry their evidence in words.
        finding.title if finding.source == FindingSource.CHECK else "",
    )


def latest_review(finding: Finding) -> FindingReview | None:
    """The finding's review state. Uses prefetched reviews when they are there."""
    reviews = list(finding.reviews.all())
    return max(reviews, key=lambda review: (review.created_at, review.id), default=None)


def _validated(decision: str, reason: str, amended_value: str) -> ReviewDecision:
    if decision not in ReviewDecision.values:
        raise ReviewInvalid("Choose accept, reject or amend.", "decision")
    chosen = ReviewDecision(decision)
    if chosen == ReviewDecision.AMENDED and not amended_value.strip():
        raise ReviewInvalid("Enter the corrected value.", "amended_value")
    if chosen != ReviewDecision.AMENDED and amended_value.strip():
        raise ReviewInvalid("Only an amendment carries a corrected value.", "amended_value")
    if chosen != ReviewDecision.ACCEPTED and not reason.strip():
        word = "rejecting" if chosen == ReviewDecision.REJECTED else "amending"
        raise ReviewInvalid(f"Enter your reason for {word} the finding.", "reason")
    if len(amended_value) > 64:
        raise ReviewInvalid("The corrected value must be 64 characters or fewer.", "amended_value")
    if len(reason) > 5000:
        raise ReviewInvalid("The reason must be 5,000 characters or fewer.", "reason")
    return chosen


def _lineage(review: FindingReview | None) -> set[int | None]:
    """The review and those it was carried over from: an officer who saw any of them saw it."""
    if review is None:
        return {None}
    ids: set[int | None] = set()
    while review is not None and review.pk not in ids:
        ids.add(review.pk)
        review = review.carried_from
    return ids


def _current_counterpart(finding: Finding) -> Finding:
    """The finding itself when it is part of the current result (or an officer's), else the
    same finding in the current result."""
    if finding.run_id is None:
        return finding
    current_run = result_run_id(finding.application)
    if finding.run_id == current_run:
        return finding
    key = evidence_key(finding)
    for candidate in Finding.objects.filter(run_id=current_run, code=finding.code):
        if evidence_key(candidate) == key:
            return candidate
    raise FindingReplaced(
        "Triage ran again while you were reviewing, and its new result does not contain this "
        "finding with the same evidence. Your review was not saved: review the new result."
    )


@transaction.atomic
def review_finding(
    finding: Finding,
    *,
    decision: str,
    reviewer_name: str,
    reviewer: User | None = None,
    reason: str = "",
    amended_value: str = "",
    expected_review: int | None = UNCHECKED,
) -> FindingReview:
    """Record an officer's decision about a finding; the finding itself is never edited.

    `expected_review` is the id of the latest review the officer saw (None: they saw none).
    Raises ReviewInvalid, ReviewConflict or FindingReplaced, saving nothing.
    """
    chosen = _validated(decision, reason, amended_value)
    PlanningApplication.objects.select_for_update().only("id").get(pk=finding.application_id)
    target = _current_counterpart(finding)
    current = latest_review(target)
    if expected_review is not UNCHECKED and expected_review not in _lineage(current):
        assert current is not None  # a review exists that the officer did not see
        raise ReviewConflict(current)
    review = FindingReview.objects.create(
        finding=target,
        decision=chosen,
        amended_value=amended_value.strip(),
        reason=reason.strip(),
        reviewer=reviewer,
        reviewer_name=reviewer_name,
    )
    summary = f"{chosen.label}: {target.title}"
    if chosen == ReviewDecision.AMENDED:
        summary = f"Amended to {review.amended_value}: {target.title}"
    record_event(
        target.application,
        "finding_reviewed",
        summary,
        actor=Actor(reviewer_name, reviewer),
        detail={"finding": target.pk, "decision": chosen.value, "reason": review.reason},
    )
    return review


@transaction.atomic
def add_officer_finding(
    application: PlanningApplication, *, code: str, title: str, detail: str, officer: User
) -> Finding:
    """A finding the engines missed, recorded as the officer's own. It stays with the
    application whatever later runs find."""
    if code not in OFFICER_FINDING_CODES:
        raise ReviewInvalid("Choose what kind of finding this is.", "code")
    if not title.strip():
        raise ReviewInvalid("Enter what you found.", "title")
    if len(title) > 300:
        raise ReviewInvalid("What you found must be 300 characters or fewer.", "title")
    if not detail.strip():
        raise ReviewInvalid(
            "Enter the evidence: where this comes from, so another officer can check it.",
            "detail",
        )
    PlanningApplication.objects.select_for_update().only("id").get(pk=application.pk)
    finding = Finding.objects.create(
        application=application,
        run=None,
        created_by=officer,
        code=code,
        value="present" if code.startswith("constraint.") else "",
        title=title.strip(),
        detail=detail.strip(),
        source=FindingSource.OFFICER,
        origin=Origin.OFFICER,
        engine="officer",
        strength=Strength.OFFICER,
    )
    record_event(
        application,
        "finding_added",
        f"Finding added: {finding.title}",
        actor=Actor.of(officer),
        detail={"finding": finding.pk},
    )
    return finding


def carry_over_reviews(previous: TriageRun | None, findings: Iterable[Finding]) -> int:
    """Give each new finding the latest review of the same finding in the previous result.
    Runs inside the transaction that finishes the new run. Returns how many were carried."""
    if previous is None:
        return 0
    reviewed: dict[tuple, FindingReview] = {}
    for old in Finding.objects.filter(run=previous).prefetch_related("reviews"):
        review = latest_review(old)
        if review is not None:
            reviewed[evidence_key(old)] = review
    carried = [
        FindingReview(
            finding=finding,
            decision=review.decision,
            amended_value=review.amended_value,
            reason=review.reason,
            reviewer=review.reviewer,
            reviewer_name=review.reviewer_name,
            carried_from=review,
        )
        for finding in findings
        if (review := reviewed.get(evidence_key(finding))) is not None
    ]
    FindingReview.objects.bulk_create(carried)
    return len(carried)
