import hashlib
import io
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image
from pypdf import PdfWriter

from planning.models import Document
from planning.signals import document_added
from tests.api.conftest import client_for, errors_at, problem
from tests.factories import PlanningApplicationFactory


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def application(southwark):
    return PlanningApplicationFactory(council=southwark, reference="26/AP/0417")


def documents_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/documents/"


def upload(
    api, application, content: bytes, name="plan.pdf", content_type="application/pdf", **extra
):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return api.post(documents_url(application), {"file": file, **extra}, format="multipart")


def test_it_stores_a_document_under_its_sha256_and_reads_its_type_from_the_bytes(
    southwark_api, application
):
    content = pdf_bytes(pages=2)
    # The client's claimed content type is ignored: the bytes say what the file is.
    response = upload(
        southwark_api, application, content, content_type="text/plain", document_type="locationPlan"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert body["sha256"] == sha256
    assert body["content_type"] == "application/pdf"
    assert body["document_type"] == "locationPlan"
    assert body["size_bytes"] == len(content)
    assert body["text_status"] == "pending"
    document = Document.objects.get(pk=body["id"])
    assert document.file.name == f"documents/E09000028/{sha256[:2]}/{sha256}"
    with document.file.open("rb") as stored:
        assert stored.read() == content
    listed = southwark_api.get(documents_url(application)).json()
    assert [row["id"] for row in listed] == [body["id"]]
    detail = southwark_api.get(f"/api/v1/applications/{application.pk}/").json()
    assert [row["sha256"] for row in detail["documents"]] == [sha256]


def test_it_accepts_a_scanned_image(southwark_api, application):
    response = upload(southwark_api, application, png_bytes(), name="photo.png")
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


def test_it_answers_the_same_file_again_with_the_document_it_holds(
    southwark_api, application, django_capture_on_commit_callbacks
):
    added = []

    def listener(sender, document, **kwargs):
        added.append(document.pk)

    document_added.connect(listener)
    try:
        content = pdf_bytes()
        with django_capture_on_commit_callbacks(execute=True):
            first = upload(southwark_api, application, content)
        with django_capture_on_commit_callbacks(execute=True):
            again = upload(southwark_api, application, content, name="copy-of-plan.pdf")
    finally:
        document_added.disconnect(listener)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["original_filename"] == "plan.pdf"
    assert added == [first.json()["id"]]
    assert application.documents.count() == 1


def test_it_shares_one_stored_copy_between_two_applications(southwark_api, southwark, application):
    other = PlanningApplicationFactory(council=southwark, reference="26/AP/0418")
    content = pdf_bytes()

    first = upload(southwark_api, application, content)
    second = upload(southwark_api, other, content)

    assert (first.status_code, second.status_code) == (201, 201)
    names = set(Document.objects.values_list("file", flat=True))
    assert len(names) == 1


def test_it_keeps_only_the_last_part_of_a_path_as_the_filename(southwark_api, application):
    response = upload(southwark_api, application, pdf_bytes(), name="C:\\Users\\agent\\plan.pdf")
    assert response.json()["original_filename"] == "plan.pdf"


def test_it_refuses_a_file_it_cannot_read(southwark_api, application):
    response = upload(southwark_api, application, b"Just some words.\n" * 20, name="notes.pdf")

    body = problem(response, 415)
    assert body["reason"] == "extension_mismatch"
    assert "named .pdf but its contents are text/plain" in errors_at(body)["/file"]
    assert not Document.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(southwark_api, application, settings):
    content = pdf_bytes(pages=20)
    settings.DOCUMENT_MAX_BYTES = len(content) - 1

    response = upload(southwark_api, application, content)

    assert problem(response, 413)["reason"] == "too_large"
    assert not Document.objects.exists()


def test_it_refuses_an_oversized_request_before_reading_it(southwark_api, application, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    body = b"x" * (2 * 1024 * 1024)

    response = southwark_api.post(
        documents_url(application), body, content_type="multipart/form-data; boundary=zzz"
    )

    assert "largest accepted" in errors_at(problem(response, 413))["/file"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"document_type": "locationPlan"}, "/file"),
        ({"file": b"", "document_type": "other"}, "/file"),
        ({"file": b"pdf", "document_type": "location plan; drop table"}, "/document_type"),
        ({"file": b"pdf", "document_type": "madeUpType"}, "/document_type"),
        ({"file": b"pdf", "author": "someone"}, "/author"),
    ],
)
def test_it_names_the_field_that_is_wrong(southwark_api, application, payload, field):
    data = dict(payload)
    if "file" in data:
        content = pdf_bytes() if data["file"] == b"pdf" else data["file"]
        data["file"] = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")

    response = southwark_api.post(documents_url(application), data, format="multipart")

    assert field in errors_at(problem(response, 400))
    assert not Document.objects.exists()


