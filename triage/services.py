"""The verbs of triage. Receivers, tasks, views and commands call these and nothing else.

A run's life: `start_triage` makes a new version (queued) and enqueues it on commit;
`execute_run` claims it with a conditional UPDATE (so two workers never do the same run),
reads the documents' text, checks the site against our layers, runs an extraction engine,
cross-checks, scores, and writes the findings and the outcome in one transaction, again
conditional on still owning the run. The claim is a short lease that a thread renews while the
run works; a worker killed mid-run stops renewing, and once the lease lapses `recover_stuck_runs`
(every few seconds) sends the task again and a worker takes the run over. A run that has
finished is never touched again: re-delivery does nothing.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import F, Max, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from planning.models import ApplicationStatus, Document, PlanningApplication, TextStatus
from planning.services import Actor, record_document_text, record_event
from policies import services as policy_services
from triage import checks, policy_conflicts, spatial
from triage.case import CaseInput, build_case
from triage.extractors.base import (
    ApplicationFacts,
    DocumentInput,
    EngineError,
    Extractor,
    TransientEngineError,
)
from triage.extractors.llm import LLMExtractor
from triage.extractors.rules import RulesExtractor, gazetteer_from_layers
from triage.llm_client import LLMClient
from triage.models import DocumentPage, Finding, RunStatus, TriageRun, TriageSummary
from triage.reviews import carry_over_reviews
from triage.schemas import FindingDraft
from triage.summaries import refresh_summary
from triage.text import OcrBudget, PageText, TextExtractionError, extract_pages

logger = logging.getLogger(__name__)


# --- Engines ---------------------------------------------------------------------------------


def build_extractor(engine: str) -> Extractor:
    """The named engine, configured from settings. The rules engine's gazetteer comes from the
    names of the loaded constraint layers."""
    if engine == "rules":
        return RulesExtractor(gazetteer=gazetteer_from_layers(spatial.layer_names()))
    if engine == "llm":
        return LLMExtractor(client=LLMClient.from_settings())
    raise ValueError(f"Unknown extraction engine {engine!r}: use 'rules' or 'llm'.")


# --- Document text ---------------------------------------------------------------------------


def read_document_text(document: Document) -> list[PageText] | None:
    """The document's pages, extracting them first if that has not been done. None when the
    document cannot be read (its text status says why).

    One reader per document: a run that finds another reading the same document waits for
    it (a PostgreSQL advisory lock, let go if that worker dies) and uses its pages, rather
    than OCR the same scans twice at once.
    """
    if document.text_status == TextStatus.PENDING:
        with _reading(document.pk):
            document.refresh_from_db(fields=["text_status", "text_status_reason", "page_count"])
            if document.text_status == TextStatus.PENDING:
                return _extract_document_text(document)
    if document.text_status == TextStatus.EXTRACTED:
        return [
            PageText(number=page.number, text=page.text, ocr=page.ocr)
            for page in document.pages.all()
        ]
    return None


@contextmanager
def _reading(document_id: int) -> Iterator[None]:
    key = READING_LOCK_SPACE * 2**32 + document_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


# Advisory lock keys for reading a document: this number in the high 32 bits, the id below.
READING_LOCK_SPACE = 0x7E47


def _extract_document_text(document: Document) -> list[PageText] | None:
    budget = OcrBudget()
    try:
        with document.file.open("rb") as handle:
            data = handle.read(settings.TRIAGE_MAX_DOCUMENT_BYTES + 1)
        pages = extract_pages(
            data,
            filename=document.original_filename,
            content_type=document.content_type,
            budget=budget,
        )
    except (TextExtractionError, OSError) as error:
        reason = str(error) if isinstance(error, TextExtractionError) else "The file is missing."
        record_document_text(document, status=TextStatus.FAILED, reason=reason)
        return None
    with transaction.atomic():
        DocumentPage.objects.filter(document=document).delete()
        DocumentPage.objects.bulk_create(
            DocumentPage(document=document, number=p.number, text=p.text, ocr=p.ocr) for p in pages
        )
        record_document_text(
            document, status=TextStatus.EXTRACTED, reason=budget.note(), page_count=len(pages)
        )
    return pages


# --- Runs ------------------------------------------------------------------------------------


def start_triage(
    application: PlanningApplication, *, engine: str | None = None, trigger: str = ""
) -> TriageRun:
    """A new run version for the application, queued and enqueued once this transaction commits.
    Earlier versions are kept."""
    engine = engine or settings.TRIAGE_DEFAULT_ENGINE
    if engine not in ("rules", "llm"):
        raise ValueError(f"Unknown extraction engine {engine!r}: use 'rules' or 'llm'.")
    with transaction.atomic():
        # Locking the application serialises version numbers for it.
        PlanningApplication.objects.select_for_update().only("id").get(pk=application.pk)
        latest = application.triage_runs.aggregate(latest=Max("version"))["latest"] or 0
        run = TriageRun.objects.create(
            application=application, version=latest + 1, engine=engine, trigger=trigger[:100]
        )
        refresh_summary(application.pk)
        transaction.on_commit(lambda: enqueue_run(run.pk))
    return run


def start_triage_for_new_document(document: Document) -> TriageRun | None:
    """A document arrived: re-triage, unless a run that has not started yet will read it anyway."""
    waiting = TriageRun.objects.filter(
        application_id=document.application_id, status=RunStatus.QUEUED, attempts=0
    ).exists()
    if waiting:
        return None
    return start_triage(document.application, trigger=f"document added: {document}")


def enqueue_run(run_id: int) -> None:
    """Send the run's task. Noted on the run first, so that if the broker never gets the
    message (it is down) the sweep sends it again once TRIAGE_REENQUEUE_AFTER_SECONDS pass;
    a broker that cannot be reached is therefore logged, not raised to whoever started the run."""
    TriageRun.objects.filter(pk=run_id).update(
        enqueued_at=timezone.now(), enqueues=F("enqueues") + 1
    )
    try:
        run_triage_task().apply_async((run_id,), queue=settings.TRIAGE_TASK_QUEUE)
    except BrokerUnavailable as error:
        logger.warning("run %s not sent (the sweep will send it): %s", run_id, error)


def run_triage_task():
    """The registered Celery task, looked up by its name: triage.tasks imports this module, so
    this module never imports triage.tasks (dependencies point one way, even inside functions)."""
    return current_app.tasks["triage.tasks.run_triage"]


def _lease() -> timedelta:
    return timedelta(seconds=settings.TRIAGE_RUN_LEASE_SECONDS)


def claim_run(run_id: int) -> TriageRun | None:
    """Take the run if it is queued, or running past its lease (its worker died). The
    conditional UPDATE's row count decides: exactly one claimant wins. A run taken over
    TRIAGE_RUN_MAX_ATTEMPTS times fails instead: whatever kills its workers would again."""
    now = timezone.now()
    lapsed = Q(status=RunStatus.RUNNING, deadline__lt=now)
    exhausted = TriageRun.objects.filter(
        lapsed, pk=run_id, attempts__gte=settings.TRIAGE_RUN_MAX_ATTEMPTS
    )
    reason = (
        f"Its worker stopped (killed, or out of time or memory) on each of "
        f"{settings.TRIAGE_RUN_MAX_ATTEMPTS} attempts; not tried again."
    )
    with transaction.atomic():
        if exhausted.update(status=RunStatus.FAILED, finished_at=now, error=reason):
            _record_failure(TriageRun.objects.get(pk=run_id), reason)
            return None
    claimable = Q(status=RunStatus.QUEUED) | lapsed
    claimed = TriageRun.objects.filter(claimable, pk=run_id).update(
        status=RunStatus.RUNNING,
        deadline=now + _lease(),
        attempts=F("attempts") + 1,
        started_at=now,
    )
    if claimed != 1:
        return None
    run = TriageRun.objects.select_related("application").get(pk=run_id)
    TriageSummary.objects.filter(application_id=run.application_id, latest_run_id=run.pk).update(
        latest_status=RunStatus.RUNNING
    )
    return run


@contextmanager
def keeping_the_lease(run: TriageRun) -> Iterator[None]:
    """Renew the run's lease every third of TRIAGE_RUN_LEASE_SECONDS while the block runs.

    A thread does it, so a long page of OCR or a slow model answer renews it too; it stops
    with the block, or when the run is no longer this claim's. If its worker dies, renewals
    stop with it and the lease lapses within TRIAGE_RUN_LEASE_SECONDS. Celery's hard time
    limit bounds a run that hangs while its lease is kept.
    """
    stop = threading.Event()
    interval = settings.TRIAGE_RUN_LEASE_SECONDS / 3

    def renew() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not _owned(run).update(deadline=timezone.now() + _lease()):
                        return  # taken over, or finished: nothing left to keep
                except DatabaseError as error:
                    # The database is away: try again, the lease may still be saved.
                    logger.warning("could not renew the lease of run %s: %s", run.pk, error)
                    close_old_connections_now()
        finally:
            connection.close()

    keeper = threading.Thread(target=renew, name=f"lease-run-{run.pk}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join(timeout=interval + 5)


def close_old_connections_now() -> None:
    """Drop this thread's database connection so the next query opens a fresh one."""
    with suppress(DatabaseError):
        connection.close()


