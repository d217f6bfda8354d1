"""The officer's walk through the pages in a real browser (headless Chromium): sign in,
filter, sort, search, open an application, the map, a quote in its page, reviews, the
concurrent-review conflict, assignment, dates and a decision, a re-run on a real worker that
carries a review over; the same core flow without JavaScript and with the keyboard alone.
axe-core checks every page; screenshots land in .local/screenshots."""

import datetime
import re

import pytest
from django.utils import timezone

from planning.models import ApplicationStatus, Role
from tests.browser import assert_accessible, screenshot
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_queue import make
from tests.factories import UserFactory
from tests.worker import Worker
from triage.models import Finding, FindingReview, RunStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def queue_of_work(southwark, trafford, people, triaged):
    """The triaged application plus a few more in every lane, and one of Trafford's."""
    make(
        southwark,
        "26/AP/0101",
        lane="standard",
        score=25,
        days_left=12,
        address="4 Bellenden Road, London SE15 4RF",
        datasets=["listed-building"],
    )
    make(
        southwark,
        "26/AP/0102",
        lane="fast-track",
        score=0,
        days_left=40,
        address="9 Lyndhurst Way, London SE15 5AG",
        assigned_officer=people["officer2"],
    )
    make(
        southwark,
        "26/AP/0103",
        lane="standard",
        score=15,
        days_left=-2,
        address="31 Choumert Road, London SE15 4AR",
    )
    make(
        trafford,
        "108000/HHA/26",
        lane="needs-attention",
        score=80,
        days_left=5,
        address="1 Talbot Road, Stretford M32 0FP",
    )
    return triaged


def review(page, finding_id: int, decision: str, reason: str = "", amended: str = ""):
    card = page.locator(f"#finding-{finding_id}")
    card.locator("summary").click()
    card.locator(f"input[type=radio][value={decision}]").check()
    if amended:
        card.locator("input[name$=amended_value]").fill(amended)
    if reason:
        card.locator("textarea").fill(reason)
    with page.expect_navigation():
        card.locator("button:has-text('Save review')").click()


