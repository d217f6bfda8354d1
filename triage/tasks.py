"""Celery tasks: thin, ids in, everything else in triage.runs, triage.pipeline and
triage.document_text.

acks_late (the project default) means a task whose worker dies is delivered again; the run's
claim (a conditional UPDATE) makes that re-delivery safe: a finished run is left alone, and a run
another worker still holds is retried once its lease would have lapsed. A message lost with
the broker is sent again by the sweep (`recover_stuck_runs`), which a beat runs every
TRIAGE_RECOVER_EVERY_SECONDS.

Retried, with backoff and jitter: transient model-server failures (up to
TRIAGE_TASK_MAX_RETRIES) and database errors (a restart or failover; up to
TRIAGE_DATABASE_RETRIES, at most 30 s apart). Anything else ends the run visibly.
"""

import logging
import random

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from triage import document_text, pipeline, reruns, runs, summaries
from triage.extractors.base import TransientEngineError

DATABASE_ERRORS = (OperationalError, InterfaceError)
logger = logging.getLogger(__name__)


def _backoff(retries: int) -> float:
    base = settings.TRIAGE_RETRY_BACKOFF_SECONDS * (2**retries)
    return min(base, 3600) * random.uniform(0.8, 1.2)  # jitter: retries do not stampede


def _database_backoff(retries: int) -> float:
    return min(2.0 ** min(retries, 5), 30.0) * random.uniform(0.8, 1.2)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=None,
    # A hung run ends: the soft limit fails it with that reason, the hard limit (prefork
    # pools) stops its process.
    soft_time_limit=max(1, int(settings.TRIAGE_RUN_TIME_LIMIT_SECONDS * 0.9)),
    time_limit=settings.TRIAGE_RUN_TIME_LIMIT_SECONDS,
)
def run_triage(self, run_id: int) -> str:
    try:
        outcome = pipeline.execute_run(run_id)
    except TransientEngineError as error:
        # Only transient failures (model server down, timeouts) are retried, with backoff.
        if self.request.retries >= settings.TRIAGE_TASK_MAX_RETRIES:
            runs.fail_run(
                run_id,
                f"gave up after {self.request.retries} retries: {error}",
                kind="retries-exhausted",
            )
            return "failed"
        raise _retry(self, run_id, _backoff(self.request.retries), error) from error
    except DATABASE_ERRORS as error:
        runs.close_old_connections_now()
        if self.request.retries >= settings.TRIAGE_DATABASE_RETRIES:
            raise
        raise _retry(self, run_id, _database_backoff(self.request.retries), error) from error
    if not outcome.done:
        # Another worker holds the run; look again once its lease would have lapsed.
        raise _retry(self, run_id, outcome.retry_in or 1.0)
    return outcome.message


def _retry(task, run_id: int, countdown: float, error: Exception | None = None):
    try:
        runs.note_retry(run_id, countdown)
    except DATABASE_ERRORS:
        runs.close_old_connections_now()  # the sweep may send one copy too many: harmless
    return task.retry(exc=error, countdown=countdown, queue=settings.TRIAGE_TASK_QUEUE)


@shared_task(
    acks_late=True,
    # A database restart, or the document storage out of reach: both pass.
    autoretry_for=(*DATABASE_ERRORS, document_text.DocumentStorageUnavailable),
    retry_backoff=2,
    retry_backoff_max=30,
    max_retries=20,
    soft_time_limit=max(1, int(settings.TRIAGE_TEXT_TIME_LIMIT_SECONDS * 0.9)),
    time_limit=settings.TRIAGE_TEXT_TIME_LIMIT_SECONDS,
)
def read_document(document_id: int) -> str:
    """Read a newly stored document's text, so runs find its pages waiting."""
    try:
        return document_text.read_stored_document(document_id)
    except SoftTimeLimitExceeded:
        limit = settings.TRIAGE_TEXT_TIME_LIMIT_SECONDS
        document_text.give_up_reading(
            document_id, f"Reading the document took longer than its time limit ({limit} s)."
        )
        return "failed: time limit"


@shared_task(acks_late=True)
def recover_stuck_runs() -> int:
    try:
        return len(runs.recover_stuck_runs()) + len(runs.start_missing_runs())
    except DATABASE_ERRORS as error:
        # The database is away; the next sweep (seconds from now) looks again.
        runs.close_old_connections_now()
        logger.warning("sweep skipped, the database is unavailable: %s", error)
        return 0


@shared_task(acks_late=True)
def rerun_applications(application_ids: list[int], trigger: str) -> int:
    """Re-triage after a layer, policy or validation list changed: one batch now, the rest
    later (triage.reruns), so a reload never floods the workers."""
    remaining = reruns.rerun_batch(application_ids, trigger)
    if remaining:
        rerun_applications.apply_async(
            (remaining, trigger),
            countdown=settings.TRIAGE_RERUN_INTERVAL_SECONDS,
            queue=settings.TRIAGE_TASK_QUEUE,
        )
    return len(application_ids) - len(remaining)


@shared_task(acks_late=True)
def refresh_deadline_bands() -> int:
    """Move applications up the queue as their deadlines near (triage.summaries)."""
    refreshed = summaries.refresh_deadline_bands()
    if refreshed >= 500:
        refresh_deadline_bands.apply_async(queue=settings.TRIAGE_TASK_QUEUE)
    return refreshed