@dataclass(frozen=True)
class Outcome:
    """What `execute_run` did. `retry_in` is set when another worker holds the run."""

    done: bool
    message: str
    retry_in: float | None = None


def execute_run(run_id: int) -> Outcome:
    run = claim_run(run_id)
    if run is None:
        current = TriageRun.objects.filter(pk=run_id).first()
        if current is None:
            return Outcome(True, "no such run")
        if current.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return Outcome(True, f"already {current.status}")
        wait = (current.deadline - timezone.now()).total_seconds() if current.deadline else 1
        return Outcome(False, "held by another worker", retry_in=max(wait, 0) + 1)
    try:
        return _work_on(run)
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a failover): the task retries. Hand the run
        # back if the database is there again, so the retry need not wait out the lease.
        close_old_connections_now()
        with suppress(DatabaseError):
            _release(run, "database unavailable")
        raise


def _work_on(run: TriageRun) -> Outcome:
    try:
        with keeping_the_lease(run):
            drafts, facts = _triage(run)
    except TransientEngineError as error:
        _release(run, str(error))
        raise
    except (OperationalError, InterfaceError):
        raise
    except SoftTimeLimitExceeded:
        limit = settings.TRIAGE_RUN_TIME_LIMIT_SECONDS
        _finish_failed(run, f"The run took longer than its time limit ({limit} s).")
        return Outcome(True, "failed: time limit")
    except EngineError as error:
        _finish_failed(run, str(error))
        return Outcome(True, f"failed: {error}")
    except Exception as error:  # a bug must end the run visibly, not leave it running
        logger.exception("triage run %s failed", run.pk)
        _finish_failed(run, f"{type(error).__name__}: {error}")
        return Outcome(True, f"failed: {error}")
    if _finish_succeeded(run, drafts, facts):
        return Outcome(True, "succeeded")
    return Outcome(True, "lost the run to another worker; its result stands")


