"""The managers' statistics as CSV through the API: the same tables as the pages' downloads,
for any live key of the council (read-only ones too), never another council's rows, errors
as problems."""

import csv
import io

import pytest

from planning import exports
from planning.models import PlanningApplication
from tests.api.conftest import client_for, errors_at, problem
from tests.dashboard.statistics_caseload import (
    FORMULA_ADDRESS,
    SOUTHWARK_OPEN,
    SOUTHWARK_REFERENCES,
    TRAFFORD_REFERENCES,
    build,
    last_quarter,
)
from tests.factories import ReadOnlyCouncilApiKeyFactory, UserFactory
from tests.triage.test_review_statistics import caseload as review_caseload

PATHS = [
    "/api/v1/statistics/backlog.csv",
    "/api/v1/statistics/ps1.csv",
    "/api/v1/statistics/ps2.csv",
    "/api/v1/statistics/speed.csv",
    "/api/v1/statistics/reviews.csv",
    "/api/v1/statistics/findings.csv",
]


@pytest.fixture
def made(southwark, trafford):
    people = {
        "officer": UserFactory(username="olivia", council=southwark),
        "officer2": UserFactory(username="priya", council=southwark),
    }
    return build(southwark, trafford, people)


@pytest.fixture
def reader(southwark):
    return client_for(ReadOnlyCouncilApiKeyFactory(council=southwark, name="Statistics").key)


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert not text.startswith("\ufeff")  # programs read the API's files: no byte order mark
    return list(csv.reader(io.StringIO(text)))


def test_it_gives_a_read_only_key_the_backlog_as_csv(reader, made, southwark):
    response = reader.get("/api/v1/statistics/backlog.csv")
    rows = rows_of(response)

    assert rows[0][:3] == ["Reference", "Address", "Application type"]
    assert rows[0][-1] == "Triage lane"  # added by triage, which planning does not know
    assert sorted(row[0] for row in rows[1:]) == SOUTHWARK_OPEN
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_reference["SWK/O03"]["Deadline"] == "Overdue"
    assert by_reference["SWK/O03"]["Triage lane"] == "Standard"
    assert by_reference["SWK/O02"]["Deadline"] == "At risk"
    assert by_reference["SWK/O05"]["Deadline"] == "No valid date yet"
    assert by_reference["SWK/O04"]["Address"] == "'" + FORMULA_ADDRESS
    filename = f'attachment; filename="{southwark.code}-backlog-'
    assert response["Content-Disposition"].startswith(filename)


def test_it_gives_the_returns_and_speed_the_pages_give(reader, made, southwark):
    quarter = last_quarter()
    visible = PlanningApplication.objects.filter(council=southwark)
    for name, table in (
        ("ps1", exports.ps1_table(visible, quarter)),
        ("ps2", exports.ps2_table(visible, quarter)),
        ("speed", exports.speed_table(visible, last=quarter)),
    ):
        response = reader.get(f"/api/v1/statistics/{name}.csv", {"quarter": quarter.slug})
        rows = rows_of(response)
        expected = list(csv.reader(io.StringIO("".join(exports.csv_chunks(table)))))
        assert rows == expected, name
        assert f"-{quarter.slug}.csv" in response["Content-Disposition"]

    ps2 = {row[1]: row for row in rows_of(reader.get("/api/v1/statistics/ps2.csv"))}
    header = rows_of(reader.get("/api/v1/statistics/ps2.csv"))[0]
    minor = dict(zip(header, ps2["Q13"], strict=True))
    assert minor["Decisions"] == "10" and minor["Refused"] == "1"
    assert minor["Not more than 8 weeks"] == "7"
    assert minor["More than 8, not more than 13 weeks"] == "2"
    assert minor["Extension of time"] == minor["Extension of time: in time"] == "1"
    speed = rows_of(reader.get("/api/v1/statistics/speed.csv"))
    non_major = dict(zip(speed[0], speed[2], strict=True))
    assert non_major["Decisions"] == "11" and non_major["In time (%)"] == "81.8"
    assert non_major["Within the statutory period alone (%)"] == "72.7"


def test_it_gives_the_ai_review_figures_and_findings_for_a_period(reader, southwark):
    review_caseload(southwark)  # three applications valid and received on 1 June 2026
    figures = rows_of(reader.get("/api/v1/statistics/reviews.csv", {"period": "2026-q1"}))
    by_check = {(row[0], row[1]): row for row in figures[1:]}
    conservation = dict(
        zip(figures[0], by_check[("constraint.conservation_area", "rules")], strict=True)
    )
    assert conservation["Findings"] == "3" and conservation["Accepted"] == "2"
    assert conservation["Not reviewed"] == "1"
    assert ("constraint.article_4", "Added by officers") in by_check

    findings = rows_of(reader.get("/api/v1/statistics/findings.csv", {"period": "2026-q1"}))
    assert findings[0][0] == "Reference" and len(findings) > 4
    assert {row[9] for row in findings[1:]} >= {"Accepted", "Amended", ""}
    # Received in another period: none of them.
    assert len(rows_of(reader.get("/api/v1/statistics/findings.csv", {"period": "2025-q1"}))) == 1


def test_it_never_gives_one_council_anothers_rows(trafford_api, made):
    for path in PATHS:
        text = "".join(row_text for row in rows_of(trafford_api.get(path)) for row_text in row)
        for reference in SOUTHWARK_REFERENCES:
            assert reference not in text, (path, reference)
    backlog = rows_of(trafford_api.get("/api/v1/statistics/backlog.csv"))
    assert [row[0] for row in backlog[1:]] == [TRAFFORD_REFERENCES[0]]


@pytest.mark.parametrize("path", PATHS)
def test_it_answers_a_call_without_a_key_with_a_problem(client, path):
    problem(client.get(path), 401)


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/v1/statistics/ps2.csv", {"quarter": "2026-q5"}, "quarter"),
        ("/api/v1/statistics/ps1.csv", {"quarter": "9999-q4"}, "quarter"),
        ("/api/v1/statistics/speed.csv", {"quarter": "yesterday"}, "quarter"),
        ("/api/v1/statistics/reviews.csv", {"period": "forever"}, "period"),
        ("/api/v1/statistics/backlog.csv", {"quarter": "2026-q1"}, "quarter"),
    ],
)
def test_it_refuses_a_bad_parameter_with_a_problem_naming_it(reader, path, query, parameter):
    body = problem(reader.get(path, query), 400)
    assert parameter in errors_at(body)


def test_it_only_reads(reader, southwark_api):
    problem(southwark_api.post("/api/v1/statistics/backlog.csv", {}, format="json"), 405)
    # A read-only key is refused any write before the method is looked at, as everywhere.
    problem(reader.post("/api/v1/statistics/backlog.csv", {}, format="json"), 403)


def test_it_serves_a_client_that_asks_for_csv(reader, made):
    response = reader.get("/api/v1/statistics/ps2.csv", HTTP_ACCEPT="text/csv")
    assert rows_of(response)[0][1] == "Code"
    body = problem(reader.get("/api/v1/statistics/ps2.csv?quarter=x", HTTP_ACCEPT="text/csv"), 400)
    assert "quarter" in errors_at(body)


def test_it_documents_each_csv_in_the_schema(client):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in PATHS:
        operation = document["paths"][path]["get"]
        assert "text/csv" in operation["responses"]["200"]["content"], path
        for status in ("400", "401", "404"):
            assert "application/problem+json" in operation["responses"][status]["content"]
