"""The PS1/PS2 category and the statutory clock, as a council's system reads them back after
submitting an application and recording its valid date (DESIGN.md: 8 / 13 / 16 weeks)."""

import datetime

import pytest
from django.utils import timezone

from tests.api.conftest import errors_at, problem

URL = "/api/v1/applications/"
RECEIVED = "2025-01-03"
VALID = "2025-01-06"  # a Monday


def submit_and_validate(api, submission, **fields):
    payload = {**submission, "received_date": RECEIVED, **fields}
    created = api.post(URL, payload, format="json")
    assert created.status_code == 201, created.json()
    before_valid = created.json()
    response = api.patch(created["Location"], {"valid_date": VALID}, format="json")
    assert response.status_code == 200, response.json()
    return before_valid, response.json()


def days_to(deadline: str) -> int:
    return (datetime.date.fromisoformat(deadline) - timezone.localdate()).days


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"application_type": "pp.full.householder", "project_types": ["extend.rear"]},
            ("other", None, "Q21", 8, "2025-03-03"),
        ),
        (
            {
                "application_type": "pp.full.minor",
                "proposed_dwellings": 4,
                "project_types": ["new.residential.dwelling"],
            },
            ("minor", None, "Q13", 8, "2025-03-03"),
        ),
        (
            {
                "application_type": "pp.full.major",
                "proposed_dwellings": 12,
                "project_types": ["new.residential.dwelling"],
            },
            ("major", "smallscale", "Q01", 13, "2025-04-07"),
        ),
        (
            {
                "application_type": "pp.full.major",
                "proposed_dwellings": 250,
                "project_types": ["new.residential.dwelling"],
                "eia_required": True,
            },
            ("major", "largescale", "Q01", 16, "2025-04-28"),
        ),
    ],
    ids=["householder", "minor-dwellings", "major-dwellings", "eia-major"],
)
def test_it_shows_the_category_and_the_deadline_from_the_valid_date(
    southwark_api, submission, fields, expected
):
    before_valid, body = submit_and_validate(southwark_api, submission, **fields)

    category, scale, ps2_code, weeks, deadline = expected
    assert (body["category"], body["scale"], body["ps2_code"]) == (category, scale, ps2_code)
    assert body["category_reason"]
    assert body["status"] == "valid"
    assert body["valid_date"] == VALID
    assert body["period_weeks"] == weeks
    assert body["statutory_deadline"] == deadline
    assert body["determination_deadline"] == deadline
    assert body["extended"] is False
    assert body["days_remaining"] == days_to(deadline)
    # Before the valid date there is a category but no clock.
    assert before_valid["ps2_code"] == ps2_code
    assert before_valid["period_weeks"] is None
    assert before_valid["determination_deadline"] is None
    assert before_valid["days_remaining"] is None


def test_it_says_why_an_application_is_major(southwark_api, submission):
    _, body = submit_and_validate(
        southwark_api,
        submission,
        application_type="pp.full.major",
        proposed_dwellings=12,
        project_types=["new.residential.dwelling"],
    )
    assert "12" in body["category_reason"]


def test_it_moves_the_deadline_to_an_agreed_extension_of_time(southwark_api, submission):
    _, body = submit_and_validate(
        southwark_api,
        submission,
        application_type="pp.full.major",
        proposed_dwellings=12,
        project_types=["new.residential.dwelling"],
    )
    url = f"{URL}{body['id']}/"

    response = southwark_api.patch(url, {"extension_of_time_until": "2025-05-30"}, format="json")

    assert response.status_code == 200, response.json()
    extended = response.json()
    assert extended["statutory_deadline"] == "2025-04-07"
    assert extended["extension_of_time_until"] == "2025-05-30"
    assert extended["determination_deadline"] == "2025-05-30"
    assert extended["extended"] is True
    assert extended["days_remaining"] == days_to("2025-05-30")
    assert southwark_api.get(url).json()["determination_deadline"] == "2025-05-30"


def test_it_refuses_an_extension_that_ends_before_the_statutory_deadline(southwark_api, submission):
    _, body = submit_and_validate(southwark_api, submission)

    response = southwark_api.patch(
        f"{URL}{body['id']}/", {"extension_of_time_until": "2025-03-03"}, format="json"
    )

    errors = errors_at(problem(response, 400))
    assert "after the statutory deadline (3 March 2025)" in errors["/extension_of_time_until"]
