"""Inputs that once answered an HTML 500: each is now a 4xx problem, and anything
unexpected still answers `application/problem+json`."""

import copy
import json
from pathlib import Path

import pytest

from tests.api.conftest import errors_at, problem

URL = "/api/v1/applications/"
ODP_URL = "/api/v1/applications/odp/"
ODP_EXAMPLE = Path(__file__).parent / "data" / "odp" / "fullHouseholderInConservationArea.json"


@pytest.fixture
def odp():
    return copy.deepcopy(json.loads(ODP_EXAMPLE.read_text()))


def test_a_nul_in_a_text_field_is_refused(southwark_api, submission):
    submission["description"] = "A rear\x00 extension"
    response = southwark_api.post(URL, submission, format="json")
    problem(response, 400)


def test_a_nul_in_a_list_filter_is_refused(southwark_api):
    response = southwark_api.get(URL, {"reference": "26/AP/\x00"})
    problem(response, 400)


def test_a_designation_outside_the_pattern_is_refused(southwark_api, odp):
    odp["data"]["property"]["planning"]["designations"] = [
        {"value": "conservation area!", "intersects": True}
    ]
    response = southwark_api.post(ODP_URL, odp, format="json")
    problem(response, 400)


def test_a_submitted_at_at_the_end_of_time_is_refused(southwark_api, odp):
    odp["metadata"]["submittedAt"] = "9999-12-31T23:00:00-05:00"
    response = southwark_api.post(ODP_URL, odp, format="json")
    problem(response, 400)


def test_deep_json_with_an_idempotency_key_is_refused(southwark_api):
    body = '{"a":' * 500 + "1" + "}" * 500
    response = southwark_api.generic(
        "POST", URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep-1"
    )
    problem(response, 400)


def test_a_repeated_query_parameter_is_refused(southwark_api):
    response = southwark_api.get(URL + "?status=new&status=withdrawn")
    body = problem(response, 400)
    assert body["errors"] == [{"parameter": "status", "detail": "Give this parameter once."}]


@pytest.mark.parametrize(
    "body",
    [
        '{"reference": "A", "reference": "B"}',
        '{"site": {"type": "Polygon", "type": "MultiPolygon"}}',
    ],
)
def test_duplicate_keys_are_refused(southwark_api, body):
    response = southwark_api.generic("POST", URL, body, content_type="application/json")
    assert "appears twice" in problem(response, 400)["detail"]


def test_a_nul_in_a_key_is_refused(southwark_api, submission):
    submission["site"]["x\x00"] = 1
    response = southwark_api.post(URL, submission, format="json")
    assert problem(response, 400)["errors"][0]["pointer"] == "/site"


SECRET_TEXT = "hunter2"


