import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from planning.models import TextStatus
from tests.factories import PlanningApplicationFactory
from tests.triage.documents import text_pdf
from tests.triage.factories import DocumentFactory, load_polygon_layer
from triage import pipeline, reviews, runs
from triage.models import Finding, FindingReview, RunStatus, TriageRun

# Around tests.factories.SMALL_SITE_WKT (534000-534020, 176000-176030).
AROUND_SITE = "POLYGON((533900 175900, 534100 175900, 534100 176100, 533900 176100, 533900 175900))"


@pytest.fixture
def application(db):
    return PlanningApplicationFactory(description="Rear extension")


def run_now(application, **kwargs) -> TriageRun:
    run = runs.start_triage(application, **kwargs)
    pipeline.execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_it_flags_a_document_that_contradicts_the_map(application, tmp_path):
    load_polygon_layer(
        tmp_path, dataset="conservation-area", name="Camberwell Grove", wkt_27700=AROUND_SITE
    )
    document = DocumentFactory(
        application=application,
        original_filename="statement.pdf",
        content_type="application/pdf",
        content=text_pdf(["Intro page", "The site is not within a conservation area."]),
    )

    run = run_now(application)

    assert run.status == RunStatus.SUCCEEDED
    assert run.pages_read == 2
    spatial = run.findings.get(code="spatial.conservation-area")
    assert spatial.relation == "site-inside"
    assert spatial.site_share_pct == pytest.approx(100.0)
    assert spatial.grazes is False
    claim = run.findings.get(code="constraint.conservation_area")
    assert (claim.value, claim.document, claim.page_number) == ("absent", document, 2)
    assert claim.quote == "The site is not within a conservation area."
    assert run.findings.filter(code="conflict.constraint_claim").exists()
    missing = set(
        run.findings.filter(code__startswith="missing_document.").values_list("code", flat=True)
    )
    assert missing == {
        "missing_document.application_form",
        "missing_document.location_plan",
        "missing_document.heritage_statement",
        "missing_document.ownership_certificate",
    }
    assert run.lane == "needs-attention"
    document.refresh_from_db()
    assert (document.text_status, document.page_count) == (TextStatus.EXTRACTED, 2)


def test_it_fast_tracks_a_simple_case(application):
    DocumentFactory(
        application=application,
        original_filename="location-plan.txt",
        content=b"Location plan. The site is in Flood Zone 1 and is not in a conservation area.",
    )
    DocumentFactory(
        application=application,
        original_filename="application-form.txt",
        content=b"Householder application for planning permission. Certificate A is signed.",
    )
    run = run_now(application)
    assert run.lane == "fast-track"
    assert run.findings.filter(code="constraint.flood_zone", value="absent").exists()


def test_it_records_an_unreadable_document_and_still_finishes(application):
    document = DocumentFactory(
        application=application,
        original_filename="broken.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.7\n garbage",
    )
    run = run_now(application)
    document.refresh_from_db()
    assert document.text_status == TextStatus.FAILED
    assert "damaged" in document.text_status_reason
    assert run.status == RunStatus.SUCCEEDED
    assert run.lane == "needs-attention"
    assert any("broken.pdf" in reason for reason in run.reasons)


def test_a_rerun_is_a_new_version_and_keeps_the_old(application):
    first = run_now(application)
    second = run_now(application, trigger="re-run")
    assert (first.version, second.version) == (1, 2)
    assert TriageRun.objects.filter(application=application).count() == 2
    assert first.findings.count() == second.findings.count() > 0


def test_it_does_nothing_when_a_finished_run_is_delivered_again(application):
    run = run_now(application)
    count = run.findings.count()
    outcome = pipeline.execute_run(run.pk)
    assert outcome.done and "already" in outcome.message
    assert run.findings.count() == count


def test_only_one_worker_can_claim_a_run(application):
    run = runs.start_triage(application)
    assert runs.claim_run(run.pk) is not None
    assert runs.claim_run(run.pk) is None
    outcome = pipeline.execute_run(run.pk)
    assert not outcome.done and outcome.retry_in > 0


