"""Document text: each document's pages read once, kept, and read from the database after.

A document is read as soon as it is stored, by its own task (`read_document`), so a run
usually finds its pages waiting; a run that gets there first reads it itself. Either way there
is one reader per document: a PostgreSQL advisory lock, let go if the reader's worker dies,
and whoever waited on it uses the pages the reader kept rather than OCR the scans again.

A document whose reading keeps killing its worker (out of memory, past the hard time limit)
is given up after TRIAGE_TEXT_MAX_ATTEMPTS tries, with a reason an officer can act on.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from celery import current_app
from django.conf import settings
from django.db import connection, transaction

from planning.models import Document, TextStatus
from planning.services import record_document_text
from triage import metrics
from triage.models import DocumentPage, TextReadingAttempts
from triage.text import OcrBudget, PageText, TextExtractionError, extract_pages

logger = logging.getLogger(__name__)

# Advisory lock keys for reading a document: this number in the high 32 bits, the id below.
READING_LOCK_SPACE = 0x7E47


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


def _count_attempt(document: Document) -> int:
    """Note one more try at reading the document, committed before reading starts, so a
    reader that dies still counts. Returns the number of tries so far, this one included."""
    # Only the holder of the document's reading lock gets here: no other writer to race.
    record, _ = TextReadingAttempts.objects.get_or_create(document=document)
    record.attempts += 1
    record.save(update_fields=["attempts"])
    return record.attempts


def _extract_document_text(document: Document) -> list[PageText] | None:
    limit = settings.TRIAGE_TEXT_MAX_ATTEMPTS
    if _count_attempt(document) > limit:
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
        with document.file.open("rb") as handle:
            data = handle.read(settings.TRIAGE_MAX_DOCUMENT_BYTES + 1)
        pages = extract_pages(
            data,
            filename=document.original_filename,
            content_type=document.content_type,
            budget=budget,
        )
    except (TextExtractionError, OSError) as error:
        metrics.observe_reading(time.monotonic() - started, "failed")
        reason = str(error) if isinstance(error, TextExtractionError) else "The file is missing."
        record_document_text(document, status=TextStatus.FAILED, reason=reason)
        return None
    metrics.observe_reading(time.monotonic() - started, "read")
    with transaction.atomic():
        DocumentPage.objects.filter(document=document).delete()
        DocumentPage.objects.bulk_create(
            DocumentPage(document=document, number=p.number, text=p.text, ocr=p.ocr) for p in pages
        )
        record_document_text(
            document, status=TextStatus.EXTRACTED, reason=budget.note(), page_count=len(pages)
        )
    return pages
