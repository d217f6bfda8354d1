"""What can go wrong when asking the model server, by what the caller should do about it."""

from triage.extractors.base import EngineError, TransientEngineError
from triage.model_usage import ModelUsage


class ModelServerUnavailable(TransientEngineError):
    """Connection refused, a timeout, a 5xx or a 429 that outlasted the client's own quick
    retries: the task queue retries the run later (the outer layer)."""


class ModelOutputInvalid(EngineError):
    """The server answered, but not with JSON we can use (or refused the request). `usage`
    is what the answer cost, when there was one."""

    def __init__(self, message: str, *, usage: ModelUsage | None = None):
        super().__init__(message)
        self.usage = usage or ModelUsage()


class ModelOutputCutOff(ModelOutputInvalid):
    """The answer stopped at max_tokens: the same prompt would be cut off again, a smaller one
    may not (the extractor splits the chunk)."""


class ModelServerNotConfigured(ValueError):
    pass
