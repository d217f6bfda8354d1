"""The limited update: a valid date, an agreed extension of time, a withdrawal; nothing else."""

import datetime

import pytest

from planning.models import PlanningApplication
from tests.api.conftest import client_for, errors_at, problem
from tests.factories import PlanningApplicationFactory, ReadOnlyCouncilApiKeyFactory

RECEIVED = datetime.date(2025, 1, 3)


@pytest.fixture
def application(southwark):
    return PlanningApplicationFactory(council=southwark, received_date=RECEIVED)


def url(application) -> str:
    return f"/api/v1/applications/{application.pk}/"


def test_it_records_the_valid_date_and_starts_the_clock(southwark_api, application):
    response = southwark_api.patch(url(application), {"valid_date": "2025-01-06"}, format="json")

    assert response.status_code == 200
    assert response.json()["determination_deadline"] == "2025-03-03"
    application.refresh_from_db()
    assert (application.status, application.valid_date) == ("valid", datetime.date(2025, 1, 6))


def test_it_records_a_withdrawal_that_cannot_be_undone(southwark_api, application):
    response = southwark_api.patch(url(application), {"withdrawn": True}, format="json")

    assert response.json()["status"] == "withdrawn"
    assert response.json()["days_remaining"] is None
    again = southwark_api.patch(url(application), {"withdrawn": True}, format="json")
    assert again.status_code == 200
    undo = southwark_api.patch(url(application), {"withdrawn": False}, format="json")
    assert "/withdrawn" in errors_at(problem(undo, 400))
    later = southwark_api.patch(url(application), {"valid_date": "2025-01-06"}, format="json")
    assert problem(later, 409)["type"] == "/api/v1/problems/update-refused"
    application.refresh_from_db()
    assert (application.status, application.valid_date) == ("withdrawn", None)


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ({"status": "determined"}, "/status", "Extra inputs"),
        ({"description": "Something else"}, "/description", "Extra inputs"),
        ({"valid_date": "6 January 2025"}, "/valid_date", "date"),
        ({"valid_date": "2025-01-02"}, "/valid_date", "before the received date"),
        ({"valid_date": "2999-01-01"}, "/valid_date", "future"),
        ({"extension_of_time_until": "2025-06-01"}, "/extension_of_time_until", "valid date"),
        ({}, "", "Send valid_date"),
    ],
)
def test_it_refuses_any_other_change_and_says_where(
    southwark_api, application, change, where, words
):
    response = southwark_api.patch(url(application), change, format="json")

    errors = errors_at(problem(response, 400))
    assert words in errors[where], errors
    held = PlanningApplication.objects.get(pk=application.pk)
    assert (held.status, held.valid_date, held.extension_of_time_until) == ("received", None, None)


def test_it_refuses_an_extension_once_a_decision_is_recorded(southwark_api, southwark):
    decided = PlanningApplicationFactory(
        council=southwark,
        received_date=RECEIVED,
        valid_date=datetime.date(2025, 1, 6),
        decision_date=datetime.date(2025, 2, 20),
        status="determined",
    )

    response = southwark_api.patch(
        url(decided), {"extension_of_time_until": "2025-06-01"}, format="json"
    )

    body = problem(response, 409)
    assert "decision is recorded" in errors_at(body)["/extension_of_time_until"]
    decided.refresh_from_db()
    assert decided.extension_of_time_until is None


def test_it_lets_a_read_only_key_read_but_not_change(southwark, application, trafford):
    reader = client_for(ReadOnlyCouncilApiKeyFactory(council=southwark).key)
    theirs = PlanningApplicationFactory(council=trafford)

    assert reader.get(url(application)).status_code == 200
    refused = reader.patch(url(application), {"withdrawn": True}, format="json")
    assert "read-only" in problem(refused, 403)["detail"]
    # Another council's application is not found, whatever the key may do.
    problem(reader.patch(url(theirs), {"withdrawn": True}, format="json"), 404)
    application.refresh_from_db()
    assert application.status == "received"


def test_it_wants_json_for_an_update(southwark_api, application):
    response = southwark_api.patch(
        url(application), "valid_date=2025-01-06", content_type="application/x-www-form-urlencoded"
    )
    problem(response, 415)
