"""The model client against the fake OpenAI-compatible server: requests in flight bounded per
process, quick retries with jitter that honour Retry-After, the token budget from the server's
own tokenizer and context, max_tokens from the schema, and prompts ordered for the prefix cache.
(The request format against a real vLLM server: tests/vllm/.)"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import CHARS_PER_TOKEN, NO_FINDINGS, FakeModelServer
from triage import pipeline, runs
from triage.extractors.base import ApplicationFacts, DocumentInput
from triage.extractors.llm import SCHEMA, SYSTEM_PROMPT, LLMExtractor
from triage.llm_client import LLMClient, ModelServerUnavailable
from triage.llm_client.budget import (
    UnboundedSchema,
    items_that_fit,
    max_tokens_for,
    with_max_items,
    worst_case_chars,
)
from triage.llm_client.client import FALLBACK_CONTEXT_TOKENS
from triage.models import RunStatus
from triage.text import PageText

TINY_SCHEMA = {
    "type": "object",
    "properties": {"findings": {"type": "array", "maxItems": 2, "items": {"type": "string"}}},
}
PARAGRAPH = "The proposal is a two storey rear extension with a flat roof and rooflights. "


def make_client(server: FakeModelServer, **options) -> LLMClient:
    options = {"retry_backoff_seconds": 0.01, "timeout_seconds": 5.0, **options}
    return LLMClient(base_url=server.base_url, model="fake-model", **options)


def ask(client: LLMClient, user: str = "hello"):
    return client.complete_json(
        system="system", user=user, schema_name="t", schema=NO_FINDINGS_SCHEMA
    )


NO_FINDINGS_SCHEMA = with_max_items(SCHEMA, ("findings",), 1)


class Gate:
    """A responder that holds each request until `size` are in flight together, so a test
    sees requests overlap without timing them; a limit below `size` would leave it waiting,
    and it then answers 500 so the test fails instead of hanging."""

    def __init__(self, size: int):
        self.barrier = threading.Barrier(size)

    def __call__(self, request: dict):
        try:
            self.barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            return ("status", 500)
        return ("json", NO_FINDINGS)


def test_it_keeps_at_most_its_limit_of_requests_in_flight():
    with FakeModelServer() as server:
        server.responder = Gate(3)
        client = make_client(server, max_concurrency=3, retries=0)
        with ThreadPoolExecutor(max_workers=9) as pool:
            answers = list(pool.map(lambda _: ask(client), range(9)))

    assert [answer.data for answer in answers] == [NO_FINDINGS] * 9
    assert server.max_in_flight == 3


def test_the_llm_engine_sends_documents_and_chunks_side_by_side(settings, db):
    with FakeModelServer() as server:
        settings.LLM_BASE_URL = server.base_url
        settings.LLM_MODEL = "fake-model"
        settings.LLM_MAX_CONCURRENCY = 4
        settings.LLM_PROMPT_CHAR_BUDGET = 1000
        application = PlanningApplicationFactory()
        for name in ("a.txt", "b.txt"):
            text = "\n\n".join([f"{name}: {PARAGRAPH * 6}"] * 3)  # two chunks each
            DocumentFactory(application=application, original_filename=name, content=text.encode())
        # All four chunks of both documents must be in flight together to be answered.
        server.responder = Gate(4)
        run = runs.start_triage(application, engine="llm")
        pipeline.execute_run(run.pk)
        run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert len(server.requests) == 4 and server.max_in_flight == 4
    assert run.model_requests == 4 and run.unread == []


def test_it_retries_a_busy_server_after_the_wait_it_asks_for():
    with FakeModelServer() as server:
        server.replies += [("status", (429, {"Retry-After": "1"})), ("json", NO_FINDINGS)]
        client = make_client(server, retries=2)
        started = time.monotonic()
        answer = ask(client)

    assert time.monotonic() - started >= 1.0
    assert answer.usage.retries == 1 and answer.usage.requests == 1


def test_a_server_asking_for_a_long_wait_is_left_to_the_tasks_retry():
    with FakeModelServer() as server:
        server.replies += [("status", (503, {"Retry-After": "120"}))]
        client = make_client(server, retries=2)
        with pytest.raises(ModelServerUnavailable, match="wait longer"):
            ask(client)
    assert len(server.requests) == 1


def test_it_gives_up_after_its_retries_with_the_last_error():
    with FakeModelServer() as server:
        server.replies += [("status", 502), ("status", 500), ("status", 503)]
        client = make_client(server, retries=2)
        with pytest.raises(ModelServerUnavailable, match=r"error 503.*after 3 tries"):
            ask(client)
    assert len(server.requests) == 3


def test_its_waits_are_jittered_under_an_exponential_ceiling():
    with FakeModelServer() as server:
        client = make_client(server, retry_backoff_seconds=0.5)
    error = RuntimeError("no response attached")
    for retries, ceiling in ((0, 0.5), (1, 1.0), (2, 2.0), (8, 10.0)):
        waits = [client._backoff(retries, error) for _ in range(200)]
        assert all(0 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 100  # spread out, so failed clients do not return together


def test_it_counts_tokens_with_the_servers_tokenizer_and_reads_its_context():
    with FakeModelServer(max_model_len=3000) as server:
        client = make_client(server)
        count = client.count_tokens(system="s" * 40, user="u" * 400)
        context = client.context_tokens()
    assert count == 440 // CHARS_PER_TOKEN + 10
    assert context == 3000


def test_without_a_tokenizer_it_estimates_cautiously():
    with FakeModelServer(max_model_len=0, tokenize=False) as server:
        server.replies.append(("json", NO_FINDINGS))
        client = make_client(server)
        count = client.count_tokens(system="s" * 40, user="u" * 400)
        context = client.context_tokens()
        ask(client)
    # Three characters a token where the server's own count would be four.
    assert count > 440 // CHARS_PER_TOKEN
    assert context == FALLBACK_CONTEXT_TOKENS


def test_every_prompt_and_its_worst_case_answer_fit_the_servers_context(settings):
    settings.LLM_PROMPT_CHAR_BUDGET = 24000
    context = 4000
    with FakeModelServer(max_model_len=context) as server:
        server.responder = lambda request: ("json", NO_FINDINGS)
        client = make_client(server)
        pages = [PageText(n, "\n\n".join([PARAGRAPH * 5] * 6)) for n in range(1, 5)]
        document = DocumentInput("1", "statement.pdf", pages)
        facts = ApplicationFacts("26/AP/1", "pp.full", "A rear extension.")
        result = LLMExtractor(client).extract(facts, [document])

    assert result.unread == []
    # The char budget alone would have sent it in one request; the tokenizer split it.
    assert len(server.requests) > 1
    for request in server.requests:
        prompt = sum(len(m["content"]) for m in request["messages"]) // CHARS_PER_TOKEN + 10
        schema = request["response_format"]["json_schema"]["schema"]
        assert request["max_tokens"] == max_tokens_for(schema)
        assert prompt + request["max_tokens"] <= context
    # Every paragraph of every page was in some request.
    sent = "".join(request["messages"][1]["content"] for request in server.requests)
    assert sent.count("flat roof") == 4 * 6 * 5


def test_prompts_are_ordered_for_the_prefix_cache(settings):
    """Fixed instructions first (the same system message for every request), then what every
    chunk of an application shares, the document's text last."""
    settings.LLM_PROMPT_CHAR_BUDGET = 1000
    with FakeModelServer() as server:
        server.responder = lambda request: ("json", NO_FINDINGS)
        client = make_client(server, max_concurrency=1)
        extractor = LLMExtractor(client)
        long_page = [PageText(1, "\n\n".join([PARAGRAPH * 6] * 3))]  # two chunks
        for reference in ("26/AP/1", "26/AP/2"):
            facts = ApplicationFacts(reference, "pp.full", f"Works at {reference}.", ["TPO 1"])
            extractor.extract(facts, [DocumentInput("1", "statement.pdf", long_page)])

    systems = {request["messages"][0]["content"] for request in server.requests}
    assert systems == {SYSTEM_PROMPT}
    users = [request["messages"][1]["content"] for request in server.requests]
    assert len(users) == 4
    first, second = users[0], users[1]  # two chunks of the first application
    shared = first[: first.index("<document")]
    assert second.startswith(shared) and "TPO 1" in shared and "26/AP/1" in shared
    assert users[2].startswith(shared.replace("26/AP/1", "26/AP/2"))
    assert "flat roof" not in shared and "flat roof" in first[first.index("<document") :]


def test_one_client_per_process_and_configuration(settings):
    settings.LLM_BASE_URL = "http://model-server:8000/v1"
    settings.LLM_MODEL = "triage"
    assert LLMClient.from_settings() is LLMClient.from_settings()
    settings.LLM_MAX_CONCURRENCY = 2
    assert LLMClient.from_settings().max_concurrency == 2


def test_max_tokens_is_the_schemas_worst_case():
    # {"findings":["..", ".."]} with strings of at most 5 characters.
    schema = {
        "type": "object",
        "properties": {
            "findings": {
                "type": "array",
                "maxItems": 2,
                "items": {"type": "string", "maxLength": 5},
            }
        },
    }
    assert worst_case_chars(schema) == len('{"findings":["12345","12345"]}')
    assert items_that_fit(schema, ("findings",), max_tokens_for(schema)) == 2
    assert items_that_fit(schema, ("findings",), max_tokens_for(schema) - 1) == 1
    assert items_that_fit(schema, ("findings",), 3) == 0
    with pytest.raises(UnboundedSchema):
        worst_case_chars(TINY_SCHEMA)