def test_a_bug_in_a_view_answers_a_problem_without_its_text(southwark_api, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError(f"postgres://triage:{SECRET_TEXT}@db.internal/triage is down")

    monkeypatch.setattr("planning.api.applications.submit_application", broken)
    response = southwark_api.post(
        URL,
        {
            "reference": "26/AP/1",
            "application_type": "pp.full.householder",
            "description": "A shed.",
            "received_date": "2026-01-05",
        },
        format="json",
    )

    body = problem(response, 500)
    assert SECRET_TEXT not in response.content.decode()
    assert "logged" in body["detail"]
    # Still logged with its traceback for the operators.
    assert any(
        record.exc_info and SECRET_TEXT in str(record.exc_info[1]) for record in caplog.records
    )


def test_a_bug_with_an_idempotency_key_lets_the_key_go(southwark_api, monkeypatch):
    from planning.models import IdempotentRequest

    monkeypatch.setattr("planning.api.applications.submit_application", _raise)
    response = southwark_api.post(
        URL,
        {
            "reference": "26/AP/1",
            "application_type": "pp.full.householder",
            "description": "A shed.",
            "received_date": "2026-01-05",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="bug-1",
    )

    problem(response, 500)
    assert not IdempotentRequest.objects.exists()


def _raise(*args, **kwargs):
    raise RuntimeError(SECRET_TEXT)


@pytest.mark.urls("tests.api.broken_urls")
def test_a_bug_outside_drf_still_answers_a_problem_under_the_api(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/broken")

    problem(response, 500)
    assert SECRET_TEXT not in response.content.decode()


@pytest.mark.urls("tests.api.broken_urls")
def test_a_bug_on_a_page_shows_a_plain_page_without_its_text(client):
    client.raise_request_exception = False
    response = client.get("/broken")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert SECRET_TEXT not in response.content.decode()
    assert "problem with the service" in response.content.decode()


@pytest.mark.parametrize("field", ["valid_date", "extension_of_time_until", "decision"])
def test_a_null_update_is_refused_rather_than_ignored(southwark_api, southwark, field):
    from tests.factories import PlanningApplicationFactory

    application = PlanningApplicationFactory(council=southwark)
    response = southwark_api.patch(
        f"/api/v1/applications/{application.pk}/", {field: None}, format="json"
    )

    body = problem(response, 400)
    assert "null is not a value here" in errors_at(body)[f"/{field}"]


def test_the_schema_says_update_fields_are_not_nullable(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    update = schema["components"]["schemas"]["PatchedApplicationUpdate"]["properties"]

    for name, field in update.items():
        assert "null" not in str(field).lower(), name
        assert "default" not in field, name


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        # Content negotiation finds no JSON the client accepts: 406.
        ("?status=nonsense", {"HTTP_ACCEPT": "text/html"}, 406),
        ("", {"HTTP_ACCEPT": "text/html"}, 406),
        # The browsable API's format is not one we serve: 404, as DRF answers an unknown one.
        ("?format=api", {}, 404),
    ],
)
def test_a_request_for_html_gets_a_problem_not_a_page(southwark_api, query, headers, status):
    # The browsable API's page ran the dashboard's context processors on a council's key.
    response = southwark_api.get(URL + query, **headers)

    problem(response, status)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("slug", ["invalid-request", "nothing"])
def test_a_problem_type_answers_other_methods_with_a_problem(method, slug):
    from django.test import Client

    # As a real client: CSRF checked, as the test client otherwise skips it.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"/api/v1/problems/{slug}")

    problem(response, 405 if slug == "invalid-request" else 404)


@pytest.mark.parametrize("value", ["\u0661", "\uff11", "1\u00b2"])
def test_a_page_in_digits_of_another_script_is_refused(southwark_api, value):
    response = southwark_api.get(URL, {"page": value})
    assert errors_at(problem(response, 400)) == {"page": "Give a whole number from 1."}


def test_a_method_not_offered_is_a_405_whatever_the_query(southwark_api):
    response = southwark_api.generic("TRACE", "/api/v1/statistics/backlog.csv?format=csv")
    problem(response, 405)


@pytest.mark.parametrize("name", ["reviews", "findings"])
def test_an_empty_period_is_refused_as_the_schema_says(southwark_api, name):
    response = southwark_api.get(f"/api/v1/statistics/{name}.csv?period=")
    assert "period" in errors_at(problem(response, 400))


def test_the_schema_offers_only_what_the_api_accepts(client):
    import re

    schema = client.get("/api/v1/schema/?format=json").json()
    listing = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/v1/applications/"]["get"]["parameters"]
    }
    assert listing["page"]["minimum"] == 1
    assert (listing["page_size"]["minimum"], listing["page_size"]["maximum"]) == (1, 200)
    submit = schema["paths"]["/api/v1/applications/"]["post"]["parameters"]
    (key,) = [parameter for parameter in submit if parameter["name"] == "Idempotency-Key"]
    assert not re.match(key["schema"]["pattern"], "k" * 256)
    assert not re.match(key["schema"]["pattern"], "a key")
    for name in ("ps1", "reviews"):
        parameters = schema["paths"][f"/api/v1/statistics/{name}.csv"]["get"]["parameters"]
        assert "format" not in [parameter["name"] for parameter in parameters]
        (period,) = parameters
        assert not re.match(period["schema"]["pattern"], "0000-q1")
        assert re.match(period["schema"]["pattern"], "2026-q2")
