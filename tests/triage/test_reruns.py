"""Re-runs after a constraint layer, policies or a validation list change: which applications
are affected, and how they are re-triaged in the background a batch at a time, keeping history."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from planning.models import ApplicationStatus
from policies.files import DATA
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from tests.triage.test_runs import AROUND_SITE, run_now
from triage import reruns, tasks
from triage.models import RunStatus, TriageRun

# Far from tests.factories.SMALL_SITE_WKT.
ELSEWHERE = "POLYGON((540000 180000, 540100 180000, 540100 180100, 540000 180100, 540000 180000))"
FAR_SITE = (
    "SRID=27700;MULTIPOLYGON(((545000 185000, 545020 185000, 545020 185030, 545000 185030, "
    "545000 185000)))"
)


@pytest.fixture
def scheduled(monkeypatch):
    """What would be sent to the broker: (application ids, trigger) per message."""
    sent = []
    monkeypatch.setattr(
        tasks.rerun_applications, "apply_async", lambda args, **kw: sent.append((args, kw))
    )
    return sent


def test_a_reloaded_layer_re_triages_open_applications_within_its_reach(
    db, tmp_path, scheduled, django_capture_on_commit_callbacks
):
    inside = PlanningApplicationFactory(description="Demolition of a garage.")
    far = PlanningApplicationFactory(site=FAR_SITE)
    decided = PlanningApplicationFactory(status=ApplicationStatus.DETERMINED)

    with django_capture_on_commit_callbacks(execute=True):
        load_polygon_layer(
            tmp_path, dataset="conservation-area", name="Camberwell Grove", wkt_27700=AROUND_SITE
        )

    ((ids, trigger), options), *_ = scheduled
    assert ids == [inside.pk]
    assert trigger == "layer reloaded: conservation-area"
    assert far.pk not in ids and decided.pk not in ids
    assert options["queue"] == "celery"


def test_a_layer_that_no_longer_reaches_a_site_still_re_triages_the_sites_it_did(
    db, tmp_path, scheduled, django_capture_on_commit_callbacks
):
    load_polygon_layer(tmp_path, dataset="conservation-area", name="Old", wkt_27700=AROUND_SITE)
    application = PlanningApplicationFactory()
    run_now(application)  # its result has a conservation-area finding

    with django_capture_on_commit_callbacks(execute=True):
        load_polygon_layer(tmp_path, dataset="conservation-area", name="Moved", wkt_27700=ELSEWHERE)

    assert scheduled[-1][0][0] == [application.pk]


def test_a_policy_reload_re_triages_the_applications_citing_what_changed(
    southwark, tmp_path, scheduled, django_capture_on_commit_callbacks
):
    call_command("load_policies", stdout=StringIO())
    load_polygon_layer(tmp_path, dataset="conservation-area", name="X", wkt_27700=AROUND_SITE)
    citing = PlanningApplicationFactory(council=southwark, description="Demolition of a shed.")
    plain = PlanningApplicationFactory(council=southwark, site=FAR_SITE)
    for application in (citing, plain):
        run_now(application)
    assert citing.findings.filter(value="southwark-plan-2022:P20").exists()
    changed = tmp_path / "southwark-plan-2022.toml"
    changed.write_text(
        (DATA / "southwark-plan-2022.toml").read_text().replace("preserve or enhance", "keep")
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_policies", "--local", str(changed), stdout=StringIO())

    ((ids, trigger), _), *_ = scheduled
    assert ids == [citing.pk]
    assert trigger == "policies reloaded: Southwark Plan 2022 (sample summaries)"


def test_a_changed_validation_list_re_triages_that_councils_applications_not_yet_valid(
    southwark, trafford, scheduled, django_capture_on_commit_callbacks
):
    waiting = PlanningApplicationFactory(council=southwark)
    valid = PlanningApplicationFactory(council=southwark, valid_date=datetime.date(2026, 11, 20))
    elsewhere = PlanningApplicationFactory(council=trafford)
    for application in (waiting, valid, elsewhere):
        run_now(application)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_validation_requirements", str(DATA / "validation-southwark.toml"),
                     stdout=StringIO())  # fmt: skip

    assert scheduled == [
        (([waiting.pk], "validation list changed: London Borough of Southwark local list"),
         {"queue": "celery"}),
    ]  # fmt: skip


def test_re_runs_start_a_batch_at_a_time_keep_history_and_skip_waiting_ones(db, settings):
    settings.TRIAGE_RERUN_BATCH = 2
    applications = [PlanningApplicationFactory() for _ in range(4)]
    DocumentFactory(application=applications[0])
    first = run_now(applications[0])
    TriageRun.objects.create(application=applications[1], version=1, engine="rules")

    ids = [application.pk for application in applications]
    remaining = reruns.rerun_batch(ids, "layer reloaded: conservation-area")

    assert remaining == ids[2:]
    second = applications[0].triage_runs.get(version=2)
    assert (second.status, second.trigger) == (
        RunStatus.QUEUED,
        "layer reloaded: conservation-area",
    )
    assert TriageRun.objects.filter(pk=first.pk, status=RunStatus.SUCCEEDED).exists()
    assert applications[1].triage_runs.count() == 1  # its waiting run will read everything new


def test_the_task_runs_one_batch_and_sends_the_rest_for_later(db, settings, scheduled):
    settings.TRIAGE_RERUN_BATCH = 1
    settings.TRIAGE_RERUN_INTERVAL_SECONDS = 30
    a, b = PlanningApplicationFactory(), PlanningApplicationFactory()

    assert tasks.rerun_applications.run([a.pk, b.pk], "policies reloaded: X") == 1

    assert a.triage_runs.count() == 1 and b.triage_runs.count() == 0
    assert scheduled == [(([b.pk], "policies reloaded: X"), {"countdown": 30, "queue": "celery"})]
