"""Runs that always finish, on a real worker: a run longer than its lease, a killed worker,
a task message lost with the broker, and the database dropping the worker's connection.

Each test measures how long recovery took and prints it (`pytest -s` shows the figures).
The leases and sweeps here are a few seconds so the suite stays fast; production's are
TRIAGE_RUN_LEASE_SECONDS=30 and TRIAGE_RECOVER_EVERY_SECONDS=15.
"""

import time

import pytest
from django.db import connection

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer, finding
from tests.worker import Worker, wait_for
from triage import runs
from triage.models import RunStatus, TriageRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STOREYS = ("json", {"findings": [finding("proposal.storeys", "3", "Three storeys are proposed")]})


def model_env(model_server, **extra) -> dict:
    return {
        "LLM_BASE_URL": model_server.base_url,
        "LLM_MODEL": "fake-model",
        "LLM_TIMEOUT_SECONDS": 60,
        "TRIAGE_DEFAULT_ENGINE": "llm",
        **extra,
    }


@pytest.fixture
def application():
    application = PlanningApplicationFactory()
    DocumentFactory(application=application, content=b"Three storeys are proposed on the site.")
    return application


def succeeded(run):
    return lambda: TriageRun.objects.filter(pk=run.pk, status=RunStatus.SUCCEEDED).exists()


def test_a_run_longer_than_its_lease_finishes_once_with_its_lease_renewed(queue, application):
    with FakeModelServer() as model_server:
        model_server.replies = [("sleep", 8), STOREYS]
        env = model_env(model_server, TRIAGE_RUN_LEASE_SECONDS=2, TRIAGE_RECOVER_EVERY_SECONDS=1)
        # Two workers, each sweeping every second: a lease that lapsed would be taken over.
        workers = [Worker(queue, beat=True, **env).start(), Worker(queue, **env).start()]
        try:
            run = runs.start_triage(application, engine="llm")
            wait_for(succeeded(run), 60, "the long run did not finish")
            time.sleep(3)  # a takeover would show now
        finally:
            for worker in workers:
                worker.stop()
    run.refresh_from_db()
    assert run.attempts == 1
    assert len(model_server.requests) == 1
    assert run.findings.filter(code="proposal.storeys").count() == 0  # the sleep's empty answer


def test_a_killed_workers_run_is_taken_over_once_its_lease_lapses(queue, application):
    with FakeModelServer() as model_server:
        model_server.replies = [("sleep", 30), STOREYS]
        # The broker would deliver the unacknowledged task again only after an hour: the
        # lease and the sweep must do it.
        env = model_env(
            model_server,
            TRIAGE_RUN_LEASE_SECONDS=3,
            TRIAGE_RECOVER_EVERY_SECONDS=2,
            CELERY_VISIBILITY_TIMEOUT=3600,
        )
        first = Worker(queue, **env).start()
        try:
            run = runs.start_triage(application, engine="llm")
            wait_for(lambda: len(model_server.requests) == 1, 60, "the run never reached the model")
        finally:
            first.kill()
        killed_at = time.monotonic()
        second = Worker(queue, beat=True, **env).start()
        try:
            wait_for(succeeded(run), 60, "the killed run was not taken over")
            recovered_in = time.monotonic() - killed_at
            time.sleep(2)
        finally:
            second.stop()
    run.refresh_from_db()
    print(f"\nkilled worker: recovered in {recovered_in:.1f} s (lease 3 s, sweep 2 s)")
    assert run.attempts == 2
    assert run.findings.filter(code="proposal.storeys").count() == 1
    assert recovered_in < 30


def test_a_run_whose_message_was_lost_is_sent_again(queue, application, monkeypatch):
    # The message never reaches the broker (it was down, or lost it on a restart).
    monkeypatch.setattr(runs.run_triage_task(), "apply_async", lambda *a, **k: None)
    run = runs.start_triage(application)
    monkeypatch.undo()
    assert TriageRun.objects.get(pk=run.pk).enqueued_at is not None
    started = time.monotonic()
    worker = Worker(
        queue, beat=True, TRIAGE_REENQUEUE_AFTER_SECONDS=2, TRIAGE_RECOVER_EVERY_SECONDS=1
    ).start()
    try:
        wait_for(succeeded(run), 60, "the lost run was not sent again")
        recovered_in = time.monotonic() - started
    finally:
        worker.stop()
    run.refresh_from_db()
    print(f"\nlost message: recovered in {recovered_in:.1f} s (grace 2 s, sweep 1 s)")
    assert run.attempts == 1
    assert recovered_in < 30


def test_a_run_survives_the_database_dropping_the_workers_connections(queue, application):
    with FakeModelServer() as model_server:
        model_server.replies = [("sleep", 3), STOREYS, STOREYS]
        env = model_env(model_server, TRIAGE_RUN_LEASE_SECONDS=3)
        worker = Worker(queue, **env).start()
        try:
            run = runs.start_triage(application, engine="llm")
            wait_for(lambda: len(model_server.requests) == 1, 60, "the run never reached the model")
            # What a PostgreSQL restart does to a worker: every connection it holds is cut.
            dropped = _drop_other_connections()
            assert dropped >= 1
            cut_at = time.monotonic()
            wait_for(succeeded(run), 60, "the run did not survive the dropped connections")
            recovered_in = time.monotonic() - cut_at
        finally:
            worker.stop()
    run.refresh_from_db()
    print(f"\ndropped connections: recovered in {recovered_in:.1f} s")
    assert run.status == RunStatus.SUCCEEDED
    assert TriageRun.objects.filter(application=application).count() == 1


def _drop_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