@dataclass
class RunFacts:
    pages_read: int
    dropped_quotes: int
    priority: checks.Priority
    engine_label: str


def _triage(run: TriageRun) -> tuple[list[FindingDraft], RunFacts]:
    application = run.application
    documents: list[DocumentInput] = []
    summaries: list[checks.DocumentSummary] = []
    unreadable: list[str] = []
    for document in application.documents.all():
        pages = read_document_text(document)
        if pages is None:
            unreadable.append(f"{document.original_filename} ({document.text_status_reason})")
            continue
        documents.append(DocumentInput(str(document.pk), document.original_filename, pages))
        summaries.append(
            checks.DocumentSummary(
                document.original_filename,
                document.document_type,
                pages[0].text if pages else "",
                "\n".join(page.text for page in pages),
            )
        )

    spatial_findings = [spatial.hit_finding(hit) for hit in spatial.site_hits(application)]
    facts = ApplicationFacts(
        reference=application.reference,
        application_type=application.application_type,
        description=application.description,
        spatial_facts=[finding.title for finding in spatial_findings],
    )
    extractor = build_extractor(run.engine)
    result = extractor.extract(facts, documents)
    findings = spatial_findings + result.findings
    findings += checks.conflicts(findings)
    case = build_case(findings, case_input(application))
    requirements = policy_services.requirements_for(application.council_id)
    findings += checks.missing_documents(case, summaries, requirements)
    library = policy_services.library_for(application.council_id)
    findings += policy_conflicts.conflict_findings(case, library)
    # The model judges the proposal against the few policies the rules select for the site.
    selected = policy_conflicts.relevant_policies(case, library)
    judged = extractor.check_conflicts(facts, documents, findings, selected)
    findings += judged.findings
    priority = checks.prioritise(findings, case, unreadable_documents=unreadable)
    label = getattr(extractor, "label", extractor.name)
    dropped = result.dropped_quotes + judged.dropped_quotes
    return findings, RunFacts(result.pages_read, dropped, priority, label)


