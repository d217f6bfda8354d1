"""A triage run's life: made and sent, claimed under a lease, handed back, given up, and the
sweep that sends again whatever lost its message or its worker.

`start_triage` makes a new version (queued) and enqueues it on commit; `claim_run` takes it with
a conditional UPDATE (so two workers never do the same run). The claim is a short lease that a
thread renews while the run works; a worker killed mid-run stops renewing, and once the lease
lapses `recover_stuck_runs` (every few seconds) sends the task again and a worker takes the run
over. A run that has finished is never touched again: re-delivery does nothing. The work itself
is triage.pipeline's.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from planning.models import ApplicationStatus, Document, PlanningApplication
from planning.services import Actor, record_event
from triage import metrics
from triage.engines import check_engine
from triage.models import RunReading, RunStatus, TriageRun, TriageSummary
from triage.summaries import refresh_summary

logger = logging.getLogger(__name__)

TRIAGE_ACTOR = Actor("triage")


def start_triage(
    application: PlanningApplication, *, engine: str | None = None, trigger: str = ""
) -> TriageRun:
    """A new run version for the application, queued and enqueued once this transaction commits.
    Earlier versions are kept."""
    engine = check_engine(engine or settings.TRIAGE_DEFAULT_ENGINE)
    with transaction.atomic():
        # Locking the application serialises version numbers for it.
        PlanningApplication.objects.select_for_update().only("id").get(pk=application.pk)
        latest = application.triage_runs.aggregate(latest=Max("version"))["latest"] or 0
        run = TriageRun.objects.create(
            application=application, version=latest + 1, engine=engine, trigger=trigger[:100]
        )
        refresh_summary(application.pk)
        transaction.on_commit(lambda: enqueue_run(run.pk))
    return run


def start_triage_for_new_document(document: Document) -> TriageRun | None:
    """A document arrived: re-triage, unless a run that has not started yet will read it anyway."""
    waiting = TriageRun.objects.filter(
        application_id=document.application_id, status=RunStatus.QUEUED, attempts=0
    ).exists()
    if waiting:
        return None
    return start_triage(document.application, trigger=f"document added: {document}")


def enqueue_run(run_id: int, *, queue: str | None = None) -> None:
    """Send the run's task (to the triage queue unless `queue` is named). Noted on the run
    first, so that if the broker never gets the message (it is down) the sweep sends it again
    once TRIAGE_REENQUEUE_AFTER_SECONDS pass; a broker that cannot be reached is therefore
    logged, not raised to whoever started the run."""
    TriageRun.objects.filter(pk=run_id).update(
        enqueued_at=timezone.now(), enqueues=F("enqueues") + 1
    )
    try:
        run_triage_task().apply_async((run_id,), queue=queue or settings.TRIAGE_TASK_QUEUE)
    except BrokerUnavailable as error:
        logger.warning("run %s not sent (the sweep will send it): %s", run_id, error)


def run_triage_task():
    """The registered Celery task, looked up by its name: triage.tasks imports this module, so
    this module never imports triage.tasks (dependencies point one way, even inside functions)."""
    return current_app.tasks["triage.tasks.run_triage"]


def lease() -> timedelta:
    return timedelta(seconds=settings.TRIAGE_RUN_LEASE_SECONDS)


def claim_run(run_id: int) -> TriageRun | None:
    """Take the run if it is queued, or running past its lease (its worker died). The
    conditional UPDATE's row count decides: exactly one claimant wins. A run taken over
    TRIAGE_RUN_MAX_ATTEMPTS times fails instead: whatever kills its workers would again."""
    now = timezone.now()
    lapsed = Q(status=RunStatus.RUNNING, deadline__lt=now)
    exhausted = TriageRun.objects.filter(
        lapsed, pk=run_id, attempts__gte=settings.TRIAGE_RUN_MAX_ATTEMPTS
    )
    reason = (
        f"Its worker stopped (killed, or out of time or memory) on each of "
        f"{settings.TRIAGE_RUN_MAX_ATTEMPTS} attempts; not tried again."
    )
    with transaction.atomic():
        if exhausted.update(status=RunStatus.FAILED, finished_at=now, error=reason):
            record_failure(TriageRun.objects.get(pk=run_id), reason, kind="worker-lost")
            return None
    claimable = Q(status=RunStatus.QUEUED) | lapsed
    claimed = TriageRun.objects.filter(claimable, pk=run_id).update(
        status=RunStatus.RUNNING,
        deadline=now + lease(),
        attempts=F("attempts") + 1,
        started_at=now,
    )
    if claimed != 1:
        return None
    run = TriageRun.objects.select_related("application").get(pk=run_id)
    TriageSummary.objects.filter(application_id=run.application_id, latest_run_id=run.pk).update(
        latest_status=RunStatus.RUNNING
    )
    return run


@contextmanager
def keeping_the_lease(run: TriageRun) -> Iterator[None]:
    """Renew the run's lease every third of TRIAGE_RUN_LEASE_SECONDS while the block runs.

    A thread does it, so a long page of OCR or a slow model answer renews it too; it stops
    with the block, or when the run is no longer this claim's. If its worker dies, renewals
    stop with it and the lease lapses within TRIAGE_RUN_LEASE_SECONDS. Celery's hard time
    limit bounds a run that hangs while its lease is kept.
    """
    stop = threading.Event()
    interval = settings.TRIAGE_RUN_LEASE_SECONDS / 3

    def renew() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not owned(run).update(deadline=timezone.now() + lease()):
                        return  # taken over, or finished: nothing left to keep
                except DatabaseError as error:
                    # The database is away: try again, the lease may still be saved.
                    logger.warning("could not renew the lease of run %s: %s", run.pk, error)
                    close_old_connections_now()
        finally:
            connection.close()

    keeper = threading.Thread(target=renew, name=f"lease-run-{run.pk}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join(timeout=interval + 5)


def close_old_connections_now() -> None:
    """Drop this thread's database connection so the next query opens a fresh one."""
    with suppress(DatabaseError):
        connection.close()


