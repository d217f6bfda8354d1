"""A claimed run's work: the documents' text, the site against our layers, the extraction
engine, the cross-checks, the score; then the findings and the outcome in one transaction,
conditional on still owning the run (triage.runs).

Each document's reading is kept as soon as it is done (RunReading), so an attempt that takes
the run over after its worker died resumes with the documents not yet read instead of asking
the model about every document again.
"""

import logging
from contextlib import suppress
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from config import log_context
from planning.models import PlanningApplication
from planning.services import record_event
from policies import services as policy_services
from triage import (
    checks,
    consultations,
    metrics,
    policy_conflicts,
    reading_limits,
    site_history,
    spatial,
    validation,
)
from triage.case import CaseInput, build_case
from triage.document_text import read_document_text
from triage.engines import build_extractor
from triage.extractors.base import (
    ApplicationFacts,
    DocumentInput,
    DocumentReading,
    EngineError,
    Extractor,
    TransientEngineError,
    UnreadPart,
)
from triage.model_usage import ModelUsage
from triage.models import Finding, RunReading, RunStatus, TriageRun, TriageSummary
from triage.recognition import DocumentSummary
from triage.reviews import carry_over_reviews
from triage.runs import (
    TRIAGE_ACTOR,
    claim_run,
    close_old_connections_now,
    finish_failed,
    keeping_the_lease,
    lease,
    owned,
    release,
)
from triage.schemas import FindingDraft
from triage.summaries import refresh_summary

logger = logging.getLogger(__name__)


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
    log_context.bind(run=run.pk, application=run.application_id, council=run.application.council_id)
    try:
        return _work_on(run)
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a failover): the task retries. Hand the run
        # back if the database is there again, so the retry need not wait out the lease.
        close_old_connections_now()
        with suppress(DatabaseError):
            release(run, "database unavailable")
        raise


def _work_on(run: TriageRun) -> Outcome:
    try:
        with keeping_the_lease(run):
            drafts, facts = _triage(run)
    except TransientEngineError as error:
        release(run, str(error))
        raise
    except (OperationalError, InterfaceError):
        raise
    except SoftTimeLimitExceeded:
        limit = settings.TRIAGE_RUN_TIME_LIMIT_SECONDS
        finish_failed(
            run, f"The run took longer than its time limit ({limit} s).", kind="time-limit"
        )
        return Outcome(True, "failed: time limit")
    except EngineError as error:
        finish_failed(run, str(error), kind="engine")
        return Outcome(True, f"failed: {error}")
    except Exception as error:  # a bug must end the run visibly, not leave it running
        # The reason kept on the run is read by officers and councils' systems: the
        # exception's own text (a class name, a key, a file path) stays in the log.
        logger.exception("triage run %s failed", run.pk)
        finish_failed(
            run,
            f"Triage stopped on an unexpected error (logged as run {run.pk}): run it again, "
            "and tell the service's operators if it fails the same way.",
        )
        return Outcome(True, f"failed: {type(error).__name__}")
    if _finish_succeeded(run, drafts, facts):
        return Outcome(True, "succeeded")
    return Outcome(True, "lost the run to another worker; its result stands")


@dataclass
class RunFacts:
    pages_read: int
    dropped_quotes: int
    priority: checks.Priority
    engine_label: str
    unread: list[UnreadPart]


def _triage(run: TriageRun) -> tuple[list[FindingDraft], RunFacts]:
    application = run.application
    documents: list[DocumentInput] = []
    summaries: list[DocumentSummary] = []
    unreadable: list[str] = []
    for document in application.documents.all():
        pages = read_document_text(document)
        if pages is None:
            unreadable.append(f"{document.original_filename} ({document.text_status_reason})")
            continue
        documents.append(DocumentInput(str(document.pk), document.original_filename, pages))
        summaries.append(
            DocumentSummary(
                str(document.pk), document.original_filename, document.document_type, tuple(pages)
            )
        )

    spatial_findings = [spatial.hit_finding(hit) for hit in spatial.site_hits(application)]
    library = policy_services.library_for(application.council_id)
    facts = ApplicationFacts(
        reference=application.reference,
        application_type=application.application_type,
        description=application.description,
        spatial_facts=[finding.title for finding in spatial_findings],
        local_policies=library.local_references(),
    )
    extractor = build_extractor(run.engine)
    result = extractor.combine(documents, _readings(run, extractor, facts, documents))
    findings = spatial_findings + result.findings
    findings += site_history.history_findings(application)
    for read in documents:
        findings += reading_limits.limit_findings(read)
    findings += reading_limits.unread_findings(result.unread, documents)
    findings += checks.conflicts(findings)
    case = build_case(findings, case_input(application))
    requirements = policy_services.requirements_for(application.council_id)
    findings += validation.validation_findings(case, summaries, requirements)
    findings += policy_conflicts.policy_findings(case, library)
    findings += consultations.consultation_findings(application, case, findings)
    # The model judges the proposal against the few policies the rules select for the site.
    selected = policy_conflicts.relevant_policies(case, library)
    judged = extractor.check_conflicts(facts, documents, findings, selected)
    _count_usage(run, extractor, judged.usage)
    findings += judged.findings
    priority = checks.prioritise(findings, case, unreadable_documents=unreadable)
    label = getattr(extractor, "label", extractor.name)
    dropped = result.dropped_quotes + judged.dropped_quotes
    return findings, RunFacts(result.pages_read, dropped, priority, label, result.unread)


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
        received_date=application.received_date,
        form_in_submission=application.form_in_submission,
    )


