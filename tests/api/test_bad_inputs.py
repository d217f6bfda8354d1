"""A corpus of bad inputs (JSON, geometry, files): each answered with a 4xx problem that says
what is wrong, and nothing half-stored (no application, no document, no file)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from planning.models import Document, IdempotentRequest, PlanningApplication
from tests.api.conftest import WOODWARDE_ROAD_SITE, problem
from tests.api.test_documents import pdf_bytes
from tests.factories import PlanningApplicationFactory

URL = "/api/v1/applications/"


def nothing_stored():
    root = Path(settings.MEDIA_ROOT)
    files = [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
    assert files == []
    assert not Document.objects.exists()
    assert not IdempotentRequest.objects.exists()


def valid() -> dict:
    return {
        "reference": "26/AP/0417",
        "application_type": "pp.full.householder",
        "description": "Single storey rear extension.",
        "site": WOODWARDE_ROAD_SITE,
        "received_date": "2026-11-02",
    }


RAW_BODIES = [
    ("{not json", "application/json", 400, "JSON parse error"),
    ('{"reference": "A", }', "application/json", 400, "JSON parse error"),
    ("[]", "application/json", 400, "Send a JSON object"),
    ("null", "application/json", 400, "Send a JSON object"),
    ('"a string"', "application/json", 400, "Send a JSON object"),
    ('{"floorspace_m2": NaN}', "application/json", 400, "JSON parse error"),
    ("[" * 100_000 + "]" * 100_000, "application/json", 400, "nested too deeply"),
    (b'{"reference": "\xff\xfe"}', "application/json", 400, "JSON parse error"),
    ("reference=26/AP/1", "application/x-www-form-urlencoded", 415, "Unsupported media type"),
    ("<application/>", "application/xml", 415, "Unsupported media type"),
    ("hello", "text/plain", 415, "Unsupported media type"),
]


@pytest.mark.parametrize(("body", "content_type", "status", "words"), RAW_BODIES)
def test_it_refuses_a_body_it_cannot_read(southwark_api, body, content_type, status, words):
    response = southwark_api.generic("POST", URL, body, content_type=content_type)

    assert words in problem(response, status)["detail"]
    assert not PlanningApplication.objects.exists()
    nothing_stored()


@pytest.mark.parametrize(
    "change",
    [
        {"reference": "A" * 101},
        {"reference": "26/AP/\x00"},
        {"description": "x" * 20_001},
        {"proposed_dwellings": 10**30},
        {"floorspace_m2": 1e308},
        {"received_date": "2026-02-30"},
        {"reported_constraints": [{"dataset": "conservation area"}]},
        {"reported_constraints": "conservation-area"},
        {"site": {"type": "Polygon", "coordinates": [[["-0.08", "51.45"]] * 4]}},
        {"site": {"type": "Polygon", "coordinates": [[[-0.08, 51.45]] * 3]}},
        {"site": {"type": "Polygon", "coordinates": [[[-0.08, 51.45, 0, 0]] * 4]}},
        {"site": {"type": "Polygon", "coordinates": [[[-0.08, 51.45]] * 4]}},
        {"site": {"type": "Polygon"}},
        {"site": {"coordinates": []}},
        {"site": []},
        {"site": "POLYGON((0 0, 1 0, 1 1, 0 0))"},
        {"site": {"type": "FeatureCollection", "features": []}},
        {"site": {"type": "GeometryCollection", "geometries": []}},
        {"site": {"type": "Feature", "geometry": None}},
    ],
)
def test_it_refuses_a_bad_field_and_points_at_it(southwark_api, change):
    response = southwark_api.post(URL, {**valid(), **change}, format="json")

    body = problem(response, 400)
    field = next(iter(change))
    assert any(error["pointer"].startswith(f"/{field}") for error in body["errors"]), body
    assert all(error["detail"] for error in body["errors"])
    assert not PlanningApplication.objects.exists()
    nothing_stored()


def test_it_refuses_a_body_over_the_request_limit(southwark_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    payload = {**valid(), "description": "x" * 4096}

    response = southwark_api.post(URL, payload, format="json")

    problem(response, 413)
    assert not PlanningApplication.objects.exists()


@pytest.fixture
def application(southwark):
    return PlanningApplicationFactory(council=southwark)


def test_it_refuses_a_document_sent_as_json(southwark_api, application):
    response = southwark_api.post(
        f"{URL}{application.pk}/documents/", {"file": "JVBERi0xLjQ="}, format="json"
    )
    problem(response, 415)
    nothing_stored()


def test_it_refuses_two_files_in_one_upload(southwark_api, application):
    files = {
        "file": SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf"),
        "other": SimpleUploadedFile("b.pdf", pdf_bytes(2), content_type="application/pdf"),
    }
    response = southwark_api.post(f"{URL}{application.pk}/documents/", files, format="multipart")
    assert problem(response, 400)["errors"] == [
        {"pointer": "/other", "detail": "Unexpected field: send only file and document_type."}
    ]
    nothing_stored()


def test_it_refuses_two_files_under_one_name(southwark_api, application):
    # Django's form parsing would keep the last of them and drop the first silently.
    files = {
        "file": [
            SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf"),
            SimpleUploadedFile("b.pdf", pdf_bytes(2), content_type="application/pdf"),
        ]
    }
    response = southwark_api.post(f"{URL}{application.pk}/documents/", files, format="multipart")
    assert problem(response, 400)["errors"] == [
        {"pointer": "/file", "detail": "Send one file in each request."}
    ]
    nothing_stored()


def test_it_refuses_a_document_body_that_is_not_multipart(southwark_api, application):
    response = southwark_api.generic(
        "POST",
        f"{URL}{application.pk}/documents/",
        b"--zzz\r\nbroken",
        content_type="multipart/form-data; boundary=zzz",
    )
    problem(response, 400)
    nothing_stored()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", ""),
        ("put", ""),
        ("delete", "{id}/"),
        ("put", "{id}/"),
        ("post", "{id}/"),
        ("patch", "{id}/documents/"),
        ("get", "odp/"),
    ],
)
def test_it_answers_a_method_it_does_not_offer_with_a_problem(
    southwark_api, application, method, path
):
    response = getattr(southwark_api, method)(URL + path.format(id=application.pk))
    problem(response, 405)


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/applications/abc/", "/api/v2/"])
def test_it_answers_an_unknown_path_with_a_problem(southwark_api, path):
    for method in ("get", "post", "delete"):
        problem(getattr(southwark_api, method)(path), 404)


def test_it_explains_its_problem_types(client):
    body = json.loads(client.get("/api/v1/problems/invalid-request").content)
    assert body["type"] == "/api/v1/problems/invalid-request"
    assert "pointer" in body["description"]
