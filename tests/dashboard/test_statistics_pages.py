"""The managers' pages through HTTP on a caseload a planner can check on paper
(tests/dashboard/statistics_caseload.py): the numbers are planning.statistics' and every number
links to exactly the applications it counts, in the queue or in the figure's own list."""

import html
import re

import pytest

from planning import statistics
from planning.models import PlanningApplication
from tests.dashboard.statistics_caseload import (
    SOUTHWARK_OPEN,
    SOUTHWARK_REFERENCES,
    build,
    last_quarter,
)
from tests.dashboard.test_queue import make

PAGES = [
    "/statistics/",
    "/statistics/backlog/",
    "/statistics/speed/",
    "/statistics/ps1/",
    "/statistics/ps2/",
    "/statistics/reviews/",
]
FIGURE_LINK = re.compile(r'<a class="govuk-link" href="([^"]+)">([\d,]+)</a>')


@pytest.fixture
def made(southwark, trafford, people):
    return build(southwark, trafford, people)


@pytest.fixture
def manager(client, people):
    client.force_login(people["manager"])
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def figures(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(href), int(n.replace(",", ""))) for href, n in FIGURE_LINK.findall(page)]


def listed_count(page: str) -> int:
    match = re.search(r'id="result-count" role="status">([\d,]+) application', page)
    assert match, "no count of applications on the page"
    return int(match.group(1).replace(",", ""))


def row_numbers(page: str, table: str, heading: str) -> list[int]:
    """The numbers in a table's row, by the row's heading (or code)."""
    body = page.split(f'data-test-id="{table}"', 1)[1].split("</table>", 1)[0]
    for row in body.split("<tr")[1:]:
        if re.search(rf">{re.escape(heading)}<", row):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
            return [
                int(re.sub(r"<[^>]+>", "", cell).replace(",", ""))
                for cell in cells
                if re.fullmatch(r"[\d,]+", re.sub(r"<[^>]+>", "", cell).strip())
            ]
    raise AssertionError(f"no row {heading!r} in {table}")


@pytest.mark.parametrize("path", PAGES)
def test_it_shows_each_page_to_a_manager_and_an_admin(client, people, made, path):
    for role in ("manager", "admin"):
        client.force_login(people[role])
        page = text(client.get(path))
        assert '<h1 class="govuk-heading-l">' in page
        assert 'aria-current="page"' in page  # the statistics sub-navigation knows where it is


def test_it_puts_statistics_in_the_managers_navigation_only(client, people):
    client.force_login(people["manager"])
    assert 'href="/statistics/"' in text(client.get("/"))
    client.force_login(people["officer"])
    assert 'href="/statistics/"' not in text(client.get("/"))


def test_it_counts_the_backlog_as_planning_statistics_does(manager, made, southwark):
    page = text(manager.get("/statistics/backlog/"))
    summary = statistics.backlog_summary(PlanningApplication.objects.filter(council=southwark))

    assert row_numbers(page, "headline", "All open") == [summary.open.count] == [5]
    assert row_numbers(page, "headline", "Overdue") == [2]
    assert row_numbers(page, "headline", "At risk (under 10 days left)") == [1]
    assert row_numbers(page, "headline", "Without a valid date") == [1]
    for band, expected in [
        ("0-4 weeks", 1),
        ("5-8 weeks", 1),
        ("9-13 weeks", 1),
        ("14-26 weeks", 0),
        ("over 26 weeks", 1),
    ]:
        assert row_numbers(page, "age-bands", band) == [expected], band
    assert row_numbers(page, "by-officer", "Olivia Okafor") == [2, 0, 1]
    assert row_numbers(page, "by-officer", "Priya Patel") == [1, 1, 0]
    assert row_numbers(page, "by-officer", "Unassigned") == [2, 1, 0]
    assert row_numbers(page, "by-lane", "Standard") == [1, 1, 0]
    assert row_numbers(page, "by-lane", "Not triaged yet") == [4, 1, 1]
    assert row_numbers(page, "by-category", "Other") == [4, 1, 1]
    assert row_numbers(page, "by-category", "Minor") == [1, 1, 0]
    assert row_numbers(page, "by-type", "Householder") == [4, 1, 1]
    assert "<svg" in page and 'aria-hidden="true"' in page


