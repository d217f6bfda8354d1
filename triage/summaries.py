"""Each application's standing in triage (TriageSummary), kept in step with its runs.

The queue reads lanes, scores and constraint datasets from this one row per application
instead of finding the newest run of every application on every page load.
"""

from planning.models import PlanningApplication
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


def refresh_summary(application: PlanningApplication | int) -> TriageSummary:
    """Recompute the application's summary from its runs. Call it in the transaction that
    changed a run, so the two never disagree once committed."""
    application_id = application if isinstance(application, int) else application.pk
    runs = TriageRun.objects.filter(application_id=application_id).order_by("-version")
    latest = runs.first()
    result = runs.filter(status=RunStatus.SUCCEEDED).first()
    summary, _ = TriageSummary.objects.update_or_create(
        application_id=application_id,
        defaults={
            "latest_run": latest,
            "latest_status": latest.status if latest else "",
            "result_run": result,
            "lane": result.lane if result else "",
            "lane_rank": LANE_RANK.get(result.lane, UNTRIAGED_RANK) if result else UNTRIAGED_RANK,
            "priority_score": (result.priority_score or 0) if result else 0,
            "constraint_datasets": touching_datasets(result) if result else [],
        },
    )
    return summary


def result_run_id(application: PlanningApplication) -> int | None:
    """The id of the run whose findings are the application's current result."""
    return (
        TriageSummary.objects.filter(application=application)
        .values_list("result_run_id", flat=True)
        .first()
    )
