"""Reading a document's text: one reader at a time, a budget for OCR, nothing overwritten by a
failure. Through the run service, on the real database (advisory locks are PostgreSQL's)."""

import threading
import time

import pytest
from django.db import connection

from planning.models import TextStatus
from tests.factories import PlanningApplicationFactory
from tests.triage.documents import scanned_image, text_pdf
from tests.triage.factories import DocumentFactory
from triage import document_text, pipeline, runs
from triage.models import RunStatus


@pytest.mark.django_db(transaction=True)
def test_two_runs_never_read_one_document_at_once(monkeypatch):
    application = PlanningApplicationFactory()
    document = DocumentFactory(
        application=application,
        original_filename="statement.pdf",
        content_type="application/pdf",
        content=text_pdf(["The site lies within the Camberwell Grove Conservation Area."]),
    )
    real_extract = document_text.extract_pages
    reading = {"now": 0, "most": 0, "calls": 0}

    def slow_extract(*args, **kwargs):
        reading["now"] += 1
        reading["calls"] += 1
        reading["most"] = max(reading["most"], reading["now"])
        time.sleep(0.5)
        try:
            return real_extract(*args, **kwargs)
        finally:
            reading["now"] -= 1

    monkeypatch.setattr(document_text, "extract_pages", slow_extract)
    started = [runs.start_triage(application) for _ in range(2)]
    barrier = threading.Barrier(2)

    def execute(run_id):
        barrier.wait()
        try:
            pipeline.execute_run(run_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=execute, args=(run.pk,)) for run in started]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (reading["calls"], reading["most"]) == (1, 1)
    for run in started:
        run.refresh_from_db()
        assert (run.status, run.pages_read) == (RunStatus.SUCCEEDED, 1)
    document.refresh_from_db()
    assert document.text_status == TextStatus.EXTRACTED


@pytest.mark.django_db
def test_a_failed_read_keeps_the_page_count_from_the_upload():
    application = PlanningApplicationFactory()
    document = DocumentFactory(
        application=application,
        original_filename="broken.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.7\n garbage",
        page_count=12,
    )

    pipeline.execute_run(runs.start_triage(application).pk)

    document.refresh_from_db()
    assert (document.text_status, document.page_count) == (TextStatus.FAILED, 12)


@pytest.mark.django_db
def test_a_scan_sent_as_an_image_is_read_by_ocr():
    application = PlanningApplicationFactory()
    document = DocumentFactory(
        application=application,
        original_filename="heritage-statement.png",
        content_type="image/png",
        content=scanned_image(["HERITAGE STATEMENT"]),
    )

    pipeline.execute_run(runs.start_triage(application).pk)

    document.refresh_from_db()
    assert document.text_status == TextStatus.EXTRACTED
    assert "HERITAGE" in document.pages.get().text.upper()


@pytest.mark.django_db
def test_ocr_past_the_budget_is_recorded_on_the_document(settings, monkeypatch):
    from triage import text

    settings.TRIAGE_OCR_BUDGET_SECONDS = 1.0
    monkeypatch.setattr(
        text.pytesseract,
        "image_to_string",
        lambda *args, **kwargs: time.sleep(0.6) or "HERITAGE STATEMENT page",
    )
    application = PlanningApplicationFactory()
    tiff = _multipage_tiff(5)
    document = DocumentFactory(
        application=application,
        original_filename="scan.tif",
        content_type="image/tiff",
        content=tiff,
    )

    started = time.monotonic()
    pipeline.execute_run(runs.start_triage(application).pk)

    assert time.monotonic() - started < 10
    document.refresh_from_db()
    assert document.text_status == TextStatus.EXTRACTED
    assert "OCR stopped after 1 s" in document.text_status_reason


def _multipage_tiff(pages: int) -> bytes:
    import io

    from PIL import Image

    frames = [Image.new("L", (200, 100), 255) for _ in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()