def test_every_backlog_figure_leads_to_the_applications_it_counts(manager, made):
    page = text(manager.get("/statistics/backlog/"))
    links = figures(page)
    to_queue = [(href, n) for href, n in links if href.startswith("/?")]
    to_list = [(href, n) for href, n in links if href.startswith("/statistics/applications/")]
    assert len(to_queue) >= 4 + 3 * 6 and len(to_list) >= 4
    for href, count in links:
        assert listed_count(text(manager.get(href))) == count, href
    assert ("/?tab=open&deadline=overdue", 2) in to_queue


@pytest.mark.parametrize("path", ["/statistics/speed/", "/statistics/ps1/", "/statistics/ps2/"])
def test_every_figure_of_the_returns_leads_to_its_applications(manager, made, path):
    links = figures(text(manager.get(path)))
    assert links
    for href, count in links:
        assert href.startswith("/statistics/applications/?where=")
        assert listed_count(text(manager.get(href))) == count, href


def test_it_fills_ps2_for_the_last_complete_quarter_by_default(manager, made):
    page = text(manager.get("/statistics/ps2/"))
    quarter = last_quarter()

    assert f"PS2 decisions: {quarter}" in page
    # Decisions, granted, refused, then the six week bands.
    assert row_numbers(page, "ps2-time", "Q13") == [10, 9, 1, 7, 2, 0, 0, 0, 0]
    assert row_numbers(page, "ps2-time", "Q21") == [1, 0, 1, 1, 0, 0, 0, 0, 0]
    # Decisions under an agreed period or EIA: all, extension, PPA, EIA; each with in time.
    assert row_numbers(page, "ps2-agreed", "Q13") == [1, 1, 1, 1, 0, 0, 0, 0]
    assert row_numbers(page, "ps2-agreed", "Q01") == [1, 1, 0, 0, 0, 0, 1, 1]
    assert row_numbers(page, "ps2-time", "All decisions")[0] == 12


def test_it_fills_ps1_for_a_chosen_quarter(manager, made, southwark):
    quarter = last_quarter()
    page = text(manager.get("/statistics/ps1/", {"quarter": quarter.slug}))

    # Received, decided, granted, refused, delegated, withdrawn, pending at the end (the
    # minor application valid 200 days ago, still open).
    assert row_numbers(page, "ps1", "Minor") == [11, 10, 9, 1, 10, 1, 1]
    assert row_numbers(page, "ps1", "Major") == [0, 1, 1, 0, 1, 0, 0]
    # The open householder applications fall in or out of the quarter with today's date.
    other = statistics.ps1(PlanningApplication.objects.filter(council=southwark), quarter).rows[2]
    assert row_numbers(page, "ps1", "Other") == [
        other.received.count,
        1,
        0,
        1,
        0,
        0,
        other.pending_at_end.count,
    ]
    earlier = text(manager.get("/statistics/ps1/", {"quarter": quarter.previous().slug}))
    assert row_numbers(earlier, "ps1", "Major") == [1, 0, 0, 0, 0, 0, 1]
    assert f'<option value="{quarter.slug}" selected>' not in earlier


def test_it_measures_speed_with_and_without_extensions(manager, made):
    page = text(manager.get("/statistics/speed/"))

    assert "81.8%" in page and "72.7%" in page  # 9 and 8 of 11 non-major decisions
    assert "Meets the 70% threshold" in page and "Meets the 60% threshold" in page
    row = row_numbers(page, "quarters", str(last_quarter()))
    assert row == [1, 1, 11, 9]


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ("/statistics/ps2/", "2026-q9"),
        ("/statistics/ps1/", "9999-q4"),
        ("/statistics/speed/", "last year"),
        ("/statistics/ps2/", "1999-q1"),
        ("/statistics/reviews/", "forever"),
    ],
)
def test_it_answers_a_bad_choice_in_the_address_with_a_govuk_error(manager, made, path, bad):
    name = "period" if "reviews" in path else "quarter"
    response = manager.get(path, {name: bad})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'class="govuk-error-summary"' in page
    assert f'href="#id_{name}"' in page and "from the list" in page
    assert "<title>Error: " in page