def case_input(application: PlanningApplication) -> CaseInput:
    return CaseInput(
        application_type=application.application_type,
        description=application.description,
        site_area_m2=application.site_area_m2,
        proposed_dwellings=application.proposed_dwellings,
        floorspace_m2=application.floorspace_m2,
        project_types=tuple(application.project_types or ()),
        statutory_deadline=application.statutory_deadline,
        determination_deadline=application.determination_deadline,
    )


def _owned(run: TriageRun):
    """The run, only while this claim still holds it (same attempt, still running)."""
    return TriageRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts)


TRIAGE_ACTOR = Actor("triage")


def _finish_succeeded(run: TriageRun, drafts: list[FindingDraft], facts: RunFacts) -> bool:
    with transaction.atomic():
        # The application row first, as officers' reviews lock it: a review and the carrying
        # over of reviews to this run never interleave (triage.reviews).
        application = PlanningApplication.objects.select_for_update().get(pk=run.application_id)
        previous = TriageSummary.objects.filter(application=application).first()
        updated = _owned(run).update(
            status=RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            error="",
            pages_read=facts.pages_read,
            dropped_quotes=facts.dropped_quotes,
            engine_label=facts.engine_label[:200],
            lane=facts.priority.lane,
            team=facts.priority.team,
            priority_score=facts.priority.score,
            reasons=facts.priority.reasons,
        )
        if updated != 1:
            return False
        findings = Finding.objects.bulk_create(_finding_row(run, draft) for draft in drafts)
        carried = carry_over_reviews(previous.result_run if previous else None, findings)
        standing = refresh_summary(application.pk)
        lane = checks.LANE_WORDS.get(standing.lane, standing.lane)
        if standing.team:
            lane += f" ({standing.team} team)"
        summary = f"Triage v{run.version} finished: {lane}, score {standing.priority_score}"
        if carried:
            summary += f"; {carried} review{'s' if carried != 1 else ''} carried over"
        record_event(
            application,
            "triage_finished",
            summary,
            actor=TRIAGE_ACTOR,
            detail={"run": run.pk, "version": run.version, "carried_reviews": carried},
        )
    return True


def _finding_row(run: TriageRun, draft: FindingDraft) -> Finding:
    row = Finding(
        application_id=run.application_id,
        run=run,
        code=draft.code,
        value=draft.value,
        attributes=draft.attributes,
        title=draft.title,
        detail=draft.detail,
        source=draft.source,
        engine=draft.engine,
        confidence=draft.confidence,
    )
    if draft.spatial:
        evidence = draft.spatial
        row.dataset = evidence.dataset
        row.layer_source = evidence.layer_source
        row.entity = evidence.entity
        row.feature_name = evidence.feature_name
        row.relation = evidence.relation
        row.overlap_area_m2 = evidence.overlap_area_m2
        row.site_share_pct = evidence.site_share_pct
        row.distance_m = evidence.distance_m
        row.grazes = evidence.grazes
    if draft.evidence:
        row.document_id = int(draft.evidence.document)
        row.page_number = draft.evidence.page
        row.quote = draft.evidence.quote
    if draft.policy:
        row.policy_id = draft.policy.policy_id
        row.policy_quote = draft.policy.quote
    return row


