"""The application page and the officer's actions on it, through HTTP as a browser sends them."""

import datetime
import re

import pytest
from django.utils import timezone

from planning.models import ApplicationEvent, ApplicationStatus
from policies.models import Policy, PolicyFramework
from tests.dashboard.conftest import triage_now
from triage.models import Finding, FindingReview, FindingSource
from triage.vocabulary import Origin


def url(application, action=""):
    return f"/applications/{application.pk}/{action}"


def finding(application, code):
    return Finding.objects.filter(application=application, code=code).latest("id")


def review_data(finding, decision, reason="", amended="", expected=None):
    prefix = f"f{finding.pk}-"
    return {
        prefix + "decision": decision,
        prefix + "reason": reason,
        prefix + "amended_value": amended,
        prefix + "expected_review": "" if expected is None else str(expected),
    }


def date_parts(name, value: datetime.date):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


@pytest.fixture
def officer_client(client, people):
    client.force_login(people["officer"])
    return client


def test_it_shows_the_summary_findings_evidence_and_timeline(officer_client, triaged):
    page = officer_client.get(url(triaged)).content.decode()
    assert "12 Camberwell Grove, London SE5 8RE" in page
    assert "PS2 Q21" in page and "a householder application" in page
    assert "Needs attention" in page
    # Grouped findings, each with its evidence.
    for heading in ("Discrepancies", "Missing documents", "Constraints", "Proposal facts"):
        assert heading in page
    assert "100.0% of the site" in page  # the spatial overlap
    assert "“The site is not within a conservation area.”" in page
    assert "design-and-access.txt, page 1" in page
    # The timeline has the triage run with its engine and numbers.
    assert re.search(r"Triage v1 finished: needs attention, score \d+", page)
    assert "Engine rules" in page and "page read" in page


def test_it_links_a_quote_to_its_page_with_the_quote_highlighted(officer_client, triaged):
    claim = finding(triaged, "constraint.conservation_area")
    page = officer_client.get(
        url(triaged, f"documents/{claim.document_id}/pages/1/?finding={claim.pk}")
    ).content.decode()
    assert (
        '<mark class="app-highlight" id="quote" tabindex="-1">'
        "The site is not within a conservation area.</mark>" in page
    )


def test_it_serves_the_map_as_geojson_in_wgs84(officer_client, triaged):
    collection = officer_client.get(url(triaged, "map.geojson")).json()
    kinds = [feature["properties"]["kind"] for feature in collection["features"]]
    assert kinds == ["site", "constraint"]
    site = collection["features"][0]["geometry"]
    longitude, latitude = site["coordinates"][0][0][0]
    assert -0.2 < longitude < 0.0 and 51.4 < latitude < 51.6
    assert collection["features"][1]["properties"]["relation"] == "site-inside"


def test_an_officer_accepts_rejects_and_amends_findings(officer_client, triaged, people):
    spatial = finding(triaged, "spatial.conservation-area")
    response = officer_client.post(
        url(triaged, f"findings/{spatial.pk}/review"), review_data(spatial, "accepted")
    )
    assert response.status_code == 302
    claim = finding(triaged, "constraint.conservation_area")
    officer_client.post(
        url(triaged, f"findings/{claim.pk}/review"),
        review_data(claim, "amended", reason="The statement is wrong", amended="present"),
    )
    reviews = {r.finding_id: r for r in FindingReview.objects.filter(finding__application=triaged)}
    assert reviews[spatial.pk].decision == "accepted"
    assert (reviews[claim.pk].decision, reviews[claim.pk].amended_value) == ("amended", "present")
    assert reviews[claim.pk].reviewer == people["officer"]
    page = officer_client.get(url(triaged)).content.decode()
    assert "Amended as “present” by Olivia Okafor" in page
    assert (
        ApplicationEvent.objects.filter(application=triaged, kind="finding_reviewed").count() == 2
    )