@pytest.mark.parametrize(
    "where",
    [
        "",
        "not json",
        '{"op":"and","not":false,"of":[["assigned_officer__password__startswith","a"]]}',
        '{"op":"and","not":false,"of":[["council",1]]}',
        '{"op":"and","not":false,"of":[["category","a\\u0000b"]]}',
    ],
)
def test_it_refuses_a_figure_link_it_did_not_make(manager, made, where):
    response = manager.get("/statistics/applications/", {"where": where})

    assert response.status_code == 400
    assert "This list cannot be shown" in response.content.decode()


def test_a_figure_list_shows_its_label_as_text(manager, made):
    where = statistics.backlog_summary(PlanningApplication.objects.all()).overdue.query
    page = text(
        manager.get("/statistics/applications/", {"where": where, "label": "<b>Late</b>\x00"})
    )
    assert "&lt;b&gt;Late&lt;/b&gt;" in page and "\x00" not in page
    assert listed_count(page) == 2


def test_the_figure_list_pages_through_its_applications(manager, southwark, settings):
    for number in range(60):
        make(southwark, f"SWK/P{number:02d}", days_left=20)
    summary = statistics.backlog_summary(PlanningApplication.objects.filter(council=southwark))
    page = text(manager.get("/statistics/backlog/"))
    bands = page.split('data-test-id="age-bands"', 1)[1].split("</table>", 1)[0]
    band = next(html.unescape(href) for href, n in FIGURE_LINK.findall(bands) if n == "60")
    first = text(manager.get(band))
    second = text(manager.get(band + "&page=2"))

    assert listed_count(first) == 60 == summary.age_bands["5-8 weeks"].count
    assert first.count('href="/applications/') == 50
    assert second.count('href="/applications/') == 10
    assert "page 2 of 2" in second


def test_it_shows_the_ai_review_figures_for_a_period(manager, southwark):
    from tests.triage.test_review_statistics import caseload

    caseload(southwark)  # received 1 June 2026: in 2026-27 Q1
    page = text(manager.get("/statistics/reviews/", {"period": "2026-q1"}))

    assert "several seconds" in page  # the page says why it counts one period
    # Findings, reviewed; then accepted, rejected and amended with their shares.
    assert row_numbers(page, "checks", "constraint.conservation_area") == [3, 2]
    row = page.split(">constraint.conservation_area<", 1)[1].split("</tr>", 1)[0]
    assert "2 <span" in row and "(100%)" in row
    assert row_numbers(page, "officer-added", "constraint.article_4") == [1]
    empty = text(manager.get("/statistics/reviews/", {"period": "2025-q1"}))
    assert "No triage findings" in empty


def test_it_never_shows_another_councils_applications(client, people, made):
    client.force_login(people["trafford_manager"])
    pages = [text(client.get(path)) for path in PAGES]
    pages.append(text(client.get("/statistics/ps2/", {"quarter": last_quarter().slug})))
    for page in pages:
        for reference in SOUTHWARK_REFERENCES:
            assert reference not in page
    backlog = text(client.get("/statistics/backlog/"))
    assert row_numbers(backlog, "headline", "All open") == [1]


def test_a_link_from_one_council_shows_another_only_its_own(client, people, made):
    client.force_login(people["manager"])
    links = figures(text(client.get("/statistics/ps2/")))
    href = next(h for h, n in links if n == 12)  # all decisions in the quarter
    client.force_login(people["trafford_manager"])
    page = text(client.get(href))

    assert listed_count(page) == 1 and "TRF/M01" in page
    assert not any(reference in page for reference in SOUTHWARK_REFERENCES)


@pytest.mark.parametrize(
    "path",
    [
        *PAGES,
        "/statistics/applications/?where=%7B%7D",
        "/statistics/backlog.csv",
        "/statistics/backlog.xlsx",
        "/statistics/ps2.csv",
        "/statistics/findings.xlsx",
    ],
)
def test_an_officer_is_told_the_statistics_are_for_managers(client, people, made, path):
    for role in ("officer", "trafford_officer"):
        client.force_login(people[role])
        response = client.get(path)
        assert response.status_code == 403
        page = response.content.decode()
        assert "for managers" in page
        assert not any(reference in page for reference in SOUTHWARK_OPEN)


@pytest.mark.parametrize("path", [*PAGES, "/statistics/backlog.csv"])
def test_signing_in_comes_first(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_platform_superuser_without_a_council_is_told_why_not(client, made):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="platform", council=None, is_superuser=True))
    response = client.get("/statistics/backlog/")
    assert response.status_code == 403
    assert "per council" in response.content.decode()
