"""A manager's walk through the statistics in a real browser (headless Chromium): sign in, read
the backlog and follow its figures, open a PS2 quarter, download it as CSV and XLSX and open
both; the speed, PS1 and AI review pages; a bad quarter; an officer turned away. axe-core
checks every page; screenshots land in .local/screenshots (statistics-*.png)."""

import csv
import datetime
import io

import openpyxl
import pytest

from planning import statistics
from tests.browser import assert_accessible, screenshot
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.statistics_caseload import SOUTHWARK_OPEN, build, last_quarter
from tests.factories import PlanningApplicationFactory
from triage import reviews
from triage.models import Finding

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def caseload(southwark, trafford, people, triaged):
    """The hand-counted caseload, a year of householder decisions so the weekly chart and the
    speed per quarter have something to draw, and an application triaged for real (not valid
    yet) with its findings reviewed, for the AI review figures."""
    made = build(southwark, trafford, people)
    for finding, decision in zip(
        Finding.objects.filter(application=triaged).order_by("id"),
        ["accepted", "rejected", "accepted"],
        strict=False,
    ):
        reviews.review_finding(
            finding,
            decision=decision,
            reviewer=people["officer"],
            reviewer_name="olivia",
            reason="" if decision == "accepted" else "Checked the map.",
        )
    today = statistics.london_today()
    for number in range(60):
        valid = today - (360 - number * 6) * DAY
        days = 30 + (number * 7) % 40
        decided_on = valid + days * DAY
        if decided_on >= today:
            continue  # decided ones only: the backlog stays the hand-counted one
        fields = {
            "decision_date": decided_on,
            "decision": "refused" if number % 7 == 0 else "granted",
            "decision_level": "delegated",
            "status": "determined",
        }
        PlanningApplicationFactory(
            council=southwark,
            reference=f"SWK/Y{number:02d}",
            application_type="pp.full.householder",
            received_date=valid - 2 * DAY,
            valid_date=valid,
            **fields,
        )
    return made


def downloaded(page, link_text: str) -> tuple[bytes, str]:
    with page.expect_download() as info:
        page.locator(f"a:has-text('{link_text}')").first.click()
    download = info.value
    with open(download.path(), "rb") as file:
        return file.read(), download.suggested_filename


def test_a_manager_reads_the_statistics_and_downloads_ps2(visit, caseload, southwark):
    manager = visit()
    page = manager.page
    manager.sign_in("mandla", PASSWORD)

    page.locator(".govuk-service-navigation a:has-text('Statistics')").click()
    page.wait_for_url("**/statistics/")
    assert page.locator("h1").inner_text() == "Statistics"
    assert_accessible(page, "statistics overview")
    screenshot(page, "statistics-01-overview")

    # The backlog, and a figure followed to the queue and another to its list.
    page.locator("main a:has-text('Backlog')").first.click()
    page.wait_for_url("**/statistics/backlog/")
    headline = page.locator("[data-test-id=headline]")
    assert headline.locator("tr", has_text="Overdue").locator("td").inner_text() == "2"
    assert_accessible(page, "backlog")
    screenshot(page, "statistics-02-backlog")
    headline.locator("tr", has_text="Overdue").locator("a").click()
    page.wait_for_url("**/?tab=open&deadline=overdue")
    assert page.locator("#result-count").inner_text().startswith("2 applications")
    page.go_back()
    page.locator("[data-test-id=age-bands] tr", has_text="over 26 weeks").locator("a").click()
    page.wait_for_url("**/statistics/applications/**")
    assert page.locator("#result-count").inner_text().startswith("1 application")
    assert page.locator("[data-test-id=figure-applications] tbody tr").count() == 1
    assert_accessible(page, "applications behind a figure")
    screenshot(page, "statistics-03-figure-list")

    # PS2 for a chosen quarter.
    quarter = last_quarter()
    manager.go("/statistics/ps2/")
    page.select_option("#id_quarter", quarter.previous().slug)
    page.locator("[data-test-id=choose-quarter] button").click()
    page.wait_for_url(f"**quarter={quarter.previous().slug}")
    page.select_option("#id_quarter", quarter.slug)
    page.locator("[data-test-id=choose-quarter] button").click()
    page.wait_for_url(f"**quarter={quarter.slug}")
    assert page.locator("h1").inner_text() == f"PS2 decisions: {quarter}"
    minor = page.locator("[data-test-id=ps2-time] tr", has_text="Q13").locator("td")
    assert minor.nth(1).inner_text() == "10"
    assert_accessible(page, "PS2")
    screenshot(page, "statistics-04-ps2")

    content, name = downloaded(page, "as CSV")
    assert name == f"{southwark.code}-ps2-{quarter.slug}.csv"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Quarter", "Code", "Development type", "Decisions"]
    q13 = next(row for row in rows if row[1] == "Q13")
    assert q13[3:6] == ["10", "9", "1"]
    content, name = downloaded(page, "as an Excel workbook")
    assert name == f"{southwark.code}-ps2-{quarter.slug}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:4] == ["Quarter", "Code", "Development type", "Decisions"]
    assert next(row for row in cells if row[1] == "Q13")[3:6] == [10, 9, 1]
    assert len(cells) == len(rows)

    # The backlog as both files, from its own page.
    manager.go("/statistics/backlog/")
    content, _ = downloaded(page, "Download the backlog as CSV")
    backlog = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    open_references = {row[0] for row in backlog[1:]}
    assert set(SOUTHWARK_OPEN) <= open_references and "TRF/O01" not in open_references
    content, _ = downloaded(page, "Download the backlog as an Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == open_references

    for path, name in [
        ("/statistics/speed/", "speed"),
        ("/statistics/ps1/", "ps1"),
        ("/statistics/reviews/", "reviews"),
    ]:
        manager.go(path)
        assert_accessible(page, name)
        screenshot(page, f"statistics-05-{name}")

    manager.go("/statistics/ps2/?quarter=2026-q9")
    assert page.locator(".govuk-error-summary").inner_text().count("Choose a quarter") == 1
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "id_quarter"
    assert_accessible(page, "bad quarter")
    screenshot(page, "statistics-06-bad-quarter")
    assert manager.outside_requests() == []


def test_an_officer_cannot_reach_the_statistics(visit, caseload):
    officer = visit()
    page = officer.page
    officer.sign_in("olivia", PASSWORD)
    assert page.locator(".govuk-service-navigation a:has-text('Statistics')").count() == 0
    officer.go("/statistics/backlog/")
    assert page.locator("h1").inner_text() == "You cannot see the statistics"
    assert "SWK/O03" not in page.content()
    assert_accessible(page, "statistics refused")
    screenshot(page, "statistics-07-officer-refused")
