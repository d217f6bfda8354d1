"""The recovery lane: the sweep and the runs it takes over have a queue and a worker of their
own, so a dead worker's run is taken over while every triage worker is busy, in the time the
lease and the sweep allow, not once the queue's backlog has drained. On real workers."""

import time

import pytest

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer, finding, model_env
from tests.triage.test_recovery import report, succeeded
from tests.worker import Worker, wait_for
from triage import runs
from triage.models import RunStatus, TriageRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STOREYS = ("json", {"findings": [finding("proposal.storeys", "3", "Three storeys are proposed")]})


def an_application():
    application = PlanningApplicationFactory()
    DocumentFactory(application=application, content=b"Three storeys are proposed on the site.")
    return application


def test_a_dead_workers_run_is_taken_over_while_the_triage_queue_is_busy(queue, settings, request):
    recovery = f"{queue}-recovery"
    settings.TRIAGE_RECOVERY_QUEUE = recovery
    with FakeModelServer() as model_server:
        # The first run's worker dies mid-answer; the second keeps the other worker busy for a
        # minute, with a third run queued behind it; the first's takeover gets its answer.
        model_server.replies = [("sleep", 60), ("sleep", 60), STOREYS, STOREYS]
        env = model_env(
            model_server,
            TRIAGE_RECOVERY_QUEUE=recovery,
            TRIAGE_RUN_LEASE_SECONDS=3,
            TRIAGE_RECOVER_EVERY_SECONDS=1,
            CELERY_VISIBILITY_TIMEOUT=3600,
        )
        doomed = Worker(queue, **env).start()
        lane = Worker(queue, beat=True, consume=[recovery], **env).start()
        busy = Worker(queue, **env)
        try:
            # One worker at a time, so the doomed worker is the one that takes the first run.
            killed_run = runs.start_triage(an_application(), engine="llm")
            wait_for(lambda: len(model_server.requests) == 1, 120, "the first run never started")
            busy.start()
            busy_run = runs.start_triage(an_application(), engine="llm")
            wait_for(lambda: len(model_server.requests) == 2, 120, "the second run never started")
            waiting_run = runs.start_triage(an_application(), engine="llm")
            doomed.kill()
            killed_at = time.monotonic()

            wait_for(succeeded(killed_run), 30, "the dead worker's run was not taken over")
            recovered_in = time.monotonic() - killed_at
            # Taken over ahead of the queue: the busy worker is still on its run, and the run
            # queued behind it has not started.
            assert TriageRun.objects.get(pk=busy_run.pk).status == RunStatus.RUNNING
            assert TriageRun.objects.get(pk=waiting_run.pk).status == RunStatus.QUEUED
        finally:
            for worker in (doomed, busy, lane):
                worker.kill()
    killed_run.refresh_from_db()
    report(request, "worker killed, queue busy", recovered_in, "lease 3 s, sweep 1 s")
    assert killed_run.attempts == 2
    assert killed_run.findings.filter(code="proposal.storeys").count() == 1