def test_an_officer_works_through_the_queue_and_an_application(visit, queue_of_work, people):
    application = queue_of_work
    officer = visit()
    page = officer.page
    officer.go("/sign-in/")
    assert_accessible(page, "sign in")
    screenshot(page, "01-sign-in")
    officer.sign_in("olivia", PASSWORD)

    # The queue: all open, filtered, sorted, searched.
    officer.go("/?tab=open")
    rows = page.locator("[data-test-id=queue] tbody tr")
    assert rows.count() == 4
    assert "108000/HHA/26" not in page.content()
    assert rows.first.locator("td").first.inner_text() == "26/AP/0100"
    assert_accessible(page, "queue")
    screenshot(page, "02-queue")
    page.locator("label:has-text('Standard')").click()
    page.locator("[data-test-id=apply-filters]").click()
    assert [r.locator("td").first.inner_text() for r in rows.all()] == ["26/AP/0101", "26/AP/0103"]
    screenshot(page, "03-queue-filtered")
    page.locator("th a:has-text('Days left')").click()
    assert rows.first.locator("td").first.inner_text() == "26/AP/0103"
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Days left")
    page.fill("#search", "Bellenden")
    page.locator("button:has-text('Search')").click()
    assert [r.locator("td").first.inner_text() for r in rows.all()] == ["26/AP/0101"]
    officer.go("/?tab=open")

    # The application: summary, map, findings.
    page.locator("a:has-text('26/AP/0100')").click()
    page.wait_for_selector("#map[data-loaded]")
    assert int(page.get_attribute("#map", "data-loaded")) >= 2  # the site and the area
    assert page.locator("#map path.leaflet-interactive").count() >= 2
    assert "PS2 Q21" in page.inner_text("[data-test-id=summary]")
    assert_accessible(page, "application")
    screenshot(page, "04-application")

    # A quote, followed to its page, highlighted.
    claim = Finding.objects.get(application=application, code="constraint.conservation_area")
    page.locator(f"#finding-{claim.pk} a:has-text('page 1')").click()
    highlight = page.locator("mark#quote")
    assert highlight.inner_text() == "The site is not within a conservation area."
    assert highlight.is_visible()
    assert_accessible(page, "document page")
    screenshot(page, "05-quote-in-its-page")
    page.go_back()

    # Accept, reject (a reason is required) and amend.
    spatial = Finding.objects.get(application=application, code="spatial.conservation-area")
    review(page, spatial.pk, "accepted")
    assert "Review saved: accepted" in page.inner_text(".govuk-notification-banner")
    review(page, claim.pk, "rejected")
    assert "Enter your reason for rejecting the finding." in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "review error")
    screenshot(page, "06-review-error")
    card = page.locator(f"#finding-{claim.pk}")
    card.locator("textarea").fill("The map shows the site inside the Camberwell Grove area.")
    card.locator("button:has-text('Save review')").click()
    page.wait_for_load_state()
    storeys = Finding.objects.filter(application=application, code="proposal.storeys").first()
    if storeys is not None:
        review(page, storeys.pk, "amended", reason="Two storeys on the plans", amended="2")
    decisions = set(
        FindingReview.objects.filter(finding__application=application).values_list(
            "decision", flat=True
        )
    )
    assert {"accepted", "rejected"} <= decisions

    # Assign to me, then the valid date and a decision.
    page.locator("button:has-text('Assign to me')").click()
    assert "assigned to you" in page.inner_text(".govuk-notification-banner")
    valid = timezone.localdate() - datetime.timedelta(days=10)
    form = page.locator("#valid-date")
    form.locator("input[name=valid_date_0]").fill(str(valid.day))
    form.locator("input[name=valid_date_1]").fill(str(valid.month))
    form.locator("input[name=valid_date_2]").fill(str(valid.year))
    form.locator("button:has-text('Save the valid date')").click()
    assert "statutory clock has started" in page.inner_text(".govuk-notification-banner")
    decision = page.locator("#decision")
    decision.locator("summary").click()
    decision.locator("label:has-text('Granted')").click()
    decision.locator("label:has-text('Delegated to officers')").click()
    early = valid - datetime.timedelta(days=3)
    decision.locator("input[name=decision_date_0]").fill(str(early.day))
    decision.locator("input[name=decision_date_1]").fill(str(early.month))
    decision.locator("input[name=decision_date_2]").fill(str(early.year))
    decision.locator("button:has-text('Record the decision')").click()
    assert "cannot be before the valid date" in page.inner_text(".govuk-error-summary")
    screenshot(page, "07-decision-error")
    decision = page.locator("#decision")
    today = timezone.localdate()
    decision.locator("input[name=decision_date_0]").fill(str(today.day))
    decision.locator("input[name=decision_date_1]").fill(str(today.month))
    decision.locator("input[name=decision_date_2]").fill(str(today.year))
    decision.locator("button:has-text('Record the decision')").click()
    assert "decision on 26/AP/0100 is recorded" in page.inner_text(".govuk-notification-banner")
    application.refresh_from_db()
    assert (application.status, application.decision) == (ApplicationStatus.DETERMINED, "granted")
    timeline = page.inner_text("[data-test-id=timeline]")
    for words in ("Granted on", "Made valid from", "Assigned to Olivia Okafor", "Rejected:"):
        assert words in timeline
    screenshot(page, "08-decided")
    assert officer.outside_requests() == []
    assert officer.failed == []


def test_two_officers_reviewing_at_once_the_second_is_told(visit, triaged, people):
    first, second = visit(), visit()
    first.sign_in("olivia", PASSWORD)
    second.sign_in("priya", PASSWORD)
    claim = Finding.objects.get(application=triaged, code="constraint.conservation_area")
    for officer in (first, second):
        officer.go(f"/applications/{triaged.pk}/")
    review(first.page, claim.pk, "accepted")
    review(second.page, claim.pk, "rejected", reason="I think the statement is right")
    summary = second.page.inner_text(".govuk-error-summary")
    assert "Olivia Okafor accepted this finding" in summary
    assert second.page.locator(f"#finding-{claim.pk} textarea").input_value() == (
        "I think the statement is right"
    )
    assert_accessible(second.page, "review conflict")
    screenshot(second.page, "09-review-conflict")
    assert list(FindingReview.objects.filter(finding=claim).values_list("decision", flat=True)) == [
        "accepted"
    ]


