"""The run lease and the sweep, as services (the real worker tests are test_recovery.py)."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from tests.factories import PlanningApplicationFactory
from triage import pipeline, runs
from triage.models import RunStatus, TriageRun


@pytest.fixture
def sent(monkeypatch):
    messages: list[int] = []
    monkeypatch.setattr(
        runs.run_triage_task(), "apply_async", lambda args, **kwargs: messages.append(args[0])
    )
    return messages


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


@pytest.mark.django_db(transaction=True)
def test_a_run_taken_over_too_often_fails_with_the_reason(settings, sent):
    settings.TRIAGE_RUN_MAX_ATTEMPTS = 3
    run = runs.start_triage(PlanningApplicationFactory())
    TriageRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=3, deadline=ago(1)
    )

    assert pipeline.execute_run(run.pk).message == "already failed"

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "on each of 3 attempts" in run.error


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_a_lost_run_again_less_often_each_time(settings, sent):
    settings.TRIAGE_REENQUEUE_AFTER_SECONDS = 30
    run = runs.start_triage(PlanningApplicationFactory())
    assert sent == [run.pk]

    assert runs.recover_stuck_runs() == []  # just sent: not lost yet
    TriageRun.objects.filter(pk=run.pk).update(enqueued_at=ago(31))
    assert runs.recover_stuck_runs() == [run.pk]
    assert runs.recover_stuck_runs() == []  # the next sweep does not send it again
    TriageRun.objects.filter(pk=run.pk).update(enqueued_at=ago(45))
    assert runs.recover_stuck_runs() == []  # the second resend waits twice as long
    TriageRun.objects.filter(pk=run.pk).update(enqueued_at=ago(61))
    assert runs.recover_stuck_runs() == [run.pk]
    assert TriageRun.objects.get(pk=run.pk).enqueues == 3


@pytest.mark.django_db(transaction=True)
def test_the_sweep_takes_back_a_run_whose_lease_lapsed_at_once(settings, sent):
    run = runs.start_triage(PlanningApplicationFactory())
    assert runs.claim_run(run.pk) is not None
    assert runs.recover_stuck_runs() == []  # its lease holds
    TriageRun.objects.filter(pk=run.pk).update(deadline=ago(1))

    assert runs.recover_stuck_runs() == [run.pk]
    assert runs.claim_run(run.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_backlog_is_not_sent_again_at_every_sweep(settings, sent):
    settings.TRIAGE_REENQUEUE_AFTER_SECONDS = 30
    backlog = [runs.start_triage(PlanningApplicationFactory()) for _ in range(20)]
    sent.clear()
    for _ in range(40):
        # Ten minutes of a backlog no worker reaches, swept every 15 s: time moves on by
        # moving the runs' sends into the past.
        TriageRun.objects.update(
            enqueued_at=F("enqueued_at") - timedelta(seconds=15),
            created_at=F("created_at") - timedelta(seconds=15),
        )
        runs.recover_stuck_runs()
    # Sent again after 30, 60, 120 and 240 s more: 4 copies each, not 40.
    assert {run.pk: sent.count(run.pk) for run in backlog} == {run.pk: 4 for run in backlog}
