"""The site's planning history and the consultees in a real browser (headless Chromium): the
history on the page and its outlines on the map, refusals marked; a consultee confirmed and
another dismissed with a reason, with the mouse and then with the keyboard alone; the same
without JavaScript; the queue's "refused on this site before" filter. axe-core checks every
page; screenshots land in .local/screenshots."""

import datetime
import io

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command

from planning.models import PastDecision, PastKind
from tests.browser import assert_accessible, screenshot
from tests.dashboard.conftest import PASSWORD, triage_now
from tests.history.factories import PastApplicationFactory, box
from triage.models import Finding, FindingReview
from triage.vocabulary import CONSULTEE, CONSULTEE_UNCHECKED

pytestmark = pytest.mark.browser


@pytest.fixture
def with_history(southwark, triaged):
    """The triaged application's site: refused in 2022, enforcement in 2021, a grant in 1987,
    the neighbours' applications; the consultation lists loaded; triaged again."""
    PastApplicationFactory(
        council=southwark,
        reference="22/AP/5123",
        description="Erection of a two storey rear extension and a roof terrace.",
        decision=PastDecision.REFUSED,
        decision_text="Refused",
        decision_date=datetime.date(2022, 9, 14),
    )
    PastApplicationFactory(
        council=southwark,
        reference="ENF/21/0042",
        description="Alleged unauthorised roof terrace.",
        kind=PastKind.ENFORCEMENT,
        decision=PastDecision.REFUSED,
        decision_text="Enforcement notice issued",
        decision_date=datetime.date(2021, 3, 2),
    )
    PastApplicationFactory(
        council=southwark,
        reference="8702345",
        description="Conversion into two flats.",
        decision_date=datetime.date(1987, 4, 2),
    )
    for n, x in enumerate((534020, 533980)):
        PastApplicationFactory(
            council=southwark,
            reference=f"19/AP/510{n}",
            description="Loft conversion with a rear dormer.",
            geometry=GEOSGeometry(box(x, 176000)),
            decision_date=datetime.date(2019, 5, 5 + n),
        )
    call_command("load_consultations", stdout=io.StringIO())
    triage_now(triaged)
    return triaged


def test_the_officer_reads_the_history_and_decides_the_consultees(visit, people, with_history):
    application = with_history
    browsing = visit()
    browsing.sign_in("olivia", PASSWORD)
    page = browsing.go(f"/applications/{application.pk}/")

    history = page.locator("#history")
    assert history.is_visible()
    on_site = page.locator('[data-test-id="history-on-site"]')
    assert on_site.locator("tbody tr").count() == 3
    first = on_site.locator("tbody tr").first
    assert "22/AP/5123" in first.inner_text() and "Refused" in first.inner_text()
    assert "Enforcement" in on_site.inner_text()
    assert page.locator('[data-test-id="history-nearby"] tbody tr').count() == 2
    assert (
        "2 refusals or enforcement cases on this site"
        in page.locator('[data-test-id="history-warning"]').inner_text()
    )
    # The map draws the site, the constraint and the five earlier outlines.
    page.wait_for_selector("#map[data-loaded]")
    assert page.locator("#map").get_attribute("data-loaded") == "7"
    assert (
        "Refused 2022 on this site (22/AP/5123)"
        in page.locator('[data-test-id="summary"]').inner_text()
    )
    assert_accessible(page, "application page with its planning history")
    page.locator("#history").scroll_into_view_if_needed()
    screenshot(page, "site-history")

    # Confirm the council's conservation team.
    team = Finding.objects.get(
        run=application.triage.result_run, code=CONSULTEE, value="design-and-conservation"
    )
    card = page.locator(f"#finding-{team.pk}")
    card.locator("summary").click()
    card.get_by_label("Confirm: send the proposal to them").check()
    with page.expect_navigation():
        card.get_by_role("button", name="Save").click()
    assert "Review saved: accepted" in page.locator(".govuk-notification-banner").inner_text()
    row = page.locator('[data-consultee="design-and-conservation"]')
    assert "Confirmed" in row.inner_text()

    # Dismiss the river rule that could not be checked, with the keyboard alone.
    gap = Finding.objects.get(
        run=application.triage.result_run, code=CONSULTEE_UNCHECKED, value="environment-agency"
    )
    folded = page.locator('[data-test-id="consultees-unchecked"] > summary')
    assert "5 consultees could not be checked" in folded.inner_text()
    folded.focus()
    page.keyboard.press("Enter")
    summary = page.locator(f"#finding-{gap.pk} summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the first radio
    page.keyboard.press("ArrowDown")  # to Dismiss
    page.keyboard.press("Tab")
    page.keyboard.type("No main river anywhere near this street.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    review = FindingReview.objects.get(finding=gap)
    assert (review.decision, review.reason) == (
        "rejected",
        "No main river anywhere near this street.",
    )
    assert "Dismissed" in page.locator('[data-consultee="environment-agency"]').inner_text()
    assert_accessible(page, "application page with the consultees decided")
    page.locator("#group-consultees").scroll_into_view_if_needed()
    screenshot(page, "consultees")
    assert browsing.outside_requests() == [] and browsing.failed == []


def test_without_javascript_the_history_and_the_consultees_work(visit, people, with_history):
    application = with_history
    browsing = visit(java_script_enabled=False)
    browsing.sign_in("olivia", PASSWORD)
    page = browsing.go(f"/applications/{application.pk}/")

    assert page.locator('[data-test-id="history-on-site"] tbody tr').count() == 3
    team = Finding.objects.get(
        run=application.triage.result_run, code=CONSULTEE, value="design-and-conservation"
    )
    card = page.locator(f"#finding-{team.pk}")
    card.locator("summary").click()
    card.get_by_label("Dismiss: do not consult them").check()
    with page.expect_navigation():
        card.get_by_role("button", name="Save").click()  # no reason given
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert "Enter your reason" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator(f"#finding-{team.pk}").get_attribute("open") is not None
    screenshot(page, "consultee-dismissal-error-no-js")

    page.locator(f"#finding-{team.pk} textarea").fill("The extension is at the back, unseen.")
    with page.expect_navigation():
        page.locator(f"#finding-{team.pk}").get_by_role("button", name="Save").click()
    assert "Dismissed" in page.locator('[data-consultee="design-and-conservation"]').inner_text()


def test_the_queue_finds_what_was_refused_on_its_site_before(visit, people, with_history):
    browsing = visit()
    browsing.sign_in("olivia", PASSWORD)
    page = browsing.go("/?tab=open")

    page.get_by_label("Refused on this site before").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").first.click()

    assert "history=refused-here" in page.url
    assert "26/AP/0100" in page.locator('[data-test-id="queue"]').inner_text()
    assert_accessible(page, "the queue filtered by planning history")
    screenshot(page, "queue-refused-before")
