"""What asking the model cost: requests, the client's own retries, tokens and time. Each
answer carries its own (triage.llm_client); the extractor adds them up per document and the run
keeps the total (TriageRun.model_*), so an operator can see what a run asked of the server."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelUsage:
    requests: int = 0  # answers received (a retried request counts once)
    retries: int = 0  # requests sent again by the client after a 429, 5xx or timeout
    tokens_in: int = 0  # prompt tokens, as the server counted them
    tokens_out: int = 0  # completion tokens
    seconds: float = 0.0  # time spent waiting on the server, retries included
    max_seconds: float = 0.0  # the slowest single request

    def __add__(self, other: "ModelUsage") -> "ModelUsage":
        return ModelUsage(
            requests=self.requests + other.requests,
            retries=self.retries + other.retries,
            tokens_in=self.tokens_in + other.tokens_in,
            tokens_out=self.tokens_out + other.tokens_out,
            seconds=self.seconds + other.seconds,
            max_seconds=max(self.max_seconds, other.max_seconds),
        )

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "seconds": round(self.seconds, 3),
            "max_seconds": round(self.max_seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> "ModelUsage":
        if not data:
            return cls()
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})
