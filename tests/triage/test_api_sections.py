from planning.models import PlanningApplication
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.test_runs import run_now
from triage import reviews, runs
from triage.api.sections import filter_by_lane, triage_section


def test_the_triage_section_shows_the_latest_result_with_evidence_and_reviews(officer):
    application = PlanningApplicationFactory()
    assert triage_section(application) is None
    DocumentFactory(application=application, content=b"The site is in Flood Zone 3.")
    run = run_now(application)
    finding = run.findings.get(code="constraint.flood_zone")
    reviews.review_finding(finding, decision="accepted", reviewer=officer, reviewer_name="alice")
    runs.start_triage(application)  # a newer run, still queued

    section = triage_section(application)

    assert section["latest_run"] == {
        "version": 2,
        "status": "queued",
        "engine": "rules",
        "error": "",
        "model_usage": None,  # the rules engine asks no model
    }
    assert section["result"]["version"] == 1
    assert section["result"]["lane"] == run.lane
    shown = next(f for f in section["result"]["findings"] if f["id"] == finding.pk)
    assert shown["evidence"]["quote"] == "The site is in Flood Zone 3."
    assert shown["evidence"]["page"] == 1
    assert shown["review"]["decision"] == "accepted" and shown["review"]["by"] == "alice"


def test_the_lane_filter_uses_the_latest_finished_run(db):
    simple = PlanningApplicationFactory()
    DocumentFactory(
        application=simple,
        original_filename="location-plan.txt",
        content=b"Location plan and ownership Certificate A. The site is in Flood Zone 1.",
    )
    DocumentFactory(
        application=simple,
        original_filename="application-form.txt",
        content=b"Householder application for planning permission.",
    )
    flagged = PlanningApplicationFactory()
    run_now(simple)
    run_now(flagged)  # no documents at all: the location plan is missing
    everything = PlanningApplication.objects.all()
    assert list(filter_by_lane(everything, "fast-track")) == [simple]
    assert list(filter_by_lane(everything, "needs-attention")) == [flagged]


def test_the_section_shows_officers_findings_and_carried_reviews(officer):
    application = PlanningApplicationFactory(council=officer.council)
    DocumentFactory(application=application, content=b"The site is in Flood Zone 3.")
    first = run_now(application)
    reviews.review_finding(
        first.findings.get(code="constraint.flood_zone"),
        decision="accepted",
        reviewer=officer,
        reviewer_name="alice",
    )
    reviews.add_officer_finding(
        application,
        code="constraint.article_4",
        title="Article 4 direction: shops on Rye Lane",
        detail="Made in 2024; not in our layers yet.",
        officer=officer,
    )
    run_now(application)

    section = triage_section(application)

    shown = next(f for f in section["result"]["findings"] if f["code"] == "constraint.flood_zone")
    assert shown["review"]["carried_over"] is True
    assert [(f["code"], f["value"], f["by"]) for f in section["officer_findings"]] == [
        ("constraint.article_4", "present", "alice")
    ]


def test_the_section_shows_which_document_met_each_requirement_and_how(db):
    application = PlanningApplicationFactory(application_type="pp.full.householder")
    plan = DocumentFactory(
        application=application,
        original_filename="scan-0042.pdf.txt",
        document_type="locationPlan",
        content=b"1:1250",
    )
    form = DocumentFactory(
        application=application,
        original_filename="form.txt",
        content=b"Householder Application for Planning Permission\n\n"
        b"Certificate of Ownership - Certificate A",
    )
    run_now(application)

    findings = {f["code"]: f for f in triage_section(application)["result"]["findings"]}

    by_type = findings["requirement_met.location_plan"]
    assert (by_type["value"], by_type["evidence"]["document"]) == ("type", plan.pk)
    assert by_type["attributes"]["how"] == "its type (locationPlan)"
    assert by_type["title"] == "Location plan: scan-0042.pdf.txt"
    by_title = findings["requirement_met.application_form"]
    assert by_title["evidence"] == {
        "source": "check",
        "document": form.pk,
        "page": 1,
        "quote": "Householder Application for Planning Permission",
    }
    assert not any(code.startswith("missing_document.") for code in findings)