@pytest.mark.worker
def test_a_re_run_shows_its_progress_and_keeps_the_review(visit, triaged, people, queue):
    officer = visit()
    officer.sign_in("olivia", PASSWORD)
    page = officer.go(f"/applications/{triaged.pk}/")
    claim = Finding.objects.get(application=triaged, code="constraint.conservation_area")
    review(page, claim.pk, "rejected", reason="Inside Camberwell Grove on the map")
    worker = Worker(queue).start()
    try:
        page.locator("button:has-text('Re-run triage')").click()
        progress = page.locator("#triage-progress")
        assert "Triage v2" in progress.inner_text()
        # The page's script polls and reloads once the worker has finished.
        page.wait_for_selector("text=Carried over from an earlier run", timeout=60_000)
    finally:
        worker.stop()
    assert triaged.triage_runs.get(version=2).status == RunStatus.SUCCEEDED
    new_claim = Finding.objects.get(
        application=triaged, code="constraint.conservation_area", run__version=2
    )
    card = page.locator(f"#finding-{new_claim.pk}")
    assert "Inside Camberwell Grove on the map" in card.inner_text()
    screenshot(page, "10-rerun-carried-over")


def test_the_core_flow_works_without_javascript(visit, queue_of_work, people):
    officer = visit(java_script_enabled=False)
    officer.sign_in("olivia", PASSWORD)
    page = officer.go("/?tab=open")
    page.locator("label:has-text('Fast track')").click()
    page.locator("[data-test-id=apply-filters]").click()
    assert page.locator("[data-test-id=queue] tbody tr").count() == 1
    officer.go("/?tab=open")
    page.locator("a:has-text('26/AP/0100')").click()
    assert "The map needs JavaScript" in page.content()
    claim = Finding.objects.get(application=queue_of_work, code="constraint.conservation_area")
    review(page, claim.pk, "amended", reason="Inside the area", amended="present")
    assert FindingReview.objects.get(finding=claim).amended_value == "present"
    screenshot(page, "11-no-javascript")


def test_the_main_flow_with_the_keyboard_alone(visit, triaged, people):
    officer = visit()
    page = officer.go("/sign-in/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.focus("#id_username")
    page.keyboard.type("olivia")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(officer.base_url + "/")
    officer.go("/?tab=open")
    # Tab to the application's link and follow it.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "26/AP/0100":
            break
    else:
        pytest.fail("the application's link was never reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/applications/\d+/$"))
    claim = Finding.objects.get(application=triaged, code="constraint.conservation_area")
    card = page.locator(f"#finding-{claim.pk}")
    card.locator("summary").focus()
    page.keyboard.press("Enter")  # opens the review form
    card.locator("input[type=radio][value=accepted]").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the corrected value
    page.keyboard.press("Tab")  # the reason
    page.keyboard.press("Tab")  # the button
    assert page.evaluate("document.activeElement.textContent").strip().startswith("Save review")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert FindingReview.objects.get(finding=claim).decision == "accepted"
    # The focus ring is visible on a focused link (GOV.UK's yellow).
    page.locator("a.govuk-back-link").focus()
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert background == "rgb(255, 221, 0)"


def test_a_manager_reassigns_and_every_page_of_theirs_is_accessible(visit, queue_of_work, people):
    manager = visit()
    manager.sign_in("mandla", PASSWORD)
    page = manager.go(f"/applications/{queue_of_work.pk}/")
    page.select_option("#id_officer", label="Priya Patel")
    page.locator("button:has-text('Assign')").first.click()
    assert "now assigned to Priya Patel" in page.inner_text(".govuk-notification-banner")
    for tab in ("mine", "unassigned", "open", "recent", "decided"):
        manager.go(f"/?tab={tab}")
        assert_accessible(page, f"queue tab {tab}")
    screenshot(page, "12-manager-decided-tab")


def test_the_locked_out_page_is_clear(visit, people, settings):
    stranger = visit()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        stranger.go("/sign-in/")
        stranger.page.fill("#id_username", "olivia")
        stranger.page.fill("#id_password", "wrong")
        stranger.page.click("button:has-text('Sign in')")
    assert "Too many wrong attempts" in stranger.page.content()
    assert_accessible(stranger.page, "locked out")


def test_a_trafford_officer_sees_nothing_of_southwark(visit, queue_of_work, trafford):
    UserFactory(username="terri", council=trafford, role=Role.OFFICER)
    other = visit()
    other.sign_in("terri", PASSWORD)
    page = other.go("/?tab=open")
    assert page.locator("[data-test-id=queue] tbody tr").count() == 1
    response = page.goto(f"{other.base_url}/applications/{queue_of_work.pk}/")
    assert response.status == 404
