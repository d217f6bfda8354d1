import socket

import pytest

from config import health


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


def test_it_checks_the_document_bucket_when_documents_are_in_object_storage(db, client, s3_bucket):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["document_storage"]["status"] == "ok"


def test_one_storage_client_serves_every_check_of_a_process(db, client, s3_bucket):
    health.storage_client.cache_clear()
    for _ in range(3):
        assert client.get("/healthz").json()["checks"]["document_storage"]["status"] == "ok"
    assert health.storage_client.cache_info().currsize == 1
    assert health.storage_client.cache_info().hits == 2


def test_it_names_the_document_storage_when_its_bucket_is_missing(db, client, settings, s3_bucket):
    storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**storage, "OPTIONS": {**storage["OPTIONS"], "bucket_name": "no-such-bucket"}},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["document_storage"]
    assert body["checks"]["document_storage"]["error"] == "answered HTTP 404"


def test_it_names_the_document_storage_when_the_store_is_unreachable(
    db, client, settings, s3_bucket
):
    storage = settings.STORAGES["default"]
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**storage, "OPTIONS": {**storage["OPTIONS"], "endpoint_url": endpoint}},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["document_storage"]
    assert body["checks"]["document_storage"]["error"] == "unreachable"
    assert endpoint not in response.content.decode()


def test_files_on_this_hosts_disk_need_no_check(db, client):
    response = client.get("/healthz")
    assert response.json()["checks"]["document_storage"] == {"status": "ok", "kind": "filesystem"}
