"""`Idempotency-Key` on POSTs: a retry replays the first answer; the key is not reusable for
another request while it lives (24 hours)."""

import datetime
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from planning.idempotency import fingerprint
from planning.models import Document, IdempotentRequest, PlanningApplication
from tests.api.conftest import errors_at, problem
from tests.api.test_documents import pdf_bytes
from tests.factories import PlanningApplicationFactory

URL = "/api/v1/applications/"


def post(api, payload, key):
    return api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_it_replays_the_first_answer_to_a_retry(southwark_api, submission):
    first = post(southwark_api, submission, "b0d1e6c2-retry")
    again = post(southwark_api, submission, "b0d1e6c2-retry")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert "Idempotent-Replayed" not in first
    assert PlanningApplication.objects.count() == 1


def test_it_refuses_the_same_key_for_a_different_request(southwark_api, submission):
    post(southwark_api, submission, "key-1")

    response = post(southwark_api, {**submission, "reference": "26/AP/9999"}, "key-1")

    assert problem(response, 422)["type"] == "/api/v1/problems/idempotency-key-reused"
    assert PlanningApplication.objects.count() == 1


def test_it_keeps_no_failed_answer_so_a_corrected_request_may_reuse_the_key(
    southwark_api, submission
):
    broken = post(southwark_api, {**submission, "description": ""}, "key-2")
    problem(broken, 400)

    fixed = post(southwark_api, submission, "key-2")

    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed


def test_it_keeps_keys_apart_per_council(southwark_api, trafford_api, submission):
    ours = post(southwark_api, submission, "shared-key")
    theirs = post(trafford_api, {**submission, "site": None}, "shared-key")

    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert ours.json()["id"] != theirs.json()["id"]


def test_it_forgets_a_key_after_24_hours(southwark_api, submission):
    post(southwark_api, submission, "old-key")
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    # Expired: the key is free for another request.
    other = post(southwark_api, {**submission, "reference": "26/AP/0500"}, "old-key")

    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other


def test_it_purges_expired_keys_with_a_command(southwark_api, submission):
    post(southwark_api, submission, "k-1")
    post(southwark_api, {**submission, "reference": "26/AP/0501"}, "k-2")
    IdempotentRequest.objects.filter(key="k-1").update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    out = StringIO()

    call_command("purge_idempotency_keys", stdout=out)

    assert "Forgot 1" in out.getvalue()
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["k-2"]


def test_it_names_a_malformed_key(southwark_api, submission):
    response = post(southwark_api, submission, "x" * 300)
    assert "Idempotency-Key" in errors_at(problem(response, 400))


def test_it_replays_a_document_upload_sent_with_a_new_multipart_boundary(southwark_api, southwark):
    application = PlanningApplicationFactory(council=southwark)
    url = f"{URL}{application.pk}/documents/"
    content = pdf_bytes()

    def send():
        file = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
        return southwark_api.post(
            url,
            {"file": file, "document_type": "locationPlan"},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first, again = send(), send()

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Document.objects.count() == 1


def test_it_asks_a_retry_to_wait_while_the_first_request_runs(southwark_api, southwark, submission):
    # The first request has taken the key and not yet answered.
    IdempotentRequest.objects.create(
        council=southwark,
        key="in-flight",
        request_hash=fingerprint("POST", URL, submission),
    )

    response = post(southwark_api, submission, "in-flight")

    assert problem(response, 409)["type"] == "/api/v1/problems/idempotency-key-in-use"
    assert not PlanningApplication.objects.exists()


def test_a_key_whose_request_died_midway_is_free_after_the_lock_time(
    southwark_api, southwark, submission
):
    # The first request took the key, and its process was killed before it answered.
    IdempotentRequest.objects.create(
        council=southwark, key="orphaned", request_hash=fingerprint("POST", URL, submission)
    )
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=3))

    response = post(southwark_api, submission, "orphaned")

    assert response.status_code == 201
    assert IdempotentRequest.objects.get(key="orphaned").response_status == 201
