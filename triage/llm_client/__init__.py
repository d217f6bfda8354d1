"""The model server's client: the only code that talks to the OpenAI-compatible endpoint.

`client` sends requests (bounded concurrency, retries, the server's tokenizer), `budget` reads
how long an answer may be from its schema, `errors` what can go wrong; what the requests
cost is a triage.model_usage.ModelUsage.
"""

from triage.llm_client.client import Completion, LLMClient
from triage.llm_client.errors import (
    ModelOutputCutOff,
    ModelOutputInvalid,
    ModelServerNotConfigured,
    ModelServerUnavailable,
)
from triage.model_usage import ModelUsage

__all__ = [
    "Completion",
    "LLMClient",
    "ModelOutputCutOff",
    "ModelOutputInvalid",
    "ModelServerNotConfigured",
    "ModelServerUnavailable",
    "ModelUsage",
]