def _finish_failed(run: TriageRun, reason: str) -> None:
    with transaction.atomic():
        failed = _owned(run).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=reason[:2000]
        )
        if failed:
            _record_failure(run, reason)


def _record_failure(run: TriageRun, reason: str) -> None:
    refresh_summary(run.application_id)
    record_event(
        PlanningApplication(pk=run.application_id),
        "triage_failed",
        f"Triage v{run.version} failed: {reason}",
        actor=TRIAGE_ACTOR,
        detail={"run": run.pk, "version": run.version},
    )


def _release(run: TriageRun, reason: str) -> None:
    """Hand the run back to the queue after a transient failure, so the retry can claim it."""
    with transaction.atomic():
        _owned(run).update(status=RunStatus.QUEUED, deadline=None, error=reason[:2000])
        refresh_summary(run.application_id)


def note_retry(run_id: int, countdown: float) -> None:
    """The run's task will be delivered again in `countdown` seconds: the sweep waits for it."""
    TriageRun.objects.filter(pk=run_id).update(
        enqueued_at=timezone.now() + timedelta(seconds=countdown)
    )


def fail_run(run_id: int, reason: str) -> None:
    """Give up on a run that is not finished (e.g. retries exhausted)."""
    with transaction.atomic():
        run = TriageRun.objects.filter(pk=run_id).first()
        failed = (
            TriageRun.objects.filter(pk=run_id)
            .exclude(status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED])
            .update(status=RunStatus.FAILED, finished_at=timezone.now(), error=reason[:2000])
        )
        if failed and run is not None:
            _record_failure(run, reason)


def recover_stuck_runs() -> list[int]:
    """Send the task again for every run that seems to have lost it: running past its lease
    (its worker died), or queued with no sign of its message TRIAGE_REENQUEUE_AFTER_SECONDS
    after it was due (the broker lost it). Returns the run ids sent.

    A run is sent again only when its last send is older than the grace period doubled for
    each send before (capped at 64 times), so a long backlog is not flooded with copies of
    the same runs at every sweep; a claim makes any copy that does arrive harmless.
    """
    now = timezone.now()
    grace = settings.TRIAGE_REENQUEUE_AFTER_SECONDS
    lapsed = Q(status=RunStatus.RUNNING, deadline__lt=now)
    waiting = Q(status=RunStatus.QUEUED)
    candidates = TriageRun.objects.filter(lapsed | waiting).values_list(
        "pk", "status", "enqueued_at", "enqueues", "created_at"
    )
    due = []
    for run_id, status, enqueued_at, enqueues, created_at in candidates.iterator():
        last_sent = enqueued_at or created_at
        if status == RunStatus.RUNNING:
            # The lease has lapsed: the message (if any) is unacknowledged in a dead worker.
            wait = 0.0 if enqueues <= 1 else grace * 2 ** min(enqueues - 1, 6)
        else:
            wait = grace * 2 ** min(max(enqueues - 1, 0), 6)
        if last_sent < now - timedelta(seconds=wait):
            due.append((run_id, enqueued_at))
    sent = []
    for run_id, enqueued_at in due:
        # Conditional on the send we saw: two sweeps at once send one copy, not two.
        if TriageRun.objects.filter(pk=run_id, enqueued_at=enqueued_at).update(enqueued_at=now):
            enqueue_run(run_id)
            sent.append(run_id)
    return sent


def start_missing_runs(*, older_than_seconds: int = 120, batch: int = 200) -> list[int]:
    """Start triage for open applications that never got a run: the event sent after their
    submission was lost (the broker or database failed at that moment). Returns the new run ids.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    orphans = (
        PlanningApplication.objects.filter(created_at__lt=cutoff, triage_runs__isnull=True)
        .exclude(status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.DETERMINED])
        .order_by("created_at")[:batch]
    )
    return [start_triage(application, trigger="sweep: no run found").pk for application in orphans]


# --- Reading results and recording reviews ----------------------------------------------------


def latest_run(application: PlanningApplication) -> TriageRun | None:
    return application.triage_runs.order_by("-version").first()


def latest_finished_run(application: PlanningApplication) -> TriageRun | None:
    return application.triage_runs.filter(status=RunStatus.SUCCEEDED).order_by("-version").first()