def _readings(
    run: TriageRun, extractor: Extractor, facts: ApplicationFacts, documents: list[DocumentInput]
) -> list[DocumentReading]:
    """Each document's reading: kept from an earlier attempt of this run, or read now and kept
    at once (while this claim still holds the run)."""
    kept = {
        reading.document_id: reading
        for reading in RunReading.objects.filter(
            run=run, document_id__in=[d.key for d in documents]
        )
    }
    readings: dict[str, DocumentReading] = {}
    for document in documents:
        row = kept.get(int(document.key))
        if row is not None:
            readings[document.key] = DocumentReading(
                [FindingDraft.model_validate(draft) for draft in row.drafts],
                invalid=row.invalid,
                pages=row.pages,
                unread=[UnreadPart.from_dict(part) for part in row.unread],
            )
    # The rest are read now, side by side where the engine can (the llm engine sends them
    # together), each kept as soon as it is done, by this thread.
    not_yet_read = [document for document in documents if document.key not in readings]
    for document, reading in extractor.read_many(facts, not_yet_read):
        _keep(run, extractor, int(document.key), reading)
        readings[document.key] = reading
    return [readings[document.key] for document in documents]


def _keep(run: TriageRun, extractor: Extractor, document_id: int, reading: DocumentReading) -> None:
    with transaction.atomic():
        # Renewing the lease locks the run's row until the reading is kept; no row means the
        # run was taken over or finished, and the reading is not this claim's to keep.
        if not owned(run).update(deadline=timezone.now() + lease()):
            return
        with suppress(IntegrityError), transaction.atomic():
            RunReading.objects.create(
                run=run,
                document_id=document_id,
                drafts=[draft.model_dump(mode="json") for draft in reading.drafts],
                invalid=reading.invalid,
                pages=reading.pages,
                unread=[part.as_dict() for part in reading.unread],
                attempt=run.attempts,
            )
        _count_usage(run, extractor, reading.usage)


def _count_usage(run: TriageRun, extractor: Extractor, usage: ModelUsage) -> None:
    """Add what the model was asked to the run's totals (triage.model_usage)."""
    if not usage.requests and not usage.retries:
        return
    TriageRun.objects.filter(pk=run.pk).update(
        model=getattr(extractor, "model", "")[:200],
        prompt_version=getattr(extractor, "prompt_version", "")[:50],
        model_requests=F("model_requests") + usage.requests,
        model_retries=F("model_retries") + usage.retries,
        model_tokens_in=F("model_tokens_in") + usage.tokens_in,
        model_tokens_out=F("model_tokens_out") + usage.tokens_out,
        model_seconds=F("model_seconds") + usage.seconds,
        model_max_seconds=Greatest("model_max_seconds", Value(usage.max_seconds)),
    )


def _finish_succeeded(run: TriageRun, drafts: list[FindingDraft], facts: RunFacts) -> bool:
    with transaction.atomic():
        # The application row first, as officers' reviews lock it: a review and the carrying
        # over of reviews to this run never interleave (triage.reviews).
        application = PlanningApplication.objects.select_for_update().get(pk=run.application_id)
        previous = TriageSummary.objects.filter(application=application).first()
        updated = owned(run).update(
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
            unread=[part.as_dict() for part in facts.unread],
        )
        if updated != 1:
            return False
        metrics.observe_run_finished(
            (timezone.now() - run.created_at).total_seconds(), RunStatus.SUCCEEDED, run.engine
        )
        RunReading.objects.filter(run=run).delete()
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
        origin=draft.origin,
        engine=draft.engine,
        strength=draft.strength,
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
