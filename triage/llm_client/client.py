"""The one place that talks to the model server (vLLM's OpenAI-compatible API).

Everything else sees `complete_json` return a `Completion` (the parsed JSON object, why the
answer stopped, what it cost) or raise one of the errors in triage.llm_client.errors:
ModelServerUnavailable (transient: connection refused, timeout, 5xx, 429 that outlasted the
client's own retries; the task retries the run later) or ModelOutputInvalid (the server
answered, but not with JSON we can use; ModelOutputCutOff when it stopped at max_tokens).

- One client per process and configuration (`from_settings`): its HTTP connection pool and its
  limit on requests in flight (LLM_MAX_CONCURRENCY) are shared by every thread of the process,
  so documents and chunks can be sent side by side without overrunning the server.
- A 429, a 5xx, a timeout or a refused connection is retried LLM_RETRIES times with
  exponential backoff and full jitter (a server's Retry-After is honoured when it is short),
  waiting outside the concurrency limit so others may use the slot. The task's retry, minutes
  later, is the outer layer.
- Tokens are counted with the served model's own tokenizer (vLLM's /tokenize, which applies
  the chat template) against the server's max_model_len; a server without /tokenize gets a
  cautious estimate from the characters.

Structured output uses OpenAI's standard `response_format` with a strict JSON schema, which vLLM
enforces by constrained decoding. (The older `guided_json` field was removed from vLLM and is
silently ignored: never use it.)
"""

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from django.conf import settings

from triage import metrics
from triage.llm_client.errors import (
    ModelOutputCutOff,
    ModelOutputInvalid,
    ModelServerNotConfigured,
    ModelServerUnavailable,
)
from triage.model_usage import ModelUsage

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A server that says nothing of its context length (not vLLM) is assumed to hold this many.
FALLBACK_CONTEXT_TOKENS = 8192
# Without the server's tokenizer: English prose runs about four characters a token; three
# keeps a prompt inside the context for denser text (numbers, references, other languages).
FALLBACK_CHARS_PER_TOKEN = 3
# The longest wait between the client's quick retries; a server asking for longer is left to
# the task's retry.
MAX_RETRY_WAIT_SECONDS = 10.0
TRANSIENT_ERRORS = (
    openai.APIConnectionError,  # includes APITimeoutError
    openai.RateLimitError,
    openai.InternalServerError,
)


@dataclass(frozen=True)
class Completion:
    data: dict
    finish_reason: str
    usage: ModelUsage


