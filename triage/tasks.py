"""Celery tasks: thin, ids in, everything else in triage.services.

acks_late (the project default) means a task whose worker dies is delivered again; the run's
claim (a conditional UPDATE) makes that re-delivery safe: a finished run is left alone, and a run
another worker still holds is retried once its claim would have lapsed.
"""

import random

from celery import shared_task
from django.conf import settings

from triage import reruns, services, summaries
from triage.extractors.base import TransientEngineError


def _backoff(retries: int) -> float:
    base = settings.TRIAGE_RETRY_BACKOFF_SECONDS * (2**retries)
    return min(base, 3600) * random.uniform(0.8, 1.2)  # jitter: retries do not stampede


@shared_task(bind=True, acks_late=True, max_retries=None)
def run_triage(self, run_id: int) -> str:
    try:
        outcome = services.execute_run(run_id)
    except TransientEngineError as error:
        # Only transient failures (model server down, timeouts) are retried, with backoff.
        if self.request.retries >= settings.TRIAGE_TASK_MAX_RETRIES:
            services.fail_run(run_id, f"gave up after {self.request.retries} retries: {error}")
            return "failed"
        raise self.retry(
            exc=error, countdown=_backoff(self.request.retries), queue=settings.TRIAGE_TASK_QUEUE
        ) from error
    if not outcome.done:
        # Another worker holds the run; look again once its claim would have lapsed.
        raise self.retry(countdown=outcome.retry_in, queue=settings.TRIAGE_TASK_QUEUE)
    return outcome.message


@shared_task(acks_late=True)
def recover_stuck_runs() -> int:
    return len(services.recover_stuck_runs()) + len(services.start_missing_runs())


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
