"""Each application's standing in triage (TriageSummary), kept in step with its runs.

The queue reads lanes, scores and constraint datasets from this one row per application
instead of finding the newest run of every application on every page load. A summary's lane and
score are its result run's with the determination deadline counted as it stands today: an
application whose deadline comes within reach moves up the queue when its summary is refreshed
(`refresh_deadline_bands`, run periodically), without being triaged again.
"""

import datetime

from django.db.models import F
from django.utils import timezone

from planning import deadlines
from planning.models import CLOSED_STATUSES, PlanningApplication
from triage.checks import deadline_reason, with_deadline
from triage.models import (
    LANE_RANK,
    UNTRIAGED_RANK,
    Finding,
    FindingSource,
    RunStatus,
    TriageRun,
    TriageSummary,
)


def touching_datasets(run: TriageRun) -> list[str]:
    """Constraint datasets that really touch the site in a run (grazes and near misses apart)."""
    datasets = (
        Finding.objects.filter(run=run, source=FindingSource.SPATIAL, grazes=False)
        .exclude(relation="nearby")
        .values_list("dataset", flat=True)
    )
    return sorted(set(datasets))


def _band(application: PlanningApplication | None, today: datetime.date) -> str:
    """The deadline band the score counts: an open application with no valid date has no clock
    running yet, as a decided one has none."""
    if application is None:
        return deadlines.DeadlineBand.NO_CLOCK
    return deadlines.band(
        application.determination_deadline,
        today,
        is_open=application.status not in CLOSED_STATUSES,
    )


def refresh_summary(
    application: PlanningApplication | int, *, today: datetime.date | None = None
) -> TriageSummary:
    """Recompute the application's summary from its runs and its deadline. Call it in the
    transaction that changed a run, so the two never disagree once committed."""
    application_id = application if isinstance(application, int) else application.pk
    today = today or timezone.localdate()
    runs = TriageRun.objects.filter(application_id=application_id).order_by("-version")
    latest = runs.first()
    result = runs.filter(status=RunStatus.SUCCEEDED).first()
    record = (
        PlanningApplication.objects.filter(pk=application_id)
        .only("status", "determination_deadline")
        .first()
    )
    band = _band(record, today) if result else ""
    lane, score = ("", 0)
    if result:
        lane, score = with_deadline(result.lane, result.priority_score or 0, band)
    summary, _ = TriageSummary.objects.update_or_create(
        application_id=application_id,
        defaults={
            "latest_run": latest,
            "latest_status": latest.status if latest else "",
            "result_run": result,
            "lane": lane,
            "team": result.team if result else "",
            "lane_rank": LANE_RANK.get(lane, UNTRIAGED_RANK) if result else UNTRIAGED_RANK,
            "priority_score": score,
            "deadline_band": band,
            "constraint_datasets": touching_datasets(result) if result else [],
        },
    )
    return summary


def current_reasons(summary: TriageSummary | None, application: PlanningApplication) -> list[str]:
    """Why the application stands where it does: its result's reasons, and its deadline's."""
    if summary is None or summary.result_run is None:
        return []
    reasons = list(summary.result_run.reasons or [])
    extended = application.determination_deadline != application.statutory_deadline
    deadline = deadline_reason(
        summary.deadline_band or deadlines.DeadlineBand.NO_CLOCK, extended=extended
    )
    return [deadline, *reasons] if deadline else reasons


def refresh_deadline_bands(*, today: datetime.date | None = None, batch: int = 500) -> int:
    """Refresh the summaries whose deadline band has changed since they were computed (days
    passed, a valid date or an extension was recorded, the application was decided). Returns
    how many were refreshed; call it again until it returns less than `batch`."""
    today = today or timezone.localdate()
    band = deadlines.band_case(today, prefix="application__", not_valid_apart=False)
    stale = (
        TriageSummary.objects.filter(result_run__isnull=False)
        .annotate(band_now=band)
        .exclude(deadline_band=F("band_now"))
        .values_list("application_id", flat=True)[:batch]
    )
    ids = list(stale)
    for application_id in ids:
        refresh_summary(application_id, today=today)
    return len(ids)


def result_run_id(application: PlanningApplication) -> int | None:
    """The id of the run whose findings are the application's current result."""
    return (
        TriageSummary.objects.filter(application=application)
        .values_list("result_run_id", flat=True)
        .first()
    )