class LLMClient:
    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "no-key",
        timeout_seconds: float = 60.0,
        max_concurrency: int = 8,
        retries: int = 2,
        retry_backoff_seconds: float = 0.5,
        max_output_tokens: int = 8192,
    ):
        self.base_url = base_url.rstrip("/")
        self.root_url = self.base_url.removesuffix("/v1")
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_concurrency = max_concurrency
        self.retries = retries
        self.retry_backoff_seconds = retry_backoff_seconds
        self.max_output_tokens = max_output_tokens
        # max_retries=0: the retries are ours (below), counted and bounded by our settings.
        self._openai = openai.OpenAI(
            base_url=self.base_url, api_key=api_key, timeout=timeout_seconds, max_retries=0
        )
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._server_lock = threading.Lock()
        self._context_tokens: int | None = None
        self._can_tokenize = True

    @classmethod
    def from_settings(cls) -> "LLMClient":
        """The process's client for the configured server (made once, then shared)."""
        if not settings.LLM_BASE_URL or not settings.LLM_MODEL:
            raise ModelServerNotConfigured(
                "The llm engine needs LLM_BASE_URL and LLM_MODEL; otherwise use the rules engine."
            )
        options: dict[str, Any] = {
            "base_url": settings.LLM_BASE_URL,
            "model": settings.LLM_MODEL,
            "api_key": settings.LLM_API_KEY or "no-key",
            "timeout_seconds": settings.LLM_TIMEOUT_SECONDS,
            "max_concurrency": settings.LLM_MAX_CONCURRENCY,
            "retries": settings.LLM_RETRIES,
            "retry_backoff_seconds": settings.LLM_RETRY_BACKOFF_SECONDS,
            "max_output_tokens": settings.LLM_MAX_OUTPUT_TOKENS,
        }
        # The process id is part of the key: a forked worker must not share its parent's
        # connections.
        key = (os.getpid(), *sorted(options.items()))
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
            if client is None:
                client = _CLIENTS[key] = cls(**options)
        return client

    # --- Asking -------------------------------------------------------------------------

    def complete_json(
        self,
        *,
        system: str,
        user: str,
        schema_name: str,
        schema: dict,
        max_tokens: int | None = None,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> Completion:
        """The model's answer to one request, parsed as a JSON object.

        The system message comes first and never varies between requests of one kind, and the
        document comes last in the user message: vLLM's prefix cache then reuses the fixed
        instructions across every request (triage.extractors.llm builds them so).
        """
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": temperature,
            "max_tokens": min(max_tokens or self.max_output_tokens, self.max_output_tokens),
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": True},
            },
        }
        if seed is not None:
            request["seed"] = seed
        response, usage = self._with_retries(
            "chat", lambda: self._openai.chat.completions.create(**request)
        )
        try:
            choice = response.choices[0]
            content = choice.message.content or ""
            finish_reason = choice.finish_reason or ""
        except (AttributeError, IndexError, TypeError) as error:
            raise ModelOutputInvalid("model server answered without a message") from error
        counted = getattr(response, "usage", None)
        usage = ModelUsage(
            requests=1,
            retries=usage.retries,
            tokens_in=getattr(counted, "prompt_tokens", 0) or 0,
            tokens_out=getattr(counted, "completion_tokens", 0) or 0,
            seconds=usage.seconds,
            max_seconds=usage.max_seconds,
        )
        metrics.observe_model_answer(usage, finish_reason)
        if finish_reason == "length":
            raise ModelOutputCutOff(
                f"model output was cut off at {request['max_tokens']} tokens", usage=usage
            )
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise ModelOutputInvalid(f"model output is not JSON: {error}", usage=usage) from error
        if not isinstance(data, dict):
            raise ModelOutputInvalid("model output is not a JSON object", usage=usage)
        return Completion(data=data, finish_reason=finish_reason, usage=usage)

    # --- The server's tokenizer and context -----------------------------------------------

    def count_tokens(self, *, system: str, user: str) -> int:
        """Tokens the prompt of a `complete_json` request with these messages takes, chat
        template included, counted by the served model's tokenizer."""
        if self._can_tokenize:
            body = {
                "model": self.model,
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                "add_generation_prompt": True,
            }
            try:
                answer: Any
                answer, _ = self._with_retries(
                    "tokenize",
                    lambda: self._openai.post(
                        f"{self.root_url}/tokenize", body=body, cast_to=object
                    ),
                )
                self._note_context(answer)
                return int(answer["count"])
            except ModelOutputInvalid as error:
                # Not vLLM (no /tokenize): estimate from now on, and say so once.
                logger.warning("the model server cannot count tokens (%s); estimating", error)
                self._can_tokenize = False
        return (len(system) + len(user)) // FALLBACK_CHARS_PER_TOKEN + 16

    def context_tokens(self) -> int:
        """The server's max_model_len: the prompt and the answer together must fit in it."""
        if self._context_tokens is None:
            try:
                answer: Any
                answer, _ = self._with_retries(
                    "models", lambda: self._openai.get("/models", cast_to=object)
                )
                for entry in answer.get("data", []):
                    if entry.get("id") == self.model:
                        self._note_context(entry)
            except ModelOutputInvalid as error:
                logger.warning("the model server did not list its models: %s", error)
            if self._context_tokens is None:
                self._context_tokens = FALLBACK_CONTEXT_TOKENS
        return self._context_tokens

    def _note_context(self, answer: Any) -> None:
        length = answer.get("max_model_len") if isinstance(answer, dict) else None
        if isinstance(length, int) and length > 0:
            with self._server_lock:
                self._context_tokens = length

    # --- Retries --------------------------------------------------------------------------

    def _with_retries(self, kind: str, call: Callable[[], T]) -> tuple[T, ModelUsage]:
        """`call()`'s answer and its cost, retrying transient failures with jittered backoff.
        At most LLM_MAX_CONCURRENCY calls of this client are in flight at once."""
        retries = 0
        waited = slowest = 0.0
        while True:
            with self._slots:
                started = time.monotonic()
                try:
                    answer = call()
                    error: Exception | None = None
                except TRANSIENT_ERRORS as transient:
                    error = transient
                except openai.APIStatusError as refused:
                    raise ModelOutputInvalid(
                        f"model server refused the request ({refused.status_code}): {refused}"
                    ) from refused
                except openai.APIError as bad:  # e.g. a body that is not JSON at all
                    raise ModelOutputInvalid(f"model server answered badly: {bad}") from bad
                finally:
                    took = time.monotonic() - started
                    waited += took
                    slowest = max(slowest, took)
                    metrics.observe_model_request(kind, took)
            if error is None:
                usage = ModelUsage(retries=retries, seconds=waited, max_seconds=slowest)
                return answer, usage
            if retries >= self.retries:
                raise ModelServerUnavailable(
                    f"{_describe(error)} (after {retries + 1} tries)"
                ) from error
            pause = self._backoff(retries, error)
            if pause is None:
                raise ModelServerUnavailable(
                    f"{_describe(error)}; it asked us to wait longer than "
                    f"{MAX_RETRY_WAIT_SECONDS:.0f} s"
                ) from error
            retries += 1
            metrics.observe_model_retry(kind, _reason(error))
            logger.info("model server %s; retry %s in %.2f s", _describe(error), retries, pause)
            time.sleep(pause)

    def _backoff(self, retries: int, error: Exception) -> float | None:
        """Seconds before the next try: full jitter over an exponential ceiling, so clients
        that failed together do not come back together; at least what Retry-After asks, or
        None when it asks for longer than a quick retry may wait."""
        ceiling = min(self.retry_backoff_seconds * 2**retries, MAX_RETRY_WAIT_SECONDS)
        pause = random.uniform(0, ceiling)
        asked = _retry_after(error)
        if asked is not None:
            if asked > MAX_RETRY_WAIT_SECONDS:
                return None
            pause = max(pause, asked)
        return pause


_CLIENTS: dict[tuple, LLMClient] = {}
_CLIENTS_LOCK = threading.Lock()


def _retry_after(error: Exception) -> float | None:
    response = getattr(error, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare from vLLM or a proxy; the backoff stands


def _reason(error: Exception) -> str:
    if isinstance(error, openai.APITimeoutError):
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection"
    if isinstance(error, openai.RateLimitError):
        return "429"
    return str(getattr(error, "status_code", "5xx"))


def _describe(error: Exception) -> str:
    if isinstance(error, openai.APITimeoutError):
        return "model server unreachable: timed out"
    if isinstance(error, openai.APIConnectionError):
        return f"model server unreachable: {error}"
    if isinstance(error, openai.RateLimitError):
        return f"model server busy (429): {error}"
    return f"model server error {getattr(error, 'status_code', '')}: {error}"
