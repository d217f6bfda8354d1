"""Prometheus metrics: /metrics only for a scrape with the token; HTTP requests by URL pattern
(never an id); runs and the triage queue read from the database and the broker; reading, the
model server's requests, tokens and retries, and failed runs by kind, as the work happens;
and each worker's own exporter."""

import re
import urllib.error
import urllib.request

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from config.metrics import start_worker_exporter
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import NO_FINDINGS, FakeModelServer
from tests.vllm.server_process import free_loopback_port
from tests.worker import wait_for
from triage import pipeline, runs
from triage.document_text import read_document_text
from triage.metrics import observe_model_request
from triage.models import RunStatus

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def scraping(settings):
    settings.METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def scrape(client, auth) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **auth)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content.decode())


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found, name, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def other_sessions() -> int:
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_there_is_no_metrics_endpoint_without_a_token(db, client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_scrape_without_the_token_is_refused(db, client, scraping):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401
    assert b"http_requests_total" not in wrong.content


def test_http_requests_are_counted_by_url_pattern_not_path(db, client, scraping):
    application = PlanningApplicationFactory()
    before = scrape(client, scraping)
    client.get(f"/api/v1/applications/{application.pk}/")  # no key: 401
    client.get("/healthz")
    after = scrape(client, scraping)

    route = "api/v1/applications/<int:pk>/"
    labels = {"method": "GET", "route": route, "status": "401"}
    assert value(after, "http_requests_total", **labels) == (
        value(before, "http_requests_total", **labels) + 1
    )
    assert value(after, "http_requests_total", method="GET", route="healthz", status="200") >= 1
    # Patterns, never paths: no label holds the application's id.
    paths = [v for _, labels in after for _, v in labels if "/" in v]
    assert paths and not any(f"/{application.pk}/" in path for path in paths)


def test_runs_and_the_triage_queue_are_read_when_scraped(db, client, scraping):
    application = PlanningApplicationFactory()
    runs.start_triage(application, engine="rules")  # queued (sent on commit: not in a test)
    found = scrape(client, scraping)

    assert value(found, "triage_runs", status="queued") == 1
    assert value(found, "triage_runs", status="running") == 0
    assert value(found, "triage_metrics_source_up", source="database") == 1
    assert value(found, "triage_metrics_source_up", source="broker") == 1
    assert ("triage_queue_messages", (("state", "waiting"),)) in found


def test_a_broker_that_cannot_be_read_is_reported_down_not_as_an_empty_queue(
    db, client, scraping, settings
):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_loopback_port()}/0"
    found = scrape(client, scraping)
    assert value(found, "triage_metrics_source_up", source="broker") == 0
    assert ("triage_queue_messages", (("state", "waiting"),)) not in found


def test_reading_and_the_model_servers_requests_tokens_and_retries(db, client, scraping, settings):
    before = scrape(client, scraping)
    with FakeModelServer() as server:
        settings.LLM_BASE_URL = server.base_url
        settings.LLM_MODEL = "fake-model"
        settings.LLM_RETRY_BACKOFF_SECONDS = 0.01
        server.replies += [("status", 503), ("json", NO_FINDINGS)]
        application = PlanningApplicationFactory()
        document = DocumentFactory(application=application, content=b"A rear extension.")
        read_document_text(document)
        run = runs.start_triage(application, engine="llm")
        pipeline.execute_run(run.pk)
    after = scrape(client, scraping)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("triage_document_reading_seconds_count", outcome="read") == 1
    assert grew("triage_model_request_seconds_count", kind="chat") == 2
    assert grew("triage_model_request_seconds_count", kind="tokenize") >= 1
    assert grew("triage_model_retries_total", kind="chat", reason="503") == 1
    assert grew("triage_model_tokens_total", direction="in") == 100
    assert grew("triage_model_tokens_total", direction="out") == 10
    assert grew("triage_model_answers_total", finish_reason="stop") == 1
    assert grew("triage_run_seconds_count", status=RunStatus.SUCCEEDED, engine="llm") == 1


def test_failed_runs_are_counted_by_kind(db, client, scraping):
    before = scrape(client, scraping)
    run = runs.start_triage(PlanningApplicationFactory(), engine="rules")
    runs.fail_run(run.pk, "gave up after 6 retries: model server down", kind="retries-exhausted")
    after = scrape(client, scraping)

    labels = {"kind": "retries-exhausted"}
    assert value(after, "triage_run_failures_total", **labels) == (
        value(before, "triage_run_failures_total", **labels) + 1
    )


def test_a_worker_serves_its_hosts_metrics_to_a_scrape_with_the_token(db, scraping):
    # A labelled series appears once something is observed in this process; in a shared test
    # process that may or may not have happened yet, so the test observes one request itself.
    observe_model_request("models", 0.01)
    before = other_sessions()
    port = free_loopback_port()
    server = start_worker_exporter(f"127.0.0.1:{port}")
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == 401
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert re.search(
        r'^triage_model_request_seconds_bucket\{kind="models",le="0.05"\} [1-9]', text, re.M
    )
    assert re.search(r'^triage_metrics_source_up\{source="database"\} 1', text, re.M)
    # Its thread keeps no database connection between scrapes (it lives as long as the worker).
    wait_for(lambda: other_sessions() == before, 10, "the exporter kept its connection")
