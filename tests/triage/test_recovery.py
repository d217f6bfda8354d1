"""Runs that always finish, on a real worker: a run longer than its lease, a killed worker,
a task message lost with the broker, the database dropping the worker's connection, the
broker (a Redis of the test's own) going down, and the database refusing every connection.

Each test measures how long recovery took, prints it (`pytest -s` shows the figures) and
records it as a property of the test (in the JUnit XML report). The leases and sweeps here are
a few seconds so the suite stays fast; production's are TRIAGE_RUN_LEASE_SECONDS=15,
TRIAGE_RECOVER_EVERY_SECONDS=5 and TRIAGE_REENQUEUE_AFTER_SECONDS=15 (test_recovery_lane.py).

Every wait for something to happen waits for it (`wait_for`). Two kinds of fixed pause remain,
and neither waits for a state: an outage's length (the fault being tested), and, after a run
has finished, a window of a few sweeps in which a second copy would have shown itself. That
absence has no event to wait for; on a slow machine the window only makes the check weaker,
never the test fail.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer, finding, model_env
from tests.worker import Worker, wait_for
from triage import runs
from triage.models import Finding, RunStatus, TriageRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STOREYS_ANSWER = {"findings": [finding("proposal.storeys", "3", "Three storeys are proposed")]}
STOREYS = ("json", STOREYS_ANSWER)


@pytest.fixture
def application():
    application = PlanningApplicationFactory()
    DocumentFactory(application=application, content=b"Three storeys are proposed on the site.")
    return application


def succeeded(*runs):
    return lambda: (
        TriageRun.objects.filter(
            pk__in=[run.pk for run in runs], status=RunStatus.SUCCEEDED
        ).count()
        == len(runs)
    )


def report(request, what: str, seconds: float, detail: str) -> None:
    """Print the recovery time and keep it with the test's report (its user_properties, which
    the JUnit XML report writes out)."""
    name = f"{what.replace(' ', '_')}_recovery_seconds"
    request.node.user_properties.append((name, round(seconds, 1)))
    print(f"\n{what}: recovered in {seconds:.1f} s ({detail})")


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


def test_a_killed_workers_run_is_taken_over_once_its_lease_lapses(queue, application, request):
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
    report(request, "killed worker", recovered_in, "lease 3 s, sweep 2 s")
    assert run.attempts == 2
    assert run.findings.filter(code="proposal.storeys").count() == 1
    assert recovered_in < 30


def test_a_run_whose_message_was_lost_is_sent_again(queue, application, monkeypatch, request):
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
    report(request, "lost message", recovered_in, "grace 2 s, sweep 1 s")
    assert run.attempts == 1
    assert recovered_in < 30


def test_a_run_survives_the_database_dropping_the_workers_connections(queue, application, request):
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
    report(request, "dropped connections", recovered_in, "lease 3 s")
    assert run.status == RunStatus.SUCCEEDED
    assert TriageRun.objects.filter(application=application).count() == 1


def _drop_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_run_started_while_redis_is_down_runs_once_redis_is_back(
    queue, application, private_redis, request
):
    with FakeModelServer() as model_server:
        model_server.replies = [STOREYS]
        env = model_env(
            model_server, TRIAGE_RECOVER_EVERY_SECONDS=2, TRIAGE_REENQUEUE_AFTER_SECONDS=3
        )
        worker = Worker(queue, beat=True, redis_url=private_redis.url, **env).start()
        try:
            wait_for(lambda: private_redis.clients() >= 1, 60, "the worker never reached Redis")
            private_redis.stop()
            # The message cannot be sent; the run is saved all the same, and starting it
            # does not fail in the caller's hands.
            run = runs.start_triage(application, engine="llm")
            time.sleep(5)  # the outage
            assert TriageRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
            private_redis.start()
            back_at = time.monotonic()
            wait_for(succeeded(run), 60, "the run was not sent again once Redis was back")
            recovered_in = time.monotonic() - back_at
            time.sleep(3)  # a second copy would run now
        finally:
            worker.stop()
    run.refresh_from_db()
    report(request, "redis down at start", recovered_in, "re-send grace 3 s, sweep 2 s")
    assert run.enqueues >= 2  # the first send failed; the sweep's went through
    assert run.attempts == 1
    assert len(model_server.requests) == 1
    assert run.findings.filter(code="proposal.storeys").count() == 1
    assert recovered_in < 60


def test_runs_survive_a_redis_restart_that_loses_their_messages(
    queue, application, private_redis, request
):
    other = PlanningApplicationFactory()
    DocumentFactory(application=other, content=b"Three storeys are proposed on the site.")
    with FakeModelServer() as model_server:
        # The first run is working (its answer comes during the outage); the second waits in
        # the queue. A Redis that keeps nothing on disk loses both messages when it restarts.
        model_server.replies = [("late", (3, STOREYS_ANSWER)), STOREYS]
        env = model_env(
            model_server, TRIAGE_RECOVER_EVERY_SECONDS=2, TRIAGE_REENQUEUE_AFTER_SECONDS=3
        )
        worker = Worker(queue, beat=True, redis_url=private_redis.url, **env).start()
        try:
            started = [
                runs.start_triage(application, engine="llm"),
                runs.start_triage(other, engine="llm"),
            ]
            wait_for(lambda: len(model_server.requests) == 1, 60, "no run reached the model")
            private_redis.stop()
            down_at = time.monotonic()
            time.sleep(6)  # the outage
            private_redis.start()
            back_at = time.monotonic()
            wait_for(succeeded(*started), 60, "the runs did not finish once Redis was back")
            recovered_in = time.monotonic() - back_at
            time.sleep(3)  # a second copy would run now
        finally:
            worker.stop()
    report(
        request,
        "redis restart",
        recovered_in,
        f"outage {back_at - down_at:.0f} s; re-send grace 3 s, sweep 2 s",
    )
    for run in started:
        run.refresh_from_db()
    assert sum(run.enqueues for run in started) >= 3  # the waiting run's message was sent again
    for run in started:
        assert run.attempts == 1
        assert run.findings.filter(code="proposal.storeys").count() == 1
    assert len(model_server.requests) == 2
    assert recovered_in < 60


def test_a_run_survives_the_database_refusing_connections(queue, application, request):
    with FakeModelServer() as model_server:
        # The model answers during the outage, so the run cannot save what it found then.
        model_server.replies = [("late", (3, STOREYS_ANSWER)), STOREYS]
        env = model_env(model_server, TRIAGE_RUN_LEASE_SECONDS=3, TRIAGE_RECOVER_EVERY_SECONDS=2)
        worker = Worker(queue, beat=True, **env).start()
        try:
            run = runs.start_triage(application, engine="llm")
            wait_for(lambda: len(model_server.requests) == 1, 60, "the run never reached the model")
            with database_refusing_connections() as down_at:
                time.sleep(8)  # the outage: the model's answer arrives in it
                assert len(model_server.requests) == 1
            back_at = time.monotonic()
            wait_for(succeeded(run), 60, "the run did not finish once the database was back")
            recovered_in = time.monotonic() - back_at
            time.sleep(3)  # a second copy would run now
        finally:
            worker.stop()
    report(
        request,
        "database refusing connections",
        recovered_in,
        f"outage {back_at - down_at:.0f} s; lease 3 s, sweep 2 s",
    )
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert len(model_server.requests) == run.attempts
    assert TriageRun.objects.filter(application=application).count() == 1
    assert Finding.objects.filter(application=application, code="proposal.storeys").count() == 1
    assert recovered_in < 60


@contextmanager
def database_refusing_connections() -> Iterator[float]:
    """The test database as a server that is down would be: every connection cut and every
    new one refused, without stopping the PostgreSQL server other test runs share.
    Yields the moment the outage began."""
    settings = connection.settings_dict
    name = settings["NAME"]
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name))
        )
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        yield time.monotonic()
    finally:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name))
        )
        admin.close()
        connection.close()  # this test's own connection was cut too: open a fresh one
