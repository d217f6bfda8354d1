"""Recording the decision through the API: the same rules as the officers' page."""

import datetime

import pytest

from planning.models import ApplicationEvent
from tests.api.conftest import client_for, errors_at, problem
from tests.factories import PlanningApplicationFactory, ReadOnlyCouncilApiKeyFactory

VALID = datetime.date(2025, 1, 6)


@pytest.fixture
def application(southwark):
    return PlanningApplicationFactory(
        council=southwark,
        received_date=datetime.date(2025, 1, 3),
        valid_date=VALID,
        status="valid",
    )


def url(application) -> str:
    return f"/api/v1/applications/{application.pk}/"


def test_it_records_a_decision_with_its_date_and_level(southwark_api, application):
    response = southwark_api.patch(
        url(application),
        {"decision": "refused", "decision_date": "2025-02-20", "decision_level": "committee"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["decision"], body["decision_date"], body["decision_level"]) == (
        "determined",
        "refused",
        "2025-02-20",
        "committee",
    )
    assert body["days_remaining"] is None
    event = ApplicationEvent.objects.get(application=application, kind="decided")
    assert event.actor_name == "Southwark portal"
    assert event.summary == "Refused on 20 February 2025 (planning committee)"


def test_a_decision_defaults_to_delegated(southwark_api, application):
    response = southwark_api.patch(
        url(application), {"decision": "granted", "decision_date": "2025-02-20"}, format="json"
    )
    assert response.json()["decision_level"] == "delegated"


def test_a_decision_needs_its_date(southwark_api, application):
    response = southwark_api.patch(url(application), {"decision": "granted"}, format="json")
    assert "A decision needs both" in problem(response, 400)["errors"][0]["detail"]
    application.refresh_from_db()
    assert application.decision == ""


def test_a_decision_before_the_valid_date_is_refused_and_nothing_changes(
    southwark_api, application
):
    response = southwark_api.patch(
        url(application),
        {
            "extension_of_time_until": "2025-04-30",
            "decision": "granted",
            "decision_date": "2025-01-02",
        },
        format="json",
    )
    errors = errors_at(problem(response, 400))
    assert "cannot be before the valid date" in errors["/decision_date"]
    application.refresh_from_db()
    # One change refused: none is made, the extension of time included.
    assert (application.extension_of_time_until, application.status) == (None, "valid")


def test_a_decided_application_changes_no_more(southwark_api, application):
    southwark_api.patch(
        url(application), {"decision": "granted", "decision_date": "2025-02-20"}, format="json"
    )
    again = southwark_api.patch(
        url(application), {"decision": "refused", "decision_date": "2025-02-21"}, format="json"
    )
    assert problem(again, 409)["errors"][0]["pointer"] == "/decision"


def test_a_planning_performance_agreement_is_recorded_with_its_date(southwark_api, application):
    response = southwark_api.patch(
        url(application),
        {"extension_of_time_until": "2025-06-30", "performance_agreement": True},
        format="json",
    )
    assert response.json()["performance_agreement"] is True
    lone = southwark_api.patch(url(application), {"performance_agreement": True}, format="json")
    assert "send both" in problem(lone, 400)["errors"][0]["detail"]


def test_a_read_only_key_and_another_council_cannot_decide(southwark, trafford_api, application):
    reader = client_for(ReadOnlyCouncilApiKeyFactory(council=southwark).key)
    decision = {"decision": "granted", "decision_date": "2025-02-20"}
    problem(reader.patch(url(application), decision, format="json"), 403)
    problem(trafford_api.patch(url(application), decision, format="json"), 404)
    application.refresh_from_db()
    assert application.decision == "" and application.status == "valid"
