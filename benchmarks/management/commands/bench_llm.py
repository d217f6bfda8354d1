"""Measure extraction through a model server: requests side by side against one at a time.

Reads the documents of the first --cases applications of the synthetic development set
(triage/evaluation/devset, shipped with the code) with the llm engine against --base-url:
first with a plain sequential client (each document, and each of its chunks, after the last
has been answered: what the engine did before), then with 1, 4, 16 and 64 requests in flight
(--concurrency), the applications read side by side as the runs of one worker process would
be, the client bounding what is in flight. For each pass: pages and requests per second,
prompt and output tokens per second, the client's retries, parts left unread, p50/p95 seconds
per request as the client waited for them, and the ratio of pages per second to the
sequential client's.

Every pass names its applications differently, so no pass finds another's prompts in vLLM's
prefix cache (the fixed instructions are cached for all of them, as in production). Nothing is
written to the database. Ends with a RESULT line, so a council with a GPU can size
LLM_MAX_CONCURRENCY and its workers from figures of its own.
"""

import json
import os
import platform
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from triage.evaluation.runner import case_folders
from triage.extractors.base import ApplicationFacts, DocumentInput, DocumentReading
from triage.extractors.llm import LLMExtractor
from triage.llm_client import Completion, LLMClient, ModelOutputInvalid
from triage.model_usage import ModelUsage
from triage.text import extract_pages

DEVSET = Path(settings.BASE_DIR) / "triage" / "evaluation" / "devset"


class TimedClient(LLMClient):
    """The production client, noting how long each request took as the caller waited for it."""

    def __init__(self, **options):
        super().__init__(**options)
        self.seconds: list[float] = []
        self._noted = threading.Lock()

    def complete_json(self, **request) -> Completion:
        started = time.monotonic()
        try:
            return super().complete_json(**request)
        finally:
            with self._noted:
                self.seconds.append(time.monotonic() - started)


@dataclass
class Case:
    facts: ApplicationFacts
    documents: list[DocumentInput]


