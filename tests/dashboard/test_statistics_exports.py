"""The managers' downloads: CSV streamed, XLSX from openpyxl's write-only workbook; both open
with the rows the pages count, carry the council's code and the date or quarter in their
names, and never let a cell run as a formula."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse

from planning import downloads, exports, statistics
from planning.models import PlanningApplication
from tests.api.conftest import client_for
from tests.dashboard.statistics_caseload import (
    FORMULA_ADDRESS,
    SOUTHWARK_OPEN,
    build,
    last_quarter,
)
from tests.factories import CouncilApiKeyFactory


@pytest.fixture
def made(southwark, trafford, people):
    return build(southwark, trafford, people)


@pytest.fixture
def manager(client, people):
    client.force_login(people["manager"])
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_it_downloads_the_backlog_as_csv_and_xlsx(manager, made, southwark):
    today = statistics.london_today()
    csv_response = manager.get("/statistics/backlog.csv")
    xlsx_response = manager.get("/statistics/backlog.xlsx")

    assert csv_response["Content-Disposition"] == (
        f'attachment; filename="{southwark.code}-backlog-{today}.csv"'
    )
    assert (
        f'filename="{southwark.code}-backlog-{today}.xlsx"'
        in (xlsx_response["Content-Disposition"])
    )
    assert xlsx_response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    for rows in (csv_rows(csv_response), xlsx_rows(xlsx_response)):
        header, body = rows[0], rows[1:]
        assert header == [*exports.APPLICATION_HEADER, "Triage lane"]
        assert sorted(row[0] for row in body) == SOUTHWARK_OPEN
        by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in body}
        overdue = by_reference["SWK/O03"]
        assert overdue["Deadline"] == "Overdue" and overdue["Case officer"] == "Priya Patel"
        assert overdue["Age band"] == "9-13 weeks" and overdue["Triage lane"] == "Standard"
        assert by_reference["SWK/O05"]["Triage lane"] == "Not triaged yet"
    csv_body = {row[0]: row for row in csv_rows(manager.get("/statistics/backlog.csv"))}
    xlsx_body = {row[0]: row for row in xlsx_rows(manager.get("/statistics/backlog.xlsx"))}
    # A formula in the data is text in both: quoted in CSV, a string cell in XLSX.
    assert csv_body["SWK/O04"][1] == "'" + FORMULA_ADDRESS
    assert xlsx_body["SWK/O04"][1] == FORMULA_ADDRESS
    # Numbers and dates keep their types in the workbook (days left is negative when overdue).
    assert isinstance(xlsx_body["SWK/O03"][13], int) and xlsx_body["SWK/O03"][13] < 0
    assert csv_body["SWK/O03"][13].startswith("-")  # a number, not quoted
    assert xlsx_body["SWK/O03"][8] == datetime.datetime.combine(
        made["overdue"].valid_date, datetime.time()
    )


def test_a_workbook_never_holds_a_formula(manager, made):
    content = b"".join(manager.get("/statistics/backlog.xlsx").streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


@pytest.mark.parametrize("name", ["ps1", "ps2", "speed"])
def test_it_downloads_the_returns_and_speed_as_the_pages_count_them(manager, made, southwark, name):
    quarter = last_quarter()
    visible = PlanningApplication.objects.filter(council=southwark)
    table = {
        "ps1": lambda: exports.ps1_table(visible, quarter),
        "ps2": lambda: exports.ps2_table(visible, quarter),
        "speed": lambda: exports.speed_table(visible, last=quarter),
    }[name]()
    expected = [list(table.header)] + [list(row) for row in table.rows]
    response = manager.get(f"/statistics/{name}.csv", {"quarter": quarter.slug})
    stem = "speed-to" if name == "speed" else name
    assert (
        f'filename="{southwark.code}-{stem}-{quarter.slug}.csv"'
        in (response["Content-Disposition"])
    )
    as_text = [[exports._csv_cell(value) for value in row] for row in expected]
    assert csv_rows(response) == [["" if v is None else str(v) for v in row] for row in as_text]

    workbook = xlsx_rows(manager.get(f"/statistics/{name}.xlsx", {"quarter": quarter.slug}))
    assert len(workbook) == len(expected) and workbook[0] == expected[0]
    for got, want in zip(workbook[1:], expected[1:], strict=True):
        # A workbook has no empty text: an empty cell reads back as None, a date as midnight.
        assert [g.date() if isinstance(g, datetime.datetime) else g for g in got] == [
            None if w == "" else w for w in want
        ]


def test_the_ps2_download_holds_the_hand_counted_figures(manager, made):
    rows = csv_rows(manager.get("/statistics/ps2.csv"))
    minor = dict(zip(rows[0], next(row for row in rows if row[1] == "Q13"), strict=True))
    assert (minor["Decisions"], minor["Granted"], minor["Refused"]) == ("10", "9", "1")
    assert minor["Not more than 8 weeks"] == "7"
    assert minor["Extension of time: in time"] == "1"
    assert rows[-1][2] == "All decisions" and rows[-1][3] == "12"


def test_it_downloads_the_applications_behind_a_figure(manager, made):
    overdue = statistics.backlog_summary(PlanningApplication.objects.all()).overdue
    rows = csv_rows(manager.get("/statistics/applications.csv", {"where": overdue.query}))
    assert sorted(row[0] for row in rows[1:]) == ["SWK/O03", "SWK/O04"]  # not Trafford's
    workbook = xlsx_rows(manager.get("/statistics/applications.xlsx", {"where": overdue.query}))
    assert sorted(row[0] for row in workbook[1:]) == ["SWK/O03", "SWK/O04"]


def test_it_downloads_the_review_figures_and_findings_for_a_period(manager, southwark):
    from tests.triage.test_review_statistics import caseload

    caseload(southwark)
    figures = csv_rows(manager.get("/statistics/reviews.csv", {"period": "2026-q1"}))
    assert figures[0][0] == "Finding code"
    assert ("constraint.article_4", "Added by officers") in {(r[0], r[1]) for r in figures}
    findings = xlsx_rows(manager.get("/statistics/findings.xlsx", {"period": "2026-q1"}))
    header = findings[0]
    reviewed = [dict(zip(header, row, strict=True)) for row in findings[1:] if row[9]]
    # The rejected location plan is not in the current result; the flood zone was amended.
    assert {row["Latest review"] for row in reviewed} == {"Accepted", "Amended"}
    assert all(isinstance(row["Reviewed at"], datetime.datetime) for row in reviewed)
    carried = [row for row in reviewed if row["Review carried over from an earlier run"] == "Yes"]
    assert carried  # the conservation-area acceptance, carried across two re-runs


@pytest.mark.parametrize(
    "path",
    [
        "/statistics/ps2.csv?quarter=2026-q9",
        "/statistics/speed.xlsx?quarter=0000-q1",
        "/statistics/reviews.csv?period=always",
        "/statistics/applications.csv?where=%5B%5D",
    ],
)
def test_a_bad_download_link_gets_a_govuk_error_page(manager, made, path):
    response = manager.get(path)
    assert response.status_code == 400
    assert "This download cannot be made" in response.content.decode()


@pytest.mark.parametrize("path", ["/statistics/nothing.csv", "/statistics/backlog.pdf"])
def test_an_unknown_download_is_not_found(manager, path):
    assert manager.get(path).status_code == 404


def test_csv_cells_that_would_run_as_formulas_are_quoted():
    assert [exports.csv_safe(v) for v in ["=1+1", "+44", "-x", "@SUM(A1)", "\tx", "ok", -3]] == [
        "'=1+1",
        "'+44",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "ok",
        -3,
    ]


def test_pages_and_api_offer_the_same_downloads_and_word_a_bad_choice_alike(
    manager, made, southwark
):
    southwark_api = client_for(CouncilApiKeyFactory(council=southwark).key)
    assert set(downloads.names()) == {
        "backlog",
        "ps1",
        "ps2",
        "speed",
        "reviews",
        "findings",
        "applications",
    }
    for name, choice in (("ps2", "2026-q9"), ("reviews", "always")):
        parameter = downloads.parameter_of(name)
        page = manager.get(f"/statistics/{name}.csv", {parameter: choice}).content.decode()
        problem = southwark_api.get(f"/api/v1/statistics/{name}.csv", {parameter: choice}).json()
        message = problem["errors"][0]["detail"]
        assert f"“{choice}” is not a" in message
        assert "2026-q2" in message
        assert message in page
