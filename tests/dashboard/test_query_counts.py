"""The pages ask the database the same number of questions however much there is to show: the
queue, the application page and the managers' statistics pages, measured with a small and a
larger caseload. An N+1 (a query per row, per finding, per figure) fails here, in an ordinary
test, before any benchmark sees it. The ceilings are today's counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planning.models import ApplicationStatus, DecisionOutcome
from tests.dashboard.test_queue import make
from tests.factories import PlanningApplicationFactory
from tests.history.factories import PastApplicationFactory
from triage.models import Finding, FindingReview, FindingSource
from triage.vocabulary import Origin, Strength

QUEUE_QUERIES = 8
APPLICATION_QUERIES = 13
STATISTICS_QUERIES = {
    "/statistics/backlog/": 12,
    "/statistics/speed/": 4,
    "/statistics/ps1/": 4,
    "/statistics/ps2/": 4,
}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def caseload(council, officer, start: int, count: int) -> None:
    for number in range(start, start + count):
        make(
            council,
            f"SWK/Q{number}",
            lane=["needs-attention", "specialist", "standard", "fast-track"][number % 4],
            score=number,
            days_left=number % 30 - 5,
            datasets=["conservation-area"] if number % 2 else [],
            assigned_officer=officer if number % 3 else None,
        )
        decided = timezone.localdate() - datetime.timedelta(days=number)
        PlanningApplicationFactory(
            council=council,
            reference=f"SWK/D{number}",
            status=ApplicationStatus.DETERMINED,
            valid_date=decided - datetime.timedelta(days=40),
            received_date=decided - datetime.timedelta(days=45),
            decision=DecisionOutcome.GRANTED,
            decision_date=decided,
        )


@pytest.mark.parametrize("tab", ["mine", "unassigned", "open", "recent", "decided"])
def test_the_queue_asks_as_many_questions_for_fifteen_rows_as_for_three(client, people, tab):
    officer = people["officer"]
    council = officer.council
    client.force_login(officer)
    caseload(council, officer, 0, 3)
    few = queries(client, f"/?tab={tab}")
    caseload(council, officer, 3, 12)
    many = queries(client, f"/?tab={tab}")

    assert many == few
    assert many <= QUEUE_QUERIES, many


def add_findings(application, run, officer, count: int) -> None:
    for number in range(count):
        finding = Finding.objects.create(
            application=application,
            run=run,
            code="proposal.storeys",
            value=str(number + 1),
            title=f"statement: storeys = {number + 1}",
            source=FindingSource.DOCUMENT,
            origin=Origin.RULES,
            engine="rules",
            strength=Strength.DIRECT if number % 2 else Strength.INDIRECT,
            quote=f"{number + 1} storeys",
            page_number=1,
        )
        FindingReview.objects.create(
            finding=finding, reviewer=officer, decision="accepted", reviewer_name="Olivia"
        )


def test_the_application_page_asks_as_many_questions_for_twenty_findings_and_a_history_as_for_two(
    client, people, triaged
):
    officer = people["officer"]
    client.force_login(officer)
    run = triaged.triage.result_run
    url = f"/applications/{triaged.pk}/"
    add_findings(triaged, run, officer, 2)
    PastApplicationFactory(council=triaged.council, geometry=triaged.site)
    few = queries(client, url)
    add_findings(triaged, run, officer, 18)
    for _ in range(10):
        PastApplicationFactory(council=triaged.council, geometry=triaged.site)
    many = queries(client, url)

    assert many == few
    assert many <= APPLICATION_QUERIES, many


@pytest.mark.parametrize("url", list(STATISTICS_QUERIES))
def test_the_statistics_pages_ask_as_many_questions_for_a_larger_caseload(client, people, url):
    manager = people["manager"]
    client.force_login(manager)
    caseload(manager.council, people["officer"], 0, 3)
    few = queries(client, url)
    caseload(manager.council, people["officer2"], 3, 12)
    many = queries(client, url)

    assert many == few
    assert many <= STATISTICS_QUERIES[url], many