def test_a_rejection_without_a_reason_is_refused_and_keeps_what_was_typed(officer_client, triaged):
    claim = finding(triaged, "constraint.conservation_area")
    response = officer_client.post(
        url(triaged, f"findings/{claim.pk}/review"),
        review_data(claim, "amended", amended="present-ish"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter your reason for amending the finding." in page
    assert 'value="present-ish"' in page
    assert not FindingReview.objects.filter(finding=claim).exists()


def test_a_second_officer_reviewing_at_once_is_told_and_nothing_is_overwritten(
    client, triaged, people
):
    claim = finding(triaged, "constraint.conservation_area")
    # Both drew the page when nobody had reviewed it (expected_review empty).
    client.force_login(people["officer2"])
    client.post(url(triaged, f"findings/{claim.pk}/review"), review_data(claim, "accepted"))
    client.force_login(people["officer"])
    response = client.post(
        url(triaged, f"findings/{claim.pk}/review"),
        review_data(claim, "rejected", reason="The map is out of date"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Priya Patel accepted this finding" in page
    assert "The map is out of date" in page  # what the officer typed is kept
    assert list(FindingReview.objects.filter(finding=claim).values_list("decision", flat=True)) == [
        "accepted"
    ]
    # Having read the other review, the officer can send theirs again, on purpose.
    seen = re.search(
        rf'name="f{claim.pk}-expected_review" value="(\d+)"', response.content.decode()
    ).group(1)
    again = client.post(
        url(triaged, f"findings/{claim.pk}/review"),
        review_data(claim, "rejected", reason="The map is out of date", expected=seen),
    )
    assert again.status_code == 302
    assert FindingReview.objects.filter(finding=claim).latest("id").decision == "rejected"


def test_a_re_run_carries_reviews_over_to_the_same_findings(officer_client, triaged):
    claim = finding(triaged, "constraint.conservation_area")
    officer_client.post(
        url(triaged, f"findings/{claim.pk}/review"),
        review_data(claim, "rejected", reason="Wrong: the site is in the area"),
    )
    triage_now(triaged)
    again = finding(triaged, "constraint.conservation_area")
    assert again.pk != claim.pk and again.run.version == 2
    carried = again.reviews.get()
    assert (carried.decision, carried.reason, carried.carried_from.finding_id) == (
        "rejected",
        "Wrong: the site is in the area",
        claim.pk,
    )
    page = officer_client.get(url(triaged)).content.decode()
    assert "Carried over from an earlier run" in page
    assert "1 review carried over" in page


def test_a_review_of_a_replaced_finding_goes_to_its_match_in_the_new_result(
    officer_client, triaged
):
    old = finding(triaged, "constraint.conservation_area")
    triage_now(triaged)  # the page the officer has open still shows run 1
    response = officer_client.post(
        url(triaged, f"findings/{old.pk}/review"), review_data(old, "accepted")
    )
    assert response.status_code == 302
    new = finding(triaged, "constraint.conservation_area")
    assert new.reviews.get().decision == "accepted"
    assert not old.reviews.exists()


def test_an_officer_adds_a_finding_the_engines_missed(officer_client, triaged, people):
    response = officer_client.post(
        url(triaged, "findings/new"),
        {
            "code": "constraint.article_4",
            "title": "Article 4 direction: Camberwell Grove terraces",
            "detail": "Direction made 2021; not in our layers yet.",
        },
    )
    assert response.status_code == 302
    added = Finding.objects.get(application=triaged, source=FindingSource.OFFICER)
    assert (added.created_by, added.run, added.value) == (people["officer"], None, "present")
    triage_now(triaged)  # a re-run keeps it
    page = officer_client.get(url(triaged)).content.decode()
    assert "Article 4 direction: Camberwell Grove terraces" in page
    assert "Added by Olivia Okafor" in page


def test_an_officer_finding_needs_its_evidence(officer_client, triaged):
    response = officer_client.post(
        url(triaged, "findings/new"), {"code": "officer.note", "title": "Bats", "detail": ""}
    )
    assert response.status_code == 422
    assert "Enter the evidence for this finding" in response.content.decode()
    assert not Finding.objects.filter(source=FindingSource.OFFICER).exists()


def test_it_records_the_valid_date_extension_and_decision(officer_client, triaged):
    valid = timezone.localdate() - datetime.timedelta(days=20)
    response = officer_client.post(
        url(triaged, "valid-date"), {"revision": 0, **date_parts("valid_date", valid)}
    )
    assert response.status_code == 302
    triaged.refresh_from_db()
    assert (triaged.valid_date, triaged.status) == (valid, ApplicationStatus.VALID)
    agreed = valid + datetime.timedelta(weeks=12)
    officer_client.post(
        url(triaged, "extension"),
        {
            "revision": triaged.revision,
            "performance_agreement": "on",
            **date_parts("extension_of_time_until", agreed),
        },
    )
    triaged.refresh_from_db()
    assert (triaged.determination_deadline, triaged.performance_agreement) == (agreed, True)
    decided = timezone.localdate()
    officer_client.post(
        url(triaged, "decision"),
        {
            "revision": triaged.revision,
            "outcome": "granted",
            "level": "delegated",
            **date_parts("decision_date", decided),
        },
    )
    triaged.refresh_from_db()
    assert (triaged.status, triaged.decision, triaged.decision_date) == (
        "determined",
        "granted",
        decided,
    )
    kinds = list(
        ApplicationEvent.objects.filter(application=triaged).values_list("kind", flat=True)
    )
    assert {"valid_date", "extension_of_time", "decided"} <= set(kinds)


def test_a_decision_dated_before_the_valid_date_is_refused_with_the_reason(officer_client, triaged):
    triaged.valid_date = datetime.date(2026, 11, 10)
    triaged.status = ApplicationStatus.VALID
    triaged.save()
    response = officer_client.post(
        url(triaged, "decision"),
        {
            "revision": triaged.revision,
            "outcome": "refused",
            "level": "committee",
            **date_parts("decision_date", datetime.date(2026, 11, 5)),
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "The decision date cannot be before the valid date (10 November 2026)." in page
    assert 'href="#id_decision_date_0"' in page  # the error summary links to the day box
    assert 'value="5"' in page and 'value="2026"' in page  # what was typed is kept
    triaged.refresh_from_db()
    assert triaged.status == ApplicationStatus.VALID and triaged.decision == ""


def test_a_date_that_is_not_a_date_gets_the_govuk_message(officer_client, triaged):
    response = officer_client.post(
        url(triaged, "valid-date"),
        {"revision": 0, "valid_date_0": "31", "valid_date_1": "2", "valid_date_2": "2026"},
    )
    assert response.status_code == 422
    assert "The valid date must be a real date" in response.content.decode()
    response = officer_client.post(
        url(triaged, "valid-date"),
        {"revision": 0, "valid_date_0": "3", "valid_date_1": "", "valid_date_2": "2026"},
    )
    assert "The valid date must include a month" in response.content.decode()


def test_a_stale_form_is_refused_after_someone_else_changed_the_application(
    client, triaged, people
):
    client.force_login(people["manager"])
    client.post(url(triaged, "assign"), {"revision": 0, "officer": people["officer2"].pk})
    client.force_login(people["officer"])
    response = client.post(
        url(triaged, "valid-date"),
        {"revision": 0, **date_parts("valid_date", datetime.date(2026, 11, 3))},
    )
    assert response.status_code == 409
    assert "Someone else changed 26/AP/0100 while you were working on it" in (
        response.content.decode()
    )
    triaged.refresh_from_db()
    assert triaged.valid_date is None


def test_officers_take_unassigned_work_and_managers_reassign(client, triaged, people):
    client.force_login(people["officer"])
    client.post(url(triaged, "assign-to-me"), {"next": "/"})
    triaged.refresh_from_db()
    assert triaged.assigned_officer == people["officer"]
    # Another officer cannot take it, nor hand it to someone else.
    client.force_login(people["officer2"])
    client.post(url(triaged, "assign-to-me"), {"next": "/"})
    response = client.post(
        url(triaged, "assign"), {"revision": triaged.revision, "officer": people["officer2"].pk}
    )
    assert "Only a manager can assign work to someone else." in response.content.decode()
    triaged.refresh_from_db()
    assert triaged.assigned_officer == people["officer"]
    client.force_login(people["manager"])
    client.post(
        url(triaged, "assign"), {"revision": triaged.revision, "officer": people["officer2"].pk}
    )
    triaged.refresh_from_db()
    assert triaged.assigned_officer == people["officer2"]


def test_a_manager_cannot_assign_another_councils_officer(client, triaged, people):
    client.force_login(people["manager"])
    response = client.post(
        url(triaged, "assign"), {"revision": 0, "officer": people["trafford_officer"].pk}
    )
    assert response.status_code == 422
    assert "Select an officer from the list" in response.content.decode()
    triaged.refresh_from_db()
    assert triaged.assigned_officer is None


def test_re_running_triage_queues_a_new_version(
    officer_client, triaged, django_capture_on_commit_callbacks
):
    response = officer_client.post(url(triaged, "rerun"))
    assert response.status_code == 302
    assert triaged.triage_runs.count() == 2
    status = officer_client.get(url(triaged, "triage-status")).json()
    assert (status["version"], status["status"], status["done"]) == (2, "queued", False)
    page = officer_client.get(url(triaged)).content.decode()
    assert "Triage v2:" in page and "Refresh to see the result" in page


def test_documents_are_served_only_through_the_page(officer_client, triaged):
    document = triaged.documents.get()
    response = officer_client.get(url(triaged, f"documents/{document.pk}/file"))
    assert response.status_code == 200
    assert b"not within a conservation area" in b"".join(response.streaming_content)


def test_it_needs_a_sign_in(client, triaged):
    response = client.get(url(triaged))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def cite_a_local_policy(application):
    run = application.triage_runs.get()
    Finding.objects.create(
        application=application,
        run=run,
        code="policy.local",
        value="H3",
        title="Policy H3 (cited)",
        source=FindingSource.DOCUMENT,
        origin=Origin.RULES,
    )


def test_the_cited_policies_say_which_local_plans_they_are_recognised_from(officer_client, triaged):
    cite_a_local_policy(triaged)
    plan = PolicyFramework.objects.create(
        council=triaged.council,
        slug="southwark-plan-2022",
        name="Southwark Plan 2022",
        citation="Policy",
    )
    Policy.objects.create(framework=plan, reference="P13", text="Design of places", version=1)
    direction = PolicyFramework.objects.create(
        council=triaged.council, slug="article-4", name="Article 4 directions", citation="Direction"
    )
    Policy.objects.create(
        framework=direction,
        reference="A4-1",
        text="HMO",
        version=1,
        conditions={"article_4": {"removes": ["L"]}},
    )

    page = officer_client.get(url(triaged)).content.decode()

    assert "Local policies are recognised from Southwark Plan 2022;" in page
    assert "Article 4 directions;" not in page


def test_with_no_local_plan_the_page_says_only_cited_policies_are_shown(officer_client, triaged):
    cite_a_local_policy(triaged)

    page = officer_client.get(url(triaged)).content.decode()

    assert "No local plan of this council is loaded" in page
