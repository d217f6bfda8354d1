import socket

import pytest


def test_it_reports_database_and_redis_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
    assert body["checks"]["model_server"]["status"] == "not configured"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_it_names_redis_when_redis_is_unreachable(db, client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


def test_it_names_the_model_server_when_configured_and_down(db, client, settings):
    settings.LLM_BASE_URL = f"http://127.0.0.1:{_closed_port()}/v1"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["model_server"]


@pytest.mark.django_db
def test_it_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_it_never_shows_the_raw_error_or_the_address(db, client, settings):
    port = _closed_port()
    settings.REDIS_URL = f"redis://triage:hunter2@127.0.0.1:{port}/0"
    settings.LLM_BASE_URL = f"http://127.0.0.1:{port}/v1"

    response = client.get("/healthz")

    text = response.content.decode()
    assert response.json()["checks"]["redis"]["error"] == "unreachable"
    assert response.json()["checks"]["model_server"]["error"] == "unreachable"
    for leak in ("hunter2", "127.0.0.1", str(port), "Error", "errno"):
        assert leak not in text
