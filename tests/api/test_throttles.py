"""Rate limits per council API key, counted in the real Redis (planning.api.throttles)."""

import json
import logging
import socket
import urllib.error
import urllib.request

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile

from planning.api.throttles import CouncilKeyThrottle
from tests.api.conftest import client_for, problem
from tests.factories import CouncilApiKeyFactory, PlanningApplicationFactory

LIST = "/api/v1/applications/"


class Clock:
    """time.time for the throttles, moved by hand: windows without waiting for them."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # 20 s into a minute, so a test's requests never straddle a window by accident.
    clock = Clock(1_800_000_000.0 - 1_800_000_000.0 % 60 + 20)
    monkeypatch.setattr(CouncilKeyThrottle, "timer", clock)
    return clock


def upload(api, application, content: bytes):
    file = SimpleUploadedFile("statement.txt", content, content_type="text/plain")
    return api.post(
        f"/api/v1/applications/{application.pk}/documents/", {"file": file}, format="multipart"
    )


def test_it_answers_a_key_over_its_limit_with_a_429_problem_and_retry_after(
    southwark_api, settings, clock
):
    settings.API_THROTTLE_RATE = "3/min"
    for _ in range(3):
        assert southwark_api.get(LIST).status_code == 200

    response = southwark_api.get(LIST)

    body = problem(response, 429)
    assert body["type"] == "about:blank"
    assert "3 requests a minute" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_counts_per_key_not_per_address(southwark_api, trafford_api, southwark, settings, clock):
    settings.API_THROTTLE_RATE = "2/min"
    for _ in range(2):
        assert southwark_api.get(LIST).status_code == 200
    assert southwark_api.get(LIST).status_code == 429

    # The same address (the test client's), another council's key: its own allowance.
    assert trafford_api.get(LIST).status_code == 200
    # And a second key of the same council is another integration, counted apart.
    other = CouncilApiKeyFactory(council=southwark)
    assert client_for(other.key).get(LIST).status_code == 200


def test_uploads_have_a_tighter_limit_of_their_own(southwark_api, southwark, settings, clock):
    settings.API_UPLOAD_THROTTLE_RATE = "2/min"
    application = PlanningApplicationFactory(council=southwark)
    assert upload(southwark_api, application, b"Design and access statement.").status_code == 201
    assert upload(southwark_api, application, b"Heritage statement.").status_code == 201

    refused = upload(southwark_api, application, b"Flood risk assessment.")

    body = problem(refused, 429)
    assert "2 document uploads a minute" in body["detail"]
    assert refused["Retry-After"]
    # Reading is not uploading: the key's general allowance is untouched.
    assert southwark_api.get(f"/api/v1/applications/{application.pk}/documents/").json()
    assert southwark_api.get(LIST).status_code == 200


def test_a_client_that_waits_as_told_gets_in_and_refusals_do_not_count(
    southwark_api, settings, clock
):
    settings.API_THROTTLE_RATE = "3/min"
    for _ in range(3):
        assert southwark_api.get(LIST).status_code == 200
    # Hammering while refused does not push the wait further out.
    waits = {int(southwark_api.get(LIST)["Retry-After"]) for _ in range(5)}
    assert len(waits) == 1
    wait = waits.pop()

    clock.now += wait - 1
    assert southwark_api.get(LIST).status_code == 429
    clock.now += 1
    assert southwark_api.get(LIST).status_code == 200


def test_a_window_boundary_is_no_chance_for_a_double_burst(southwark_api, settings, clock):
    settings.API_THROTTLE_RATE = "10/min"
    clock.now += 39  # the last second of the window
    for _ in range(10):
        assert southwark_api.get(LIST).status_code == 200
    clock.now += 2  # just into the next window: the last minute still holds ten requests

    assert southwark_api.get(LIST).status_code == 429


def test_the_counters_are_in_redis(southwark_api, southwark_key, settings):
    settings.API_THROTTLE_RATE = "50/min"
    southwark_api.get(LIST)

    cache = settings.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    client = redis.Redis.from_url(cache["LOCATION"])
    try:
        keys = client.keys(f"{cache['KEY_PREFIX']}:*")
    finally:
        client.close()
    assert [key.decode().split(":")[2] for key in keys] == [
        f"throttle_council-key_{southwark_key.pk}"
    ]


def test_requests_go_through_when_redis_does_not_answer(southwark_api, settings, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port}/0"}
    }
    settings.API_THROTTLE_RATE = "1/min"

    with caplog.at_level(logging.WARNING, logger="planning.api.throttles"):
        assert southwark_api.get(LIST).status_code == 200
        assert southwark_api.get(LIST).status_code == 200

    assert "Rate limit not checked" in caplog.text


def test_the_schema_documents_the_429_on_every_operation(client):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)


@pytest.mark.django_db(transaction=True)
def test_over_a_real_socket_the_429_carries_retry_after(live_server, southwark, settings):
    settings.API_THROTTLE_RATE = "1/min"
    key = CouncilApiKeyFactory(council=southwark)

    def get():
        request = urllib.request.Request(
            live_server.url + LIST, headers={"Authorization": f"Bearer {key.key}"}
        )
        return urllib.request.urlopen(request, timeout=10)

    with get() as first:
        assert first.status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        get()

    assert refused.value.code == 429
    assert refused.value.headers["Content-Type"] == "application/problem+json"
    # One request took the whole minute's allowance, so the wait reaches into the next one.
    assert 60 < int(refused.value.headers["Retry-After"]) <= 120
    assert json.loads(refused.value.read())["status"] == 429
