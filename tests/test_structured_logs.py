"""Structured logs: every line a JSON object carrying the request (or task) id, council,
application and run ids of what it is about; and nothing from a document's text or an
address in any line, whatever the code logged on the way."""

import io
import json
import logging

import pytest

from config.log_context import ContextFilter, IdsJsonFormatter
from tests.factories import CouncilApiKeyFactory, PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer, finding
from triage import pipeline, runs

SECRET_TEXT = "Mrs Ada Quillfeather of 12 Acacia Avenue objects to the basement."


@pytest.fixture
def log_lines(settings):
    """Every record logged during the test, at any level, as the production handler writes it
    (the formatter and filter of settings.LOGGING)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        IdsJsonFormatter(
            settings.LOGGING["formatters"]["json"]["fmt"],
            rename_fields=settings.LOGGING["formatters"]["json"]["rename_fields"],
        )
    )
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_the_production_logging_writes_json_with_the_ids(settings):
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["ids"]


def test_a_requests_lines_carry_its_id_and_the_keys_council(db, client, log_lines):
    key = CouncilApiKeyFactory()
    response = client.get(
        "/api/v1/applications/999999/",
        HTTP_AUTHORIZATION=f"Bearer {key.key}",
        HTTP_X_REQUEST_ID="portal-req-42",
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "portal-req-42"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"] != "bad id!"

    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["level"] == "WARNING" and line["message"].startswith("Not Found")
    assert line["request_id"] == "portal-req-42"
    assert line["council"] == str(key.council_id)
    assert {"time", "application", "run"} <= line.keys()
    assert "request" not in line  # Django's request object: its text holds the query string


def test_a_runs_lines_name_it_and_hold_no_document_text(db, settings, log_lines):
    with FakeModelServer() as server:
        settings.LLM_BASE_URL = server.base_url
        settings.LLM_MODEL = "fake-model"
        settings.LLM_RETRY_BACKOFF_SECONDS = 0.01
        application = PlanningApplicationFactory(address="12 Acacia Avenue, London")
        DocumentFactory(application=application, content=SECRET_TEXT.encode())
        quoting = {"findings": [finding("proposal.basement", "maybe", SECRET_TEXT)]}
        # A retry, a schema the answer breaks (quoting the document), then an answer quoting it.
        server.replies += [
            ("status", 503),
            ("json", {"findings": [{"quote": SECRET_TEXT}]}),
            ("json", quoting),
        ]
        run = runs.start_triage(application, engine="llm")
        pipeline.execute_run(run.pk)

    lines = log_lines()
    retried = [line for line in lines if "retry" in line["message"]]
    assert retried, [line["message"] for line in lines]
    for line in retried:
        assert line["run"] == str(run.pk)
        assert line["application"] == str(application.pk)
        assert line["council"] == str(application.council_id)
    everything = json.dumps(lines)
    for words in ("Quillfeather", "Acacia", "objects to the basement"):
        assert words not in everything
