"""The model client against real vLLM servers on this CPU machine: the server's own tokenizer and
context length, answers fitted into what the prompt leaves, requests side by side; and a real
instruction-tuned model (SmolLM2-135M-Instruct), whose weak answers the engine must survive."""

import pytest

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from triage import pipeline, runs
from triage.extractors.llm import PROMPT_VERSION, SCHEMA, SYSTEM_PROMPT
from triage.llm_client import LLMClient, ModelOutputCutOff, budget
from triage.models import RunStatus
from triage.quotes import quote_on_page
from triage.reading_limits import MODEL_UNREAD
from triage.vocabulary import READING_LIMITED

pytestmark = [pytest.mark.vllm, pytest.mark.django_db]

STATEMENT = (
    "Design and Access Statement\n\nThe Site\nThe site lies within the Camberwell Grove "
    "Conservation Area. The house is not listed.\n\nThe Proposal\nThe proposal is the erection "
    "of a three storey rear extension and a basement. Two new dwellings are proposed.\n"
)


def point_at(server, settings, **extra):
    settings.LLM_BASE_URL = server.base_url
    settings.LLM_MODEL = server.model
    settings.LLM_API_KEY = server.api_key
    settings.LLM_TIMEOUT_SECONDS = 300
    for name, value in extra.items():
        setattr(settings, name, value)


def run_llm(application):
    run = runs.start_triage(application, engine="llm")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_long_document_is_read_in_requests_that_fit_the_servers_context(vllm_server, settings):
    # One chunk by characters, split once the server's tokenizer has counted it; at most four
    # requests in flight. Two findings at most per answer keep it quick.
    point_at(
        vllm_server,
        settings,
        LLM_PROMPT_CHAR_BUDGET=24000,
        LLM_MAX_FINDINGS_PER_REQUEST=2,
        LLM_MAX_CONCURRENCY=4,
    )
    client = LLMClient.from_settings()
    assert client.context_tokens() == 4096  # from the server, not configured here
    assert client.count_tokens(system=SYSTEM_PROMPT, user="x") > len(SYSTEM_PROMPT) // 8
    application = PlanningApplicationFactory()
    paragraphs = [STATEMENT] + [
        f"Paragraph {n}. The extension would be built of London stock brick to match. " * 6
        for n in range(16)
    ]
    DocumentFactory(application=application, content="\n\n".join(paragraphs).encode())

    run = run_llm(application)

    assert run.status == RunStatus.SUCCEEDED, run.error
    # More requests than character chunks: the tokenizer, not the character budget, decided.
    assert run.model_requests > 1
    assert run.model_tokens_in > 0 and run.model_tokens_out > 0
    # No request was refused for its length; a part is read, or unread with its reason.
    for part in run.unread:
        assert "refused" not in part["reason"] and part["reason"]


def test_a_real_servers_cut_off_answer_is_recognised(vllm_server, settings):
    point_at(vllm_server, settings)
    client = LLMClient.from_settings()
    with pytest.raises(ModelOutputCutOff) as cut:
        client.complete_json(
            system=SYSTEM_PROMPT,
            user="The site lies within a conservation area.",
            schema_name="planning_findings",
            schema=SCHEMA,
            max_tokens=2,
        )
    assert cut.value.usage.tokens_out == 2 and cut.value.usage.requests == 1


def test_a_chunk_the_real_server_cuts_off_twice_is_unread_not_a_failed_run(
    vllm_server, settings, monkeypatch
):
    point_at(vllm_server, settings)
    # Answers far shorter than any valid one: every answer is cut off.
    monkeypatch.setattr(budget, "max_tokens_for", lambda schema: 2)
    application = PlanningApplicationFactory()
    DocumentFactory(application=application, content=b"Three storeys are proposed.")

    run = run_llm(application)

    assert run.status == RunStatus.SUCCEEDED, run.error
    [part] = run.unread
    assert "cut off at 2 tokens" in part["reason"]
    assert run.findings.filter(code=READING_LIMITED, value=MODEL_UNREAD).exists()
    assert run.model_requests == 2


def test_a_real_instruction_tuned_model_through_the_llm_engine(smollm2_server, settings):
    point_at(smollm2_server, settings, LLM_MAX_FINDINGS_PER_REQUEST=3)
    application = PlanningApplicationFactory()
    DocumentFactory(
        application=application, original_filename="das.txt", content=STATEMENT.encode()
    )

    run = run_llm(application)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.model, run.prompt_version) == ("smollm2", PROMPT_VERSION)
    assert run.model_requests >= 1 and run.model_tokens_out > 0
    # Whatever it claimed is on the page, or was dropped and counted; nothing failed the run.
    for finding in run.findings.filter(source="document"):
        assert quote_on_page(finding.quote, STATEMENT)
        assert finding.engine == f"llm:smollm2@{PROMPT_VERSION}"
    assert run.lane
