"""The published OpenAPI document, and the API held to it by generated requests."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory


def test_it_publishes_an_openapi_document_with_the_key_scheme(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["councilApiKey"]["scheme"] == "bearer"
    submission = document["components"]["schemas"]["ApplicationSubmission"]
    assert submission["additionalProperties"] is False
    assert client.get("/api/v1/docs/").status_code == 200


# Loaded at collection: drawing up the document needs no database.
generated = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
# The coverage phase (every boundary value of every field) took minutes here; 40 derandomised
# fuzzed requests per operation find the same kinds of mistake in seconds.
generated.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def wsgi_keeps_the_test_transaction(db):
    # The WSGI handler closes the database connection after each request; the test's
    # transaction must survive it, as it does under Django's own test client.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@generated.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    # The same requests on every run: CI must not pass or fail by chance.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_generated_requests_as_its_schema_says(
    case, southwark_key, wsgi_keeps_the_test_transaction
):
    # A real application for the path ids to hit, besides the ones that 404.
    PlanningApplicationFactory(council=southwark_key.council)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {southwark_key.key}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
    )


def test_it_documents_examples_problems_and_the_key_in_the_schema(client):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = document["paths"]

    submit = paths["/api/v1/applications/"]["post"]
    examples = submit["requestBody"]["content"]["application/json"]["examples"]
    assert {example["value"]["application_type"] for example in examples.values()} == {
        "pp.full.householder",
        "pp.full.major",
    }
    upload = paths["/api/v1/applications/{id}/documents/"]["post"]["requestBody"]["content"]
    (example,) = upload["multipart/form-data"]["examples"].values()
    assert example["value"]["document_type"] == "locationPlan"
    assert "Idempotency-Key" in [p["name"] for p in submit["parameters"]]
    # Every operation documents its errors as problems.
    for path, operations in paths.items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/applications"):
                continue
            for status in ("401", "404"):
                assert "application/problem+json" in operation["responses"][status]["content"], (
                    path,
                    method,
                )
    scheme = document["components"]["securitySchemes"]["councilApiKey"]
    assert "create_api_key" in scheme["description"]


def test_it_serves_the_docs_page_from_its_own_static_files(client):
    page = client.get("/api/v1/docs/").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/static/") for asset in assets)
    assert "https://" not in page and "http://" not in page


# Every read the schema allows is a read the API answers: the schema says no more than the API
# accepts. (Writes need a site, a file or dates that make sense together, which generated data
# cannot give; their refusals are held to the schema by the test above.)
reads = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
reads.config.phases.update(phases=["examples", "fuzzing"])
reads.config.generation.update(modes=[GenerationMode.POSITIVE])
reads = reads.include(method="GET")


@reads.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_accepts_every_read_its_schema_allows(
    case, southwark_key, wsgi_keeps_the_test_transaction
):
    application = PlanningApplicationFactory(council=southwark_key.council)
    document = DocumentFactory(application=application)
    # The ids in a path are the council's own records: any other is rightly not found.
    ids = {"pk": application.pk, "id": application.pk, "document_id": document.pk}
    for name in case.path_parameters or {}:
        if name in ids:
            case.path_parameters[name] = ids[name]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {southwark_key.key}"}
    response = case.call()

    # A page past the last is not found, as in any paged API; a range that ends before it
    # starts is refused, as its description says (a schema cannot relate two parameters).
    query = case.query or {}
    past_the_last_page = response.status_code == 404 and "page" in query
    inverted_range = (
        response.status_code == 400
        and str(query.get("received_to", "9999")) < str(query.get("received_from", ""))
        and "received_to is before received_from" in response.text
    )
    assert response.status_code < 400 or past_the_last_page or inverted_range, (
        case.method,
        case.formatted_path,
        case.query,
        response.status_code,
        response.text[:300],
    )