@dataclass
class Pass:
    name: str
    in_flight: int
    wall: float
    pages: int
    usage: ModelUsage
    unread: int
    seconds: list[float]

    def pages_per_second(self) -> float:
        return self.pages / self.wall


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Extraction throughput through a model server at several concurrencies."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="e.g. http://gpu-host:8000/v1")
        parser.add_argument("--model", default="", help="served model name (default: LLM_MODEL)")
        parser.add_argument("--api-key", default="", help="default: LLM_API_KEY")
        parser.add_argument("--concurrency", default="1,4,16,64")
        parser.add_argument("--cases", type=int, default=10, help="applications of the devset")
        parser.add_argument("--chunk-chars", type=int, default=settings.LLM_PROMPT_CHAR_BUDGET)
        parser.add_argument(
            "--max-findings", type=int, default=settings.LLM_MAX_FINDINGS_PER_REQUEST
        )
        parser.add_argument("--max-output-tokens", type=int, default=settings.LLM_MAX_OUTPUT_TOKENS)
        parser.add_argument("--timeout", type=float, default=600.0)
        parser.add_argument(
            "--no-sequential", action="store_true", help="skip the plain sequential pass"
        )

    def handle(self, *args, **options):
        try:
            levels = [int(level) for level in options["concurrency"].split(",") if level]
        except ValueError as error:
            raise CommandError("--concurrency takes numbers, e.g. 1,4,16,64") from error
        if not levels or min(levels) < 1 or options["cases"] < 1:
            raise CommandError("--concurrency and --cases must be 1 or more")
        model = options["model"] or settings.LLM_MODEL
        if not model:
            raise CommandError("name the served model with --model (or set LLM_MODEL)")
        settings.LLM_MAX_FINDINGS_PER_REQUEST = options["max_findings"]
        cases = self._cases(options["cases"])
        pages = sum(len(d.pages) for case in cases for d in case.documents)
        documents = sum(len(case.documents) for case in cases)

        def client(in_flight: int) -> TimedClient:
            return TimedClient(
                base_url=options["base_url"],
                model=model,
                api_key=options["api_key"] or settings.LLM_API_KEY or "no-key",
                timeout_seconds=options["timeout"],
                max_concurrency=in_flight,
                retries=settings.LLM_RETRIES,
                retry_backoff_seconds=settings.LLM_RETRY_BACKOFF_SECONDS,
                max_output_tokens=options["max_output_tokens"],
            )

        probe = client(1)
        self._warm_up(probe, options["chunk_chars"])
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(
            f"server {options['base_url']} model {model} (max_model_len "
            f"{probe.context_tokens()}); machine {platform.machine()}, {os.cpu_count()} CPUs, "
            f"load {load:.1f}; {len(cases)} applications, {documents} documents, {pages} pages; "
            f"chunks of at most {options['chunk_chars']} characters, at most "
            f"{options['max_findings']} findings per answer"
        )
        passes: list[Pass] = []
        if not options["no_sequential"]:
            passes.append(self._pass("sequential", 1, client(1), cases, options, sequential=True))
        for level in levels:
            passes.append(self._pass("concurrent", level, client(level), cases, options))
        self._report(passes)

    def _cases(self, count: int) -> list[Case]:
        cases = []
        for folder in case_folders(DEVSET)[:count]:
            application = json.loads((folder / "application.json").read_text())
            documents = [
                DocumentInput(
                    path.name, path.name, extract_pages(path.read_bytes(), filename=path.name)
                )
                for path in sorted((folder / "documents").iterdir())
                if path.is_file()
            ]
            facts = ApplicationFacts(
                reference=application.get("reference", folder.name),
                application_type=application.get("application_type", ""),
                description=application.get("description", ""),
            )
            cases.append(Case(facts, documents))
        if not cases:
            raise CommandError(f"no cases in {DEVSET}")
        return cases

    def _warm_up(self, client: LLMClient, chunk_chars: int) -> None:
        """One small request first: a server's first answer pays for compiling and caching the
        fixed instructions, which production pays once, not per pass."""
        facts = ApplicationFacts("warm-up", "pp.full", "Warm-up.")
        page = extract_pages(b"The site is a house.", filename="warm-up.txt")
        try:
            LLMExtractor(client, char_budget=chunk_chars).extract(
                facts, [DocumentInput("warm-up", "warm-up.txt", page)]
            )
        except ModelOutputInvalid as error:
            raise CommandError(f"the server did not answer the warm-up: {error}") from error

    def _pass(self, name, in_flight, client, cases, options, *, sequential=False) -> Pass:
        extractor = LLMExtractor(client, char_budget=options["chunk_chars"])
        tag = f"{name}-{in_flight}-{time.monotonic_ns()}"

        def read(case: Case) -> list[DocumentReading]:
            facts = ApplicationFacts(
                reference=f"{case.facts.reference} ({tag})",
                application_type=case.facts.application_type,
                description=case.facts.description,
            )
            if sequential:
                return [extractor.read(facts, document) for document in case.documents]
            return [reading for _, reading in extractor.read_many(facts, case.documents)]

        started = time.monotonic()
        if sequential:
            readings = [reading for case in cases for reading in read(case)]
        else:
            # Several applications at once, as the runs of one worker process share its client:
            # the client alone bounds what is in flight.
            with ThreadPoolExecutor(max_workers=in_flight) as pool:
                readings = [reading for found in pool.map(read, cases) for reading in found]
        wall = time.monotonic() - started
        usage = sum((reading.usage for reading in readings), ModelUsage())
        unread = sum(len(reading.unread) for reading in readings)
        pages = sum(reading.pages for reading in readings)
        result = Pass(name, in_flight, wall, pages, usage, unread, client.seconds)
        self.stdout.write(
            f"  {name} x{in_flight}: {wall:.1f} s, {result.pages_per_second():.2f} pages/s"
        )
        return result

    def _report(self, passes: list[Pass]) -> None:
        baseline = passes[0].pages_per_second()
        header = (
            f"{'pass':<11}{'in flight':>10}{'wall s':>9}{'pages/s':>9}{'req/s':>8}"
            f"{'prompt tok/s':>14}{'output tok/s':>14}{'requests':>10}{'retries':>9}"
            f"{'unread':>8}{'p50 s':>8}{'p95 s':>8}{'ratio':>7}"
        )
        self.stdout.write(header)
        for run in passes:
            self.stdout.write(
                f"{run.name:<11}{run.in_flight:>10}{run.wall:>9.1f}"
                f"{run.pages_per_second():>9.2f}{run.usage.requests / run.wall:>8.2f}"
                f"{run.usage.tokens_in / run.wall:>14.0f}{run.usage.tokens_out / run.wall:>14.1f}"
                f"{run.usage.requests:>10}{run.usage.retries:>9}{run.unread:>8}"
                f"{statistics.median(run.seconds) if run.seconds else 0:>8.2f}"
                f"{percentile(run.seconds, 0.95):>8.2f}"
                f"{run.pages_per_second() / baseline:>7.2f}"
            )
        best = max(passes, key=Pass.pages_per_second)
        self.stdout.write(
            f"RESULT baseline={passes[0].name} pages_per_s={baseline:.3f} "
            f"best_in_flight={best.in_flight} best_pages_per_s={best.pages_per_second():.3f} "
            f"ratio={best.pages_per_second() / baseline:.2f}"
        )