def test_it_does_not_let_a_council_upload_to_another_councils_application(
    trafford_api, application
):
    response = upload(trafford_api, application, pdf_bytes())
    problem(response, 404)
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_document_and_one_file_when_two_uploads_race(southwark_key, southwark):
    application = PlanningApplicationFactory(council=southwark)
    content = pdf_bytes(pages=3)
    barrier = threading.Barrier(2)
    responses = []

    def send():
        barrier.wait()
        try:
            responses.append(upload(client_for(southwark_key.key), application, content))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(response.status_code for response in responses) == [200, 201]
    document = Document.objects.get()
    folder = Path(settings.MEDIA_ROOT) / Path(document.file.name).parent
    # The loser's copy, if it wrote one, is gone: only the winner's file is on disk.
    assert [path.name for path in folder.iterdir() if path.name.startswith(document.sha256)] == [
        Path(document.file.name).name
    ]


def race(uploads) -> list:
    """Send the uploads (callables) at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(uploads))
    responses = []

    def send(upload_one):
        barrier.wait()
        try:
            responses.append(upload_one())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(one,)) for one in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def intact(document: Document) -> bool:
    with document.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == document.sha256


@pytest.mark.django_db(transaction=True)
def test_a_racing_upload_never_removes_the_file_the_winner_uses(
    southwark_key, southwark, monkeypatch
):
    # The interleaving that lost documents: the first request writes the file and is slow to
    # insert its row; the second finds the file, reuses it and commits; the first then fails
    # on the unique row and removed "its" file, which the committed row pointed at.
    from planning.submission import documents as submission

    real_store = submission._store

    def slow_after_writing(document, upload):
        wrote = real_store(document, upload)
        if wrote:
            time.sleep(0.5)
        return wrote

    monkeypatch.setattr(submission, "_store", slow_after_writing)
    application = PlanningApplicationFactory(council=southwark)
    content = pdf_bytes(pages=2)

    responses = race(
        [lambda: upload(client_for(southwark_key.key), application, content) for _ in range(2)]
    )

    assert sorted(response.status_code for response in responses) == [200, 201]
    assert intact(Document.objects.get())


@pytest.mark.django_db(transaction=True)
def test_many_racing_uploads_to_two_applications_share_one_intact_file(southwark_key, southwark):
    first = PlanningApplicationFactory(council=southwark)
    second = PlanningApplicationFactory(council=southwark)
    for trial in range(3):
        content = pdf_bytes(pages=trial + 1)
        responses = race(
            [
                lambda application=application, content=content: upload(
                    client_for(southwark_key.key), application, content
                )
                for application in (first, second) * 3
            ]
        )
        assert sorted(response.status_code for response in responses) == [200] * 4 + [201] * 2
    documents = list(Document.objects.all())
    assert len(documents) == 6
    assert all(intact(document) for document in documents)
    assert len(stored_files()) == 3


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "statement.txt",
            "Heritage statement\n\nThe house is in a conservation area \u2013 \u00a35.",
            "text/plain",
        ),
        ("design-and-access.md", "# Design and access\n\n- Scale: *modest*\n", "text/markdown"),
        ("notes", "No extension: plain text by its bytes.\n", "text/plain"),
    ],
)
def test_it_accepts_plain_text_and_markdown(
    southwark_api, application, name, content, content_type
):
    response = upload(
        southwark_api,
        application,
        content.encode(),
        name=name,
        content_type="application/octet-stream",
        document_type="heritageStatement",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["content_type"], body["document_type"]) == (content_type, "heritageStatement")
    assert body["page_count"] is None
    assert len(stored_files()) == 1


def test_it_counts_the_pages_of_a_pdf_it_accepts(southwark_api, application):
    response = upload(southwark_api, application, pdf_bytes(pages=3))
    assert response.json()["page_count"] == 3


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "status", "reason", "words"),
    [
        ("plan.pdf", lambda: pdf_bytes(pages=2)[:400], 422, "unreadable_pdf", "cannot be opened"),
        ("plan.pdf", lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, 422, "unreadable_pdf", "damaged"),
        ("plan.pdf", encrypted_pdf, 422, "unreadable_pdf", "password"),
        (
            "notes.txt",
            png_bytes,
            415,
            "extension_mismatch",
            "named .txt but its contents are image/png",
        ),
        (
            "notes.txt",
            lambda: b"text\x00with a NUL" * 10,
            415,
            "extension_mismatch",
            "not UTF-8 text",
        ),
        (
            "notes.md",
            lambda: "caf\u00e9 in Latin-1".encode("latin-1"),
            415,
            "extension_mismatch",
            "UTF-8",
        ),
        (
            "photo.jpg",
            png_bytes,
            415,
            "extension_mismatch",
            "named .jpg but its contents are image/png",
        ),
        (
            "archive",
            lambda: b"PK\x03\x04" + b"\x00" * 100,
            415,
            "type_not_accepted",
            "accepted are",
        ),
        ("blob", lambda: bytes(range(256)) * 4, 415, "type_not_accepted", "unknown type"),
    ],
    ids=[
        "truncated-pdf",
        "garbage-pdf",
        "encrypted-pdf",
        "png-as-text",
        "binary-as-text",
        "latin1-as-markdown",
        "png-as-jpeg",
        "zip",
        "binary",
    ],
)
def test_it_refuses_a_file_that_is_not_what_it_says_leaving_nothing_behind(
    southwark_api, application, name, content, status, reason, words
):
    response = upload(southwark_api, application, content(), name=name)

    body = problem(response, status)
    assert body["reason"] == reason
    assert words in errors_at(body)["/file"]
    assert not Document.objects.exists()
    assert stored_files() == []


def pdf_with_page(width_pt: float, height_pt: float, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width_pt, height=height_pt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_it_refuses_a_pdf_with_more_pages_than_it_reads(southwark_api, application, settings):
    settings.DOCUMENT_MAX_PAGES = 500
    # 501 blank A0 pages: a few kilobytes that would hold a worker for an hour of OCR.
    response = upload(southwark_api, application, pdf_with_page(2384, 3370, pages=501))

    body = problem(response, 422)
    assert body["reason"] == "too_many_pages"
    assert "501 pages; at most 500" in body["detail"]
    assert not Document.objects.exists()
    assert stored_files() == []


def test_it_refuses_a_page_larger_than_any_drawing(southwark_api, application):
    # A 200-inch square page: PDF's largest, 26 m².
    response = upload(southwark_api, application, pdf_with_page(14400, 14400))

    body = problem(response, 422)
    assert body["reason"] == "page_too_large"
    assert "Page 1 is 5.08 m by 5.08 m" in body["detail"]
    assert stored_files() == []


def test_it_accepts_an_a0_drawing(southwark_api, application):
    response = upload(southwark_api, application, pdf_with_page(2384, 3370, pages=2))

    assert response.status_code == 201
    assert response.json()["page_count"] == 2


def test_it_refuses_a_scan_with_more_pixels_than_ocr_reads(southwark_api, application, settings):
    settings.DOCUMENT_MAX_IMAGE_PIXELS = 1000
    response = upload(
        southwark_api, application, png_bytes(), name="scan.png", content_type="image/png"
    )

    body = problem(response, 422)
    assert body["reason"] == "page_too_large"
    assert "40 by 30 pixels" in body["detail"]


def test_it_counts_the_pages_of_a_multipage_tiff(southwark_api, application):
    out = io.BytesIO()
    frames = [Image.new("L", (40, 30), "white") for _ in range(3)]
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    response = upload(
        southwark_api, application, out.getvalue(), name="scan.tif", content_type="image/tiff"
    )

    assert response.status_code == 201
    assert response.json()["page_count"] == 3
