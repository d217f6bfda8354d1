"""The queue itself: a real Celery worker process against the real Redis and the test database."""

import time
from pathlib import Path

import pytest
from django.db import transaction

from planning.models import PlanningApplication
from planning.signals import application_submitted
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer, finding, model_env
from tests.worker import Worker, wait_for
from triage.models import RunStatus, TriageRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def submit(application: PlanningApplication):
    # What planning does on submission: the signal is sent once the transaction commits.
    with transaction.atomic():
        transaction.on_commit(
            lambda: application_submitted.send(sender=PlanningApplication, application=application)
        )


def test_it_triages_a_submitted_application_on_a_real_worker(queue):
    application = PlanningApplicationFactory()
    DocumentFactory(
        application=application,
        content=b"The site lies within the Camberwell Grove Conservation Area. No basement.",
    )
    worker = Worker(queue).start()
    try:
        submit(application)
        wait_for(
            lambda: TriageRun.objects.filter(
                application=application, status=RunStatus.SUCCEEDED
            ).exists(),
            60,
            "the worker did not finish the run",
        )
    finally:
        worker.stop()
    run = TriageRun.objects.get(application=application)
    codes = set(run.findings.values_list("code", "value"))
    assert ("constraint.conservation_area", "present") in codes
    assert ("proposal.basement", "no") in codes
    assert run.attempts == 1


def test_a_run_whose_worker_is_killed_is_delivered_again_and_completes_once(queue):
    application = PlanningApplicationFactory()
    DocumentFactory(application=application, content=b"Three storeys are proposed on the site.")
    with FakeModelServer() as model_server:
        # The first worker is killed while the model is still "thinking"; the next gets an answer.
        model_server.replies = [
            ("sleep", 30),
            (
                "json",
                {"findings": [finding("proposal.storeys", "3", "Three storeys are proposed")]},
            ),
        ]
        env = model_env(
            model_server,
            CELERY_VISIBILITY_TIMEOUT=10,
            TRIAGE_RUN_LEASE_SECONDS=3,
            CELERY_RESTORE_INTERVAL_SECONDS=1,
        )
        first = Worker(queue, **env).start()
        try:
            from triage import runs

            runs.start_triage(application, engine="llm")
            wait_for(lambda: len(model_server.requests) == 1, 60, "the run never reached the model")
            first.kill()
        finally:
            first.kill()
        run = TriageRun.objects.get(application=application)
        assert run.status == RunStatus.RUNNING

        second = Worker(queue, **env).start()
        try:
            wait_for(
                lambda: TriageRun.objects.filter(pk=run.pk, status=RunStatus.SUCCEEDED).exists(),
                90,
                "the killed run was not delivered again",
            )
            time.sleep(2)  # give a duplicate delivery the chance to do harm
        finally:
            second.stop()
    run.refresh_from_db()
    assert TriageRun.objects.filter(application=application).count() == 1
    assert run.attempts == 2
    assert run.findings.filter(code="proposal.storeys").count() == 1
    assert len(model_server.requests) == 2
