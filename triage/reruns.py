"""Triage again the applications a change may affect, keeping every earlier run:

- a constraint layer reloaded: open applications whose site is within reach of the new layer,
  or whose current result has findings from that dataset (the old features);
- policies reloaded: open applications whose current result cites a policy the reload
  superseded, or that touch a constraint a new or changed policy governs;
- a validation list changed: open applications of that council (every council, for the national
  list) that are not valid yet, the ones validation is still about;
- a consultation list changed: open applications of that council (every council, for the
  national list);
- a council's site history reloaded: its open applications with a site.

(A new document re-triages its application at once: triage.runs.start_triage_for_new_
document.) Re-runs are started in the background, a batch at a time (TRIAGE_RERUN_BATCH every
TRIAGE_RERUN_INTERVAL_SECONDS), so a national reload never floods the workers or the model
server; an application that already has a run waiting to start is skipped.
"""

from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from geo import services as geo_services
from planning.models import OPEN_STATUSES, PlanningApplication
from policies.models import Policy, PolicyFramework
from policies.vocabulary import CONSTRAINT_KINDS
from triage import runs
from triage.models import Finding, RunStatus, TriageRun

# What a policy's topic governs, as constraint kinds (policies.vocabulary).
TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "conservation-area": ("conservation-area",),
    "listed-building": ("listed-building", "listed-building-setting"),
    "heritage": ("conservation-area", "listed-building", "scheduled-monument"),
    "archaeology": ("scheduled-monument",),
    "green-belt": ("green-belt",),
    "flood-risk": ("flood-zone",),
    "trees": ("protected-trees",),
    "ecology": ("ecology",),
    "article-4": ("article-4",),
}


def _open(council_id: int | None = None) -> QuerySet[PlanningApplication]:
    applications = PlanningApplication.objects.filter(status__in=OPEN_STATUSES)
    return applications.filter(council_id=council_id) if council_id else applications


def _current_results(applications: QuerySet[PlanningApplication]) -> QuerySet:
    return applications.filter(triage__result_run__isnull=False).values("triage__result_run_id")


def affected_by_layer(dataset: str, source: str) -> list[int]:
    applications = _open().filter(site__isnull=False)
    near = geo_services.within_reach_of_layer(applications, "site", dataset=dataset, source=source)
    had = Finding.objects.filter(run_id__in=_current_results(_open()), dataset=dataset).values_list(
        "application_id", flat=True
    )
    return sorted(set(near.values_list("id", flat=True)) | set(had))


def affected_by_policies(
    framework: PolicyFramework, superseded: Iterable[int], added: Iterable[int]
) -> list[int]:
    applications = _open(framework.council_id)
    cited = Finding.objects.filter(
        run_id__in=_current_results(applications), policy_id__in=list(superseded)
    ).values_list("application_id", flat=True)
    topics = {topic for row in Policy.objects.filter(pk__in=list(added)) for topic in row.topics}
    datasets = sorted(
        {
            dataset
            for topic in topics
            for kind in TOPIC_KINDS.get(topic, ())
            for dataset in CONSTRAINT_KINDS[kind][1]
        }
    )
    touching = applications.filter(triage__constraint_datasets__overlap=datasets)
    return sorted(set(cited) | set(touching.values_list("id", flat=True)))


def affected_by_requirements(council_id: int | None) -> list[int]:
    applications = _open(council_id).filter(valid_date__isnull=True, triage__isnull=False)
    return list(applications.order_by("id").values_list("id", flat=True))


def affected_by_consultations(council_id: int | None) -> list[int]:
    """A consultation list changed: the open applications of that council (every council's,
    for the national list) that triage has seen; consultations are sent while a case is open."""
    applications = _open(council_id).filter(triage__isnull=False)
    return list(applications.order_by("id").values_list("id", flat=True))


def affected_by_history(council_id: int) -> list[int]:
    """A council's site history reloaded: its open applications that have a site and have
    been triaged (the score counts refusals on the site)."""
    applications = _open(council_id).filter(site__isnull=False, triage__isnull=False)
    return list(applications.order_by("id").values_list("id", flat=True))


def schedule(application_ids: list[int], trigger: str) -> None:
    """Re-triage these applications in the background, once the change has committed."""
    if not application_ids:
        return
    # Looked up by name: triage.tasks imports this module, never the other way round.
    rerun_applications = current_app.tasks["triage.tasks.rerun_applications"]
    transaction.on_commit(
        lambda: rerun_applications.apply_async(
            (application_ids, trigger[:100]), queue=settings.TRIAGE_TASK_QUEUE
        )
    )


def rerun_batch(application_ids: list[int], trigger: str, batch: int | None = None) -> list[int]:
    """Start runs for the first `batch` applications (still open, with no run waiting to
    start) and return the ids left for later."""
    batch = batch or settings.TRIAGE_RERUN_BATCH
    now, later = application_ids[:batch], application_ids[batch:]
    waiting = set(
        TriageRun.objects.filter(
            application_id__in=now, status=RunStatus.QUEUED, attempts=0
        ).values_list("application_id", flat=True)
    )
    for application in _open().filter(pk__in=now).exclude(pk__in=waiting).order_by("id"):
        runs.start_triage(application, trigger=trigger)
    return later