def owned(run: TriageRun):
    """The run, only while this claim still holds it (same attempt, still running)."""
    return TriageRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts)


def finish_failed(run: TriageRun, reason: str, *, kind: str = "error") -> None:
    """Fail the run while this claim holds it. `kind` names the failure for the metrics
    (time-limit, engine, error ...); `reason` says it for people."""
    with transaction.atomic():
        failed = owned(run).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=reason[:2000]
        )
        if failed:
            record_failure(run, reason, kind=kind)


def record_failure(run: TriageRun, reason: str, *, kind: str = "error") -> None:
    metrics.observe_run_failed(kind)
    if run.created_at:
        waited = (timezone.now() - run.created_at).total_seconds()
        metrics.observe_run_finished(waited, RunStatus.FAILED, run.engine)
    RunReading.objects.filter(run_id=run.pk).delete()
    refresh_summary(run.application_id)
    record_event(
        PlanningApplication(pk=run.application_id),
        "triage_failed",
        f"Triage v{run.version} failed: {reason}",
        actor=TRIAGE_ACTOR,
        detail={"run": run.pk, "version": run.version},
    )


def release(run: TriageRun, reason: str) -> None:
    """Hand the run back to the queue after a transient failure, so the retry can claim it."""
    with transaction.atomic():
        owned(run).update(status=RunStatus.QUEUED, deadline=None, error=reason[:2000])
        refresh_summary(run.application_id)


def note_retry(run_id: int, countdown: float) -> None:
    """The run's task will be delivered again in `countdown` seconds: the sweep waits for it."""
    TriageRun.objects.filter(pk=run_id).update(
        enqueued_at=timezone.now() + timedelta(seconds=countdown)
    )


def fail_run(run_id: int, reason: str, *, kind: str = "error") -> None:
    """Give up on a run that is not finished (e.g. retries exhausted)."""
    with transaction.atomic():
        run = TriageRun.objects.filter(pk=run_id).first()
        failed = (
            TriageRun.objects.filter(pk=run_id)
            .exclude(status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED])
            .update(status=RunStatus.FAILED, finished_at=timezone.now(), error=reason[:2000])
        )
        if failed and run is not None:
            record_failure(run, reason, kind=kind)


def recover_stuck_runs() -> list[int]:
    """Send the task again for every run that seems to have lost it: running past its lease
    (its worker died), or queued with no sign of its message TRIAGE_REENQUEUE_AFTER_SECONDS
    after it was due (the broker lost it). Returns the run ids sent.

    A run is sent again only when its last send is older than the grace period doubled for
    each send before (capped at 64 times), so a long backlog is not flooded with copies of
    the same runs at every sweep; a claim makes any copy that does arrive harmless.
    """
    now = timezone.now()
    grace = settings.TRIAGE_REENQUEUE_AFTER_SECONDS
    lapsed = Q(status=RunStatus.RUNNING, deadline__lt=now)
    waiting = Q(status=RunStatus.QUEUED)
    candidates = TriageRun.objects.filter(lapsed | waiting).values_list(
        "pk", "status", "enqueued_at", "enqueues", "created_at"
    )
    due = []
    for run_id, status, enqueued_at, enqueues, created_at in candidates.iterator():
        last_sent = enqueued_at or created_at
        if status == RunStatus.RUNNING:
            # The lease has lapsed: the message (if any) is unacknowledged in a dead worker.
            wait = 0.0 if enqueues <= 1 else grace * 2 ** min(enqueues - 1, 6)
        else:
            wait = grace * 2 ** min(max(enqueues - 1, 0), 6)
        if last_sent < now - timedelta(seconds=wait):
            due.append((run_id, enqueued_at, status == RunStatus.RUNNING))
    sent = []
    for run_id, enqueued_at, taken_over in due:
        # Conditional on the send we saw: two sweeps at once send one copy, not two.
        if TriageRun.objects.filter(pk=run_id, enqueued_at=enqueued_at).update(enqueued_at=now):
            # A dead worker's run goes to the recovery lane, ahead of the queue's backlog; a
            # queued run whose message was lost takes its turn in the triage queue again.
            enqueue_run(run_id, queue=settings.TRIAGE_RECOVERY_QUEUE if taken_over else None)
            sent.append(run_id)
    return sent


def start_missing_runs(*, older_than_seconds: int = 120, batch: int = 200) -> list[int]:
    """Start triage for open applications that never got a run: the event sent after their
    submission was lost (the broker or database failed at that moment). Returns the new run ids.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    orphans = (
        PlanningApplication.objects.filter(created_at__lt=cutoff, triage_runs__isnull=True)
        .exclude(status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.DETERMINED])
        .order_by("created_at")[:batch]
    )
    return [start_triage(application, trigger="sweep: no run found").pk for application in orphans]


# --- Reading results and recording reviews ----------------------------------------------------


def latest_run(application: PlanningApplication) -> TriageRun | None:
    return application.triage_runs.order_by("-version").first()


def latest_finished_run(application: PlanningApplication) -> TriageRun | None:
    return application.triage_runs.filter(status=RunStatus.SUCCEEDED).order_by("-version").first()
