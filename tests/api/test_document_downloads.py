"""A council's system downloads a document it sent, and the text triage read from it, with
the same key rules as the rest of the API; the same on the filesystem and in an S3 bucket."""

import base64
import hashlib

import pytest
from django.core.files.base import ContentFile

from planning.models import Document, TextStatus
from tests.api.conftest import client_for, problem
from tests.api.test_documents import pdf_bytes, upload
from tests.factories import PlanningApplicationFactory, ReadOnlyCouncilApiKeyFactory
from tests.triage.documents import scanned_image, text_pdf
from triage import document_text


@pytest.fixture
def application(southwark):
    return PlanningApplicationFactory(council=southwark, reference="26/AP/0417")


@pytest.fixture(params=["filesystem", "s3"])
def storage(request):
    """Each test runs against both stores: the default, and a real S3-compatible server."""
    if request.param == "s3":
        return request.getfixturevalue("s3_bucket")
    return None


def file_url(document_id: int, application) -> str:
    return f"/api/v1/applications/{application.pk}/documents/{document_id}/file"


def text_url(document_id: int, application) -> str:
    return f"/api/v1/applications/{application.pk}/documents/{document_id}/text"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_downloads_the_bytes_that_were_uploaded(storage, southwark_api, application):
    content = pdf_bytes(pages=2)
    sent = upload(southwark_api, application, content, name="Location plan.pdf").json()

    response = southwark_api.get(file_url(sent["id"], application))

    assert response.status_code == 200
    assert body_of(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert 'filename="Location plan.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    sha256 = hashlib.sha256(content)
    assert response["ETag"] == f'"{sha256.hexdigest()}"'
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(sha256.digest()).decode()}:"
    assert response["X-Content-Type-Options"] == "nosniff"
    if storage is not None:
        assert storage.keys() == [
            f"documents/E09000028/{sha256.hexdigest()[:2]}/{sha256.hexdigest()}"
        ]


def test_it_serves_a_client_that_asks_for_the_documents_own_type(
    storage, southwark_api, application
):
    sent = upload(southwark_api, application, pdf_bytes()).json()

    response = southwark_api.get(file_url(sent["id"], application), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert body_of(response) == pdf_bytes()


def test_a_read_only_key_downloads_its_councils_documents(
    storage, southwark, southwark_api, application
):
    sent = upload(southwark_api, application, pdf_bytes()).json()
    reader = client_for(ReadOnlyCouncilApiKeyFactory(council=southwark).key)

    assert reader.get(file_url(sent["id"], application)).status_code == 200
    assert reader.get(text_url(sent["id"], application)).status_code == 200


@pytest.mark.parametrize("where", [file_url, text_url], ids=["file", "text"])
def test_another_councils_key_finds_no_such_document(
    storage, where, southwark_api, trafford_api, application
):
    sent = upload(southwark_api, application, pdf_bytes()).json()

    problem(trafford_api.get(where(sent["id"], application)), 404)


@pytest.mark.parametrize("where", [file_url, text_url], ids=["file", "text"])
def test_a_document_is_found_only_under_its_own_application(
    where, southwark, southwark_api, application
):
    sent = upload(southwark_api, application, pdf_bytes()).json()
    other = PlanningApplicationFactory(council=southwark, reference="26/AP/0418")

    problem(southwark_api.get(where(sent["id"], other)), 404)
    problem(southwark_api.get(where(sent["id"] + 1000, application)), 404)


@pytest.mark.parametrize("where", [file_url, text_url], ids=["file", "text"])
def test_without_a_key_nothing_is_downloaded(where, southwark_api, application, client):
    sent = upload(southwark_api, application, pdf_bytes()).json()

    problem(client.get(where(sent["id"], application)), 401)


@pytest.mark.parametrize("where", [file_url, text_url], ids=["file", "text"])
def test_writes_are_not_allowed(where, southwark_api, application):
    sent = upload(southwark_api, application, pdf_bytes()).json()

    for method in ("post", "put", "patch", "delete"):
        problem(getattr(southwark_api, method)(where(sent["id"], application)), 405)


def test_a_file_gone_from_storage_is_not_found_and_says_so(storage, southwark_api, application):
    sent = upload(southwark_api, application, pdf_bytes()).json()
    document = Document.objects.get(pk=sent["id"])
    document.file.storage.delete(document.file.name)

    body = problem(southwark_api.get(file_url(sent["id"], application)), 404)
    assert "not in storage" in body["detail"]


def test_the_text_is_pending_until_the_document_is_read_then_page_by_page(
    storage, southwark_api, application
):
    content = text_pdf(["Heritage statement for 140 Woodwarde Road.", "The rear extension."])
    sent = upload(southwark_api, application, content, name="heritage.pdf").json()

    pending = southwark_api.get(text_url(sent["id"], application)).json()
    document_text.read_stored_document(sent["id"])
    read = southwark_api.get(text_url(sent["id"], application)).json()

    assert pending == {"document": sent["id"], "text_status": "pending", "reason": "", "pages": []}
    assert read["text_status"] == "extracted"
    assert [page["number"] for page in read["pages"]] == [1, 2]
    assert "Heritage statement" in read["pages"][0]["text"]
    assert read["pages"][1]["ocr"] is False


def test_a_scan_is_read_by_ocr_from_either_store(storage, southwark_api, application):
    content = scanned_image(["FLOOD RISK ASSESSMENT", "Flood Zone 3"])
    sent = upload(southwark_api, application, content, name="scan.png").json()

    document_text.read_stored_document(sent["id"])
    read = southwark_api.get(text_url(sent["id"], application)).json()

    assert read["text_status"] == "extracted"
    assert read["pages"][0]["ocr"] is True
    assert "FLOOD" in read["pages"][0]["text"].upper()


def test_a_stored_file_that_changed_is_not_read(storage, southwark_api, application):
    sent = upload(southwark_api, application, pdf_bytes()).json()
    document = Document.objects.get(pk=sent["id"])
    # Same size, other bytes: a file damaged or replaced in storage.
    tampered = bytearray(pdf_bytes())
    tampered[-10] ^= 0xFF
    document.file.storage.delete(document.file.name)
    document.file.storage.save(document.file.name, _named(bytes(tampered)))

    document_text.read_stored_document(sent["id"])
    read = southwark_api.get(text_url(sent["id"], application)).json()

    assert read["text_status"] == TextStatus.FAILED
    assert "does not match" in read["reason"]
    assert read["pages"] == []


def _named(data: bytes) -> ContentFile:
    return ContentFile(data)