def test_a_run_stuck_past_its_deadline_is_claimed_again(application, monkeypatch):
    run = runs.start_triage(application)
    claimed = runs.claim_run(run.pk)
    TriageRun.objects.filter(pk=run.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=1)
    )
    enqueued = []
    # Record what would be sent to the broker; the real queue is proven in test_worker.py.
    monkeypatch.setattr(
        runs, "enqueue_run", lambda run_id, queue=None: enqueued.append((run_id, queue))
    )
    call_command("recover_stuck_runs")
    # A dead worker's run is taken over in the recovery lane, ahead of the triage queue.
    assert enqueued == [(run.pk, settings.TRIAGE_RECOVERY_QUEUE)]
    assert pipeline.execute_run(run.pk).message == "succeeded"
    run.refresh_from_db()
    assert run.attempts == claimed.attempts + 1
    assert run.status == RunStatus.SUCCEEDED


def test_officer_reviews_are_kept_apart_from_findings(application, officer):
    run = run_now(application)
    finding = run.findings.first()
    reviews.review_finding(finding, decision="accepted", reviewer=officer, reviewer_name="alice")
    reviews.review_finding(
        finding,
        decision="amended",
        amended_value="present",
        reason="Site visit",
        reviewer=officer,
        reviewer_name="alice",
    )
    with pytest.raises(ValueError, match="reason for rejecting"):
        reviews.review_finding(finding, decision="rejected", reviewer_name="alice")
    assert Finding.objects.get(pk=finding.pk).value == finding.value
    assert list(
        FindingReview.objects.filter(finding=finding).values_list("decision", flat=True)
    ) == [
        "accepted",
        "amended",
    ]


def test_it_recognises_required_documents_by_their_odp_document_type(db):
    application = PlanningApplicationFactory()
    DocumentFactory(
        application=application,
        original_filename="upload-1.pdf.txt",
        document_type="locationPlan",
        content=b"A plan of the site edged red.",
    )
    DocumentFactory(
        application=application,
        original_filename="upload-2.txt",
        document_type="sitePlan.proposed",
        content=b"The proposed layout.",
    )
    run = run_now(application)
    missing = set(
        run.findings.filter(code__startswith="missing_document.").values_list("code", flat=True)
    )
    assert "missing_document.location_plan" not in missing


def test_it_does_not_take_a_site_plan_for_the_location_plan(db):
    application = PlanningApplicationFactory()
    DocumentFactory(
        application=application,
        original_filename="site-plan.txt",
        document_type="sitePlan.proposed",
        content=b"The proposed layout.",
    )
    run = run_now(application)
    assert run.findings.filter(code="missing_document.location_plan").exists()


def test_the_sweep_starts_triage_for_an_open_application_whose_submission_event_was_lost(
    db, django_capture_on_commit_callbacks
):
    from planning.models import ApplicationStatus, PlanningApplication

    lost = PlanningApplicationFactory()
    withdrawn = PlanningApplicationFactory(status=ApplicationStatus.WITHDRAWN)
    just_arrived = PlanningApplicationFactory()
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    PlanningApplication.objects.filter(pk__in=[lost.pk, withdrawn.pk]).update(
        created_at=ten_minutes_ago
    )

    with django_capture_on_commit_callbacks() as enqueued:
        call_command("recover_stuck_runs")

    assert list(TriageRun.objects.values_list("application_id", "trigger")) == [
        (lost.pk, "sweep: no run found")
    ]
    assert len(enqueued) == 1  # sent to the broker once the sweep's transaction commits
    assert not just_arrived.triage_runs.exists()  # its own event may still be on its way

    call_command("recover_stuck_runs")
    assert TriageRun.objects.count() == 1  # a second sweep starts nothing more


def test_a_bug_ends_the_run_with_a_reason_for_people_not_the_exception(db, monkeypatch, caplog):
    from tests.factories import PlanningApplicationFactory
    from triage import pipeline, runs
    from triage.api.sections import triage_section
    from triage.models import RunStatus

    def broken(*args, **kwargs):
        raise KeyError("/srv/secret/path.json")

    monkeypatch.setattr(pipeline, "build_case", broken)
    application = PlanningApplicationFactory()
    run = runs.start_triage(application, engine="rules")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()

    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Triage stopped on an unexpected error")
    assert "secret" not in run.error and "KeyError" not in run.error
    assert triage_section(application)["latest_run"]["error"] == run.error
    assert "KeyError" in caplog.text  # the operators still have it, in the log
