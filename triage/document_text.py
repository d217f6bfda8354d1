"""Document text: each document's pages read once, kept, and read from the database after.

A document is read as soon as it is stored, by its own task (`read_document`), so a run
usually finds its pages waiting; a run that gets there first reads it itself. Either way there
is one reader per document: a lease (leases.services), a row renewed while the reader works.
It survives a database restart and a reader's host vanishing without closing its connection
(a session's advisory lock did neither), and lapses TRIAGE_TEXT_LEASE_SECONDS after a dead
reader's last renewal. Whoever waited on it uses the pages the reader kept rather than OCR the
scans again; a reader that lost its lease (an outage longer than the lease) keeps nothing.

A document whose reading keeps killing its worker (out of memory, past the hard time limit)
is given up after TRIAGE_TEXT_MAX_ATTEMPTS tries, with a reason an officer can act on.
"""

import logging
import time

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from leases import services as leases
from planning.models import Document, TextStatus
from planning.services import record_document_text
from planning.stored_files import (
    StorageUnavailable,
    StoredFileMissing,
    matches_upload,
    open_document,
)
from triage import metrics
from triage.extractors.base import TransientEngineError
from triage.models import DocumentPage, TextReadingAttempts
from triage.text import OcrBudget, PageText, TextExtractionError, extract_pages

logger = logging.getLogger(__name__)


class DocumentStorageUnavailable(TransientEngineError):
    """The document storage did not answer: the reading (or the run) is tried again later."""


def queue_reading(document: Document) -> None:
    """Send the document's reading task (after the upload commits). If the broker does not
    take it, nothing is lost: the first run that needs the pages reads them."""
    try:
        current_app.tasks["triage.tasks.read_document"].apply_async(
            (document.pk,), queue=settings.TRIAGE_TASK_QUEUE
        )
    except Exception as error:  # the broker's errors vary by transport; none may lose the upload
        logger.warning("could not queue the reading of document %s: %s", document.pk, error)


def read_stored_document(document_id: int) -> str:
    """The reading task's job. Returns what happened, for the task's result."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "no such document"
    if document.text_status != TextStatus.PENDING:
        return f"already {document.text_status}"
    pages = read_document_text(document)
    return f"{len(pages)} pages" if pages is not None else f"unreadable: {document.text_status}"


def give_up_reading(document_id: int, reason: str) -> None:
    """Record that the document could not be read in time (the task's soft time limit)."""
    document = Document.objects.filter(pk=document_id, text_status=TextStatus.PENDING).first()
    if document is not None:
        record_document_text(document, status=TextStatus.FAILED, reason=reason)


def read_document_text(document: Document) -> list[PageText] | None:
    """The document's pages, reading them first if no one has. None when the document cannot
    be read (its text status says why)."""
    if document.text_status == TextStatus.PENDING:
        with leases.holding(f"document-reading:{document.pk}", _lease_seconds()) as lease:
            document.refresh_from_db(fields=["text_status", "text_status_reason", "page_count"])
            if document.text_status == TextStatus.PENDING:
                pages = _extract_document_text(document, lease)
                if pages is not None or document.text_status != TextStatus.PENDING:
                    return pages
                # Lost the lease while reading: the reader that took over keeps its pages.
                document.refresh_from_db(fields=["text_status", "text_status_reason"])
    if document.text_status == TextStatus.EXTRACTED:
        return [
            PageText(number=page.number, text=page.text, ocr=page.ocr)
            for page in document.pages.all()
        ]
    return None


# How long pages already read wait for the database to come back before being given up.
KEEP_PAGES_FOR_SECONDS = 60.0


def _lease_seconds() -> float:
    return settings.TRIAGE_TEXT_LEASE_SECONDS


def _count_attempt(document: Document) -> int:
    """Note one more try at reading the document, committed before reading starts, so a
    reader that dies still counts. Returns the number of tries so far, this one included."""
    # Only the holder of the document's reading lock gets here: no other writer to race.
    record, _ = TextReadingAttempts.objects.get_or_create(document=document)
    record.attempts += 1
    record.save(update_fields=["attempts"])
    return record.attempts


def _extract_document_text(document: Document, lease: leases.Held) -> list[PageText] | None:
    limit = settings.TRIAGE_TEXT_MAX_ATTEMPTS
    attempt = _count_attempt(document)
    logger.info("reading document %s (attempt %s, lease %s)", document.pk, attempt, lease.holder)
    if attempt > limit:
        record_document_text(
            document,
            status=TextStatus.FAILED,
            reason=(
                f"Reading this document stopped its worker (out of time or memory) {limit} "
                "times, so it was not tried again. A smaller file, or one saved again as PDF, "
                "may read."
            ),
        )
        return None
    budget = OcrBudget()
    started = time.monotonic()
    try:
        with open_document(document) as handle:
            data = handle.read(settings.TRIAGE_MAX_DOCUMENT_BYTES + 1)
    except StoredFileMissing:
        record_document_text(document, status=TextStatus.FAILED, reason="The file is missing.")
        return None
    except StorageUnavailable as error:
        raise DocumentStorageUnavailable(f"The document storage did not answer: {error}") from None
    # Whole files only: one past the reading limit is refused by extract_pages below.
    if document.size_bytes <= settings.TRIAGE_MAX_DOCUMENT_BYTES and not matches_upload(
        document, data
    ):
        record_document_text(
            document,
            status=TextStatus.FAILED,
            reason=(
                "The stored file does not match what was uploaded (its size or SHA-256 "
                "differs), so it was not read. Upload the document again."
            ),
        )
        return None
    try:
        pages = extract_pages(
            data,
            filename=document.original_filename,
            content_type=document.content_type,
            budget=budget,
        )
    except TextExtractionError as error:
        metrics.observe_reading(time.monotonic() - started, "failed")
        record_document_text(document, status=TextStatus.FAILED, reason=str(error))
        return None
    metrics.observe_reading(time.monotonic() - started, "read")
    return pages if _keep_pages(document, pages, budget.note(), lease) else None


def _keep_pages(document: Document, pages: list[PageText], note: str, lease: leases.Held) -> bool:
    """Write the pages read, trying again for a while if the database is away (a restart
    while OCR ran): reading them again would cost far more than waiting. False when the
    lease was lost meanwhile, and the pages are left to the reader that took over."""
    deadline = time.monotonic() + KEEP_PAGES_FOR_SECONDS
    pause = 0.25
    while True:
        # A connection the restart cut is replaced rather than failing the write.
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        try:
            with transaction.atomic():
                if not lease.still_held(_lease_seconds()):
                    logger.warning("document %s: reading lease lost, pages not kept", document.pk)
                    return False
                DocumentPage.objects.filter(document=document).delete()
                DocumentPage.objects.bulk_create(
                    DocumentPage(document=document, number=p.number, text=p.text, ocr=p.ocr)
                    for p in pages
                )
                record_document_text(
                    document, status=TextStatus.EXTRACTED, reason=note, page_count=len(pages)
                )
            return True
        except (OperationalError, InterfaceError):
            if time.monotonic() + pause > deadline:
                raise
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
