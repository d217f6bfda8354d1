"""The one module that talks to the model server (vLLM's OpenAI-compatible API).

Everything else sees `complete_json` return a parsed dict or raise one of two errors:
ModelServerUnavailable (transient: connection refused, timeout, 5xx, 429 — retry later) or
ModelOutputInvalid (the server answered, but not with JSON we can use — retrying will not help
at temperature 0).

Structured output uses OpenAI's standard `response_format` with a strict JSON schema, which vLLM
enforces by constrained decoding. (The older `guided_json` field was removed from vLLM and is
silently ignored: never use it.)
"""

import json
from dataclasses import dataclass

import openai
from django.conf import settings

from triage.extractors.base import EngineError, TransientEngineError


class ModelServerUnavailable(TransientEngineError):
    pass


class ModelOutputInvalid(EngineError):
    pass


class ModelServerNotConfigured(ValueError):
    pass


@dataclass
class LLMClient:
    base_url: str
    model: str
    api_key: str
    timeout_seconds: float
    max_output_tokens: int

    @classmethod
    def from_settings(cls) -> "LLMClient":
        if not settings.LLM_BASE_URL or not settings.LLM_MODEL:
            raise ModelServerNotConfigured(
                "The llm engine needs LLM_BASE_URL and LLM_MODEL; otherwise use the rules engine."
            )
        return cls(
            base_url=settings.LLM_BASE_URL,
            model=settings.LLM_MODEL,
            api_key=settings.LLM_API_KEY or "no-key",
            timeout_seconds=settings.LLM_TIMEOUT_SECONDS,
            max_output_tokens=settings.LLM_MAX_OUTPUT_TOKENS,
        )

    def _client(self) -> openai.OpenAI:
        # Retries are the task queue's job (with backoff), not the HTTP client's.
        return openai.OpenAI(
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=self.timeout_seconds,
            max_retries=0,
        )

    def complete_json(self, *, system: str, user: str, schema_name: str, schema: dict) -> dict:
        try:
            response = self._client().chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                temperature=0,
                max_tokens=self.max_output_tokens,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "schema": schema, "strict": True},
                },
            )
        except (openai.APIConnectionError, openai.APITimeoutError) as error:
            raise ModelServerUnavailable(f"model server unreachable: {error}") from error
        except openai.RateLimitError as error:
            raise ModelServerUnavailable(f"model server busy (429): {error}") from error
        except openai.InternalServerError as error:
            raise ModelServerUnavailable(
                f"model server error {error.status_code}: {error}"
            ) from error
        except openai.APIStatusError as error:
            raise ModelOutputInvalid(
                f"model server refused the request ({error.status_code}): {error}"
            ) from error
        except openai.APIError as error:  # e.g. a body that is not JSON at all
            raise ModelOutputInvalid(f"model server answered badly: {error}") from error
        try:
            choice = response.choices[0]
            content = choice.message.content or ""
        except (AttributeError, IndexError, TypeError) as error:
            raise ModelOutputInvalid("model server answered without a message") from error
        if choice.finish_reason == "length":
            raise ModelOutputInvalid(f"model output was cut off at {self.max_output_tokens} tokens")
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise ModelOutputInvalid(f"model output is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise ModelOutputInvalid("model output is not a JSON object")
        return data
