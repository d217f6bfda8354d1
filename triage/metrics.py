"""Triage's Prometheus metrics (filled in with the metrics work)."""

from triage.model_usage import ModelUsage


def observe_model_request(kind: str, seconds: float) -> None:
    pass


def observe_model_retry(kind: str, reason: str) -> None:
    pass


def observe_model_answer(usage: ModelUsage, finish_reason: str) -> None:
    pass
