"""Tenancy, for every endpoint and method: a council's key never reads, lists, changes or
attaches to another council's applications (404, not 403, so existence is not told), and a
read-only key writes nothing."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from planning.models import Document, PlanningApplication
from tests.api.conftest import client_for, problem
from tests.api.test_documents import pdf_bytes
from tests.factories import (
    PlanningApplicationFactory,
    ReadOnlyCouncilApiKeyFactory,
)

URL = "/api/v1/applications/"
ODP_EXAMPLE = Path(__file__).parent / "data" / "odp" / "fullHouseholderInConservationArea.json"


def pdf_upload():
    return {
        "file": SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf"),
        "document_type": "locationPlan",
    }


# Every call addressed to one application: (method, path under the application, body, format).
ADDRESSED = [
    ("get", "", None, None),
    ("patch", "", {"valid_date": "2026-11-03"}, "json"),
    ("patch", "", {"withdrawn": True}, "json"),
    ("patch", "", {"extension_of_time_until": "2027-06-01"}, "json"),
    ("get", "documents/", None, None),
    ("post", "documents/", pdf_upload, "multipart"),
]
IDS = ["retrieve", "valid-date", "withdraw", "extension", "documents", "upload"]


def call(api, method, path, body, fmt):
    kwargs = {}
    if body is not None:
        kwargs = {"data": body() if callable(body) else body, "format": fmt}
    return getattr(api, method)(path, **kwargs)


@pytest.fixture
def theirs(trafford):
    return PlanningApplicationFactory(
        council=trafford, reference="26/AP/0417", application_type="pp.full.minor"
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(("method", "path", "body", "fmt"), ADDRESSED, ids=IDS)
def test_it_does_not_find_another_councils_application(
    southwark_api, theirs, method, path, body, fmt
):
    before = PlanningApplication.objects.values().get(pk=theirs.pk)

    response = call(southwark_api, method, f"{URL}{theirs.pk}/{path}", body, fmt)

    # The same answer as for an id nobody has.
    nobody = call(southwark_api, method, f"{URL}{theirs.pk + 1000}/{path}", body, fmt)
    assert problem(response, 404) == problem(nobody, 404) | {"detail": response.json()["detail"]}
    assert PlanningApplication.objects.values().get(pk=theirs.pk) == before
    assert not Document.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"reference": "26/AP/0417"},
        {"status": "received"},
        {"type": "pp.full.minor"},
        {"received_from": "2000-01-01", "received_to": "2100-01-01"},
        {"page_size": "200"},
    ],
)
def test_it_never_lists_another_councils_applications(southwark_api, southwark, theirs, query):
    ours = PlanningApplicationFactory(council=southwark, application_type="pp.full.minor")

    listing = southwark_api.get(URL, query).json()

    ids = [row["id"] for row in listing["results"]]
    assert theirs.pk not in ids
    assert ids in ([ours.pk], [])
    assert listing["count"] == len(ids)


def test_it_gives_a_council_its_own_record_for_a_reference_another_council_used(
    southwark_api, submission, theirs
):
    response = southwark_api.post(URL, submission, format="json")

    # Not a retry of the other council's record, and not a conflict with it.
    assert response.status_code == 201
    assert response.json()["id"] != theirs.pk
    assert PlanningApplication.objects.get(pk=theirs.pk).council.code == "E08000009"


def test_it_does_not_match_an_odp_resend_to_another_councils_record(southwark_api, trafford_api):
    odp = json.loads(ODP_EXAMPLE.read_text())
    theirs = trafford_api.post(f"{URL}odp/", odp, format="json")

    ours = southwark_api.post(f"{URL}odp/", odp, format="json")

    assert (theirs.status_code, ours.status_code) == (201, 201)
    assert ours.json()["id"] != theirs.json()["id"]
    assert ours.json()["council"] == "E09000028"


def test_it_does_not_replay_another_councils_idempotent_answer(
    southwark_api, trafford_api, submission
):
    theirs = trafford_api.post(
        URL, {**submission, "site": None}, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
    )
    ours = southwark_api.post(URL, submission, format="json", HTTP_IDEMPOTENCY_KEY="same-key")

    assert "Idempotent-Replayed" not in ours
    assert ours.json()["id"] != theirs.json()["id"]


@pytest.fixture
def reader(southwark):
    return client_for(ReadOnlyCouncilApiKeyFactory(council=southwark).key)


@pytest.mark.parametrize(
    ("method", "path", "body", "fmt"),
    [
        ("post", "", lambda: {"reference": "X"}, "json"),
        ("post", "odp/", lambda: json.loads(ODP_EXAMPLE.read_text()), "json"),
    ],
    ids=["submit", "submit-odp"],
)
def test_it_lets_a_read_only_key_submit_nothing(reader, method, path, body, fmt):
    response = call(reader, method, f"{URL}{path}", body, fmt)

    assert "read-only" in problem(response, 403)["detail"]
    assert not PlanningApplication.objects.exists()


@pytest.mark.parametrize(("method", "path", "body", "fmt"), ADDRESSED, ids=IDS)
def test_it_lets_a_read_only_key_read_its_own_and_change_nothing(
    reader, southwark, theirs, method, path, body, fmt
):
    ours = PlanningApplicationFactory(council=southwark)
    before = PlanningApplication.objects.values().get(pk=ours.pk)

    own = call(reader, method, f"{URL}{ours.pk}/{path}", body, fmt)
    other = call(reader, method, f"{URL}{theirs.pk}/{path}", body, fmt)

    if method == "get":
        assert own.status_code == 200
    else:
        assert "read-only" in problem(own, 403)["detail"]
    problem(other, 404)
    assert PlanningApplication.objects.values().get(pk=ours.pk) == before
    assert not Document.objects.exists()
    assert stored_files() == []
