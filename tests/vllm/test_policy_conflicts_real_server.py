"""The llm engine's policy-conflict judgement through a real vLLM server (CPU, the tiny random
model): the prompt with the few selected policies, the strict schema with the policy and the
document narrowed to enums under constrained decoding, and the verification of both quotes.
The model's text is noise: whatever it claims must be checked, and what fails is counted."""

import re
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from tests.triage.test_runs import AROUND_SITE
from triage import pipeline, runs
from triage.extractors.base import ApplicationFacts, DocumentInput
from triage.extractors.llm_conflicts import (
    CONFLICT_PROMPT_VERSION,
    SYSTEM_PROMPT,
    LLMConflictChecker,
    build_user_message,
)
from triage.llm_client import LLMClient
from triage.llm_client.budget import fit_answer
from triage.models import RunStatus
from triage.quotes import quote_on_page
from triage.schemas import ModelConflicts
from triage.text import PageText

pytestmark = [pytest.mark.vllm, pytest.mark.django_db]

STATEMENT = "It is proposed to fell the protected oak (T1) at the rear of the garden."


@pytest.fixture
def llm_settings(vllm_server, settings):
    settings.LLM_BASE_URL = vllm_server.base_url
    settings.LLM_MODEL = vllm_server.model
    settings.LLM_API_KEY = vllm_server.api_key
    settings.LLM_TIMEOUT_SECONDS = 120
    # The test server's context is 4,096 tokens: keep the prompt small (the client fits the
    # answer into what is left).
    settings.LLM_MAX_FINDINGS_PER_REQUEST = 2
    settings.LLM_PROMPT_CHAR_BUDGET = 800
    return settings


@pytest.fixture
def felling(southwark, tmp_path):
    call_command("load_policies", stdout=StringIO())
    load_polygon_layer(
        tmp_path, dataset="tree-preservation-zone", name="TPO 70", wkt_27700=AROUND_SITE
    )
    application = PlanningApplicationFactory(
        council=southwark, description="Felling of one oak tree (T1) protected by TPO 70."
    )
    DocumentFactory(application=application, content=STATEMENT.encode())
    return application


def successful_requests(vllm_server) -> float:
    with urllib.request.urlopen(f"{vllm_server.root_url}/metrics", timeout=10) as response:
        text = response.read().decode()
    rows = re.findall(r"^vllm:request_success_total\{[^}]*\} ([\d.e+]+)$", text, re.M)
    return sum(float(value) for value in rows)


def test_the_strict_conflict_schema_holds_under_constrained_decoding(vllm_server, llm_settings):
    from policies.files import parse_nppf

    paragraph = next(p for p in parse_nppf().policies if p.reference == "136")
    client = LLMClient.from_settings()
    checker = LLMConflictChecker(client)
    document = DocumentInput("7", "statement.txt", [PageText(1, STATEMENT)])
    facts = ApplicationFacts("26/AP/1", "pp.full.householder", "Felling of an oak.", ["TPO 70"])

    user = build_user_message(facts, [], [document], [paragraph])
    schema, max_tokens, prompt = fit_answer(
        client,
        system=SYSTEM_PROMPT,
        user=user,
        schema=checker.schema_for([paragraph], [document]),
        path=("conflicts",),
    )
    assert schema["properties"]["conflicts"]["maxItems"] == 1
    completion = client.complete_json(
        system=SYSTEM_PROMPT,
        user=user,
        schema_name="policy_conflicts",
        schema=schema,
        max_tokens=max_tokens,
    )

    # The server counted the prompt as its tokenizer did for us, and kept to the schema.
    assert completion.usage.tokens_in == prompt
    answer = ModelConflicts.model_validate(completion.data)
    for conflict in answer.conflicts:
        assert conflict.policy == "nppf-2024:136"  # the enum held
        assert conflict.document in ("description", "7")


def test_a_run_asks_the_real_server_and_keeps_only_verified_conflicts(
    vllm_server, llm_settings, felling
):
    before = successful_requests(vllm_server)

    run = runs.start_triage(felling, engine="llm")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED, run.error
    # The extraction and the conflict judgement both reached the server and were answered.
    assert successful_requests(vllm_server) - before >= 2
    # Felling a protected tree is weighed (engaged), not a conflict by rule.
    rules = set(
        run.findings.filter(code="engaged.policy", engine="rules").values_list("value", flat=True)
    )
    assert rules == {"nppf-2024:136", "southwark-plan-2022:P61"}
    for finding in run.findings.filter(code="conflict.policy", engine__startswith="llm:"):
        assert finding.engine == f"llm:{vllm_server.model}@{CONFLICT_PROMPT_VERSION}"
        assert quote_on_page(finding.policy_quote, finding.policy.text)
        assert finding.quote in STATEMENT or finding.attributes["proposal_evidence"]
    assert (run.lane, run.team) in (("specialist", "trees"), ("needs-attention", "trees"))
