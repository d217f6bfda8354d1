"""The llm engine end to end through a real vLLM server (CPU, a tiny random model made locally):
the request format, the strict schema under constrained decoding, parsing and validation. The
model's text is noise, so its quotes cannot be on the page: they must be dropped and counted
without failing the run."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from triage import pipeline, runs
from triage.extractors.llm import PROMPT_VERSION
from triage.models import RunStatus

pytestmark = [pytest.mark.vllm, pytest.mark.django_db]


@pytest.fixture
def llm_settings(vllm_server, settings):
    """Point the llm engine at the real test server."""
    settings.LLM_BASE_URL = vllm_server.base_url
    settings.LLM_MODEL = vllm_server.model
    settings.LLM_API_KEY = vllm_server.api_key
    settings.LLM_TIMEOUT_SECONDS = 120
    # The test server's context is 4,096 tokens: the client fits each answer into what the
    # prompt leaves (counted by the server's tokenizer); two findings at most keep it quick.
    settings.LLM_MAX_FINDINGS_PER_REQUEST = 2
    settings.LLM_PROMPT_CHAR_BUDGET = 1000
    return settings


def test_it_runs_the_llm_engine_through_the_real_server(vllm_server, llm_settings):
    application = PlanningApplicationFactory()
    DocumentFactory(
        application=application,
        content=b"The site lies within the Camberwell Grove Conservation Area. "
        b"Three storeys are proposed.",
    )

    run = runs.start_triage(application, engine="llm")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED, run.error
    document_findings = run.findings.filter(source="document")
    # Whatever survived was verified against the page; the rest was counted, never shown.
    for finding in document_findings:
        assert (
            finding.quote in "The site lies within the Camberwell Grove Conservation Area. "
            "Three storeys are proposed."
        )
        assert finding.engine == f"llm:{vllm_server.model}@{PROMPT_VERSION}"
    assert run.pages_read == 1
    # The random model does answer (with noise): its invented quotes were dropped and counted.
    assert run.dropped_quotes >= 1
    assert run.lane  # the run was scored like any other


def test_triage_eval_scores_the_llm_engine_through_the_real_server(llm_settings):
    evalset = Path(__file__).parent.parent / "triage" / "evalset"
    out = StringIO()

    call_command("triage_eval", str(evalset), "--engine", "llm", stdout=out)

    lines = out.getvalue().strip().splitlines()
    # A random model finds nothing verifiable, but the whole path runs and is scored honestly.
    assert re.fullmatch(r"RESULT precision=[\d.]+ recall=[\d.]+ f1=[\d.]+ n=2", lines[-1])
    assert any(line.startswith("engine=llm") for line in lines)
