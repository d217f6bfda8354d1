"""Triage's Prometheus metrics (decision record 0023).

What the workers do is observed where it happens: reading a document and OCR of a page, each
request to the model server (latency, tokens, the client's retries, why answers stopped), runs
finishing (how long since they were queued) and failing (by kind). Where runs and the queue
stand is read from the database and the broker when Prometheus asks (`TriageStateCollector`),
so every host reports the same figure and nothing drifts when a worker dies.

Labels are codes only (a status, a kind, a reason): never an id, a name or any text from a
document, so the series stay few and hold nothing personal. config.metrics exports them.
"""

import logging

import redis
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from triage.model_usage import ModelUsage
from triage.models import RunStatus, TriageRun

logger = logging.getLogger(__name__)

SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)

MODEL_REQUEST_SECONDS = Histogram(
    "triage_model_request_seconds",
    "Seconds one request to the model server took (chat, tokenize, models), retries apart.",
    ["kind"],
    buckets=SECONDS,
)
MODEL_RETRIES = Counter(
    "triage_model_retries_total",
    "Requests the model client sent again after a 429, 5xx, timeout or refused connection.",
    ["kind", "reason"],
)
MODEL_TOKENS = Counter(
    "triage_model_tokens_total",
    "Tokens the model server counted: prompt (in) and completion (out).",
    ["direction"],
)
MODEL_ANSWERS = Counter(
    "triage_model_answers_total",
    "Answers from the model server, by why they stopped (stop, length = cut off).",
    ["finish_reason"],
)
READING_SECONDS = Histogram(
    "triage_document_reading_seconds",
    "Seconds reading one document's text took (text layers and OCR), by outcome.",
    ["outcome"],
    buckets=SECONDS,
)
OCR_PAGE_SECONDS = Histogram(
    "triage_ocr_page_seconds", "Seconds tesseract took over one page or image.", buckets=SECONDS
)
RUN_SECONDS = Histogram(
    "triage_run_seconds",
    "Seconds from a run being queued to its result, by how it ended and its engine.",
    ["status", "engine"],
    buckets=SECONDS,
)
RUN_FAILURES = Counter(
    "triage_run_failures_total",
    "Runs that failed, by kind: time-limit, worker-lost, retries-exhausted, engine, error.",
    ["kind"],
)


def observe_model_request(kind: str, seconds: float) -> None:
    MODEL_REQUEST_SECONDS.labels(kind).observe(seconds)


def observe_model_retry(kind: str, reason: str) -> None:
    MODEL_RETRIES.labels(kind, reason).inc()


def observe_model_answer(usage: ModelUsage, finish_reason: str) -> None:
    MODEL_TOKENS.labels("in").inc(usage.tokens_in)
    MODEL_TOKENS.labels("out").inc(usage.tokens_out)
    MODEL_ANSWERS.labels(finish_reason or "none").inc()


def observe_reading(seconds: float, outcome: str) -> None:
    READING_SECONDS.labels(outcome).observe(seconds)


def observe_ocr_page(seconds: float) -> None:
    OCR_PAGE_SECONDS.observe(seconds)


def observe_run_finished(seconds: float, status: str, engine: str) -> None:
    RUN_SECONDS.labels(status, engine).observe(seconds)


def observe_run_failed(kind: str) -> None:
    RUN_FAILURES.labels(kind).inc()


class TriageStateCollector(Collector):
    """Runs by status and the triage queue's depth, read when Prometheus asks. A source that
    cannot be read is reported as down (triage_metrics_source_up 0), never as zero runs."""

    def collect(self):
        up = GaugeMetricFamily(
            "triage_metrics_source_up", "Whether the source could be read.", labels=["source"]
        )
        runs = GaugeMetricFamily(
            "triage_runs",
            "Runs not finished, by status (stale: running past its lease).",
            labels=["status"],
        )
        try:
            counts = run_counts()
        except Exception as error:  # a scrape reports a broken source, it never fails
            logger.warning("metrics: runs could not be counted: %s", type(error).__name__)
            up.add_metric(["database"], 0)
        else:
            up.add_metric(["database"], 1)
            for status, count in counts.items():
                runs.add_metric([status], count)
            yield runs
        queue = GaugeMetricFamily(
            "triage_queue_messages",
            "Task messages on the triage queue: waiting, and delivered but not acknowledged.",
            labels=["state"],
        )
        try:
            waiting, unacked = queue_depth()
        except Exception as error:
            logger.warning("metrics: the queue could not be read: %s", type(error).__name__)
            up.add_metric(["broker"], 0)
        else:
            up.add_metric(["broker"], 1)
            queue.add_metric(["waiting"], waiting)
            queue.add_metric(["unacked"], unacked)
            yield queue
        yield up


def run_counts() -> dict[str, int]:
    open_runs = TriageRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    totals = open_runs.aggregate(
        queued=Count("pk", filter=Q(status=RunStatus.QUEUED)),
        running=Count("pk", filter=Q(status=RunStatus.RUNNING, deadline__gte=timezone.now())),
        stale=Count("pk", filter=Q(status=RunStatus.RUNNING, deadline__lt=timezone.now())),
    )
    return {status: int(count or 0) for status, count in totals.items()}


# Kombu's Redis transport keeps a queue's messages in a list per priority step: the queue's
# name, then the name with "\x06\x16" and the step appended for the higher steps.
PRIORITY_STEPS = (0, 3, 6, 9)


def queue_depth() -> tuple[int, int]:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1.0, socket_timeout=1.0
    )
    try:
        name = settings.TRIAGE_TASK_QUEUE
        keys = [name if step == 0 else f"{name}\x06\x16{step}" for step in PRIORITY_STEPS]
        waiting = sum(client.llen(key) for key in keys)
        unacked = client.hlen("unacked")
    finally:
        client.close()
    return int(waiting), int(unacked)
