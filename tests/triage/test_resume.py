"""Work a run or a reading has finished is kept: a run taken over after its worker died
resumes with the documents not yet read, and a document is read once, by its own task as soon
as it is stored, not again by every run."""

import time

import pytest
from celery import current_app

from planning.models import TextStatus
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer, finding, model_env
from tests.worker import Worker, wait_for
from triage import document_text, receivers, runs
from triage.models import RunReading, RunStatus, TextReadingAttempts, TriageRun

STOREYS = "Three storeys are proposed on the site."
BASEMENT = "A basement is proposed under the rear garden."


def _asked_about(request: dict) -> str:
    user = request["messages"][-1]["content"]
    return "storeys" if "Three storeys" in user else "basement" if "basement" in user else "?"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_run_resumes_without_reading_its_finished_documents_again(queue):
    application = PlanningApplicationFactory()
    DocumentFactory(application=application, content=STOREYS.encode(), original_filename="a.txt")
    DocumentFactory(application=application, content=BASEMENT.encode(), original_filename="b.txt")
    storeys = {"findings": [finding("proposal.storeys", "3", "Three storeys are proposed")]}
    basement = {"findings": [finding("proposal.basement", "yes", "A basement is proposed")]}
    asked_about_b = []

    def answer(request):
        # By document, not by order: both documents are asked about at once.
        if _asked_about(request) == "storeys":
            return ("json", storeys)
        asked_about_b.append(request)
        # The first time, b.txt's answer never comes: the worker is killed while it waits.
        return ("sleep", 30) if len(asked_about_b) == 1 else ("json", basement)

    with FakeModelServer() as model_server:
        model_server.responder = answer
        env = model_env(
            model_server,
            TRIAGE_RUN_LEASE_SECONDS=3,
            TRIAGE_RECOVER_EVERY_SECONDS=2,
            CELERY_VISIBILITY_TIMEOUT=3600,
        )
        first = Worker(queue, **env).start()
        try:
            run = runs.start_triage(application, engine="llm")
            # a.txt's reading is kept while b.txt is still being asked about.
            wait_for(
                lambda: asked_about_b and RunReading.objects.filter(run=run).count() == 1,
                60,
                "the run never kept a.txt's reading while asking about b.txt",
            )
        finally:
            first.kill()
        killed_at = time.monotonic()
        second = Worker(queue, beat=True, **env).start()
        try:
            wait_for(
                lambda: TriageRun.objects.filter(pk=run.pk, status=RunStatus.SUCCEEDED).exists(),
                60,
                "the killed run was not taken over",
            )
            resumed_in = time.monotonic() - killed_at
        finally:
            second.stop()
    print(f"\nkilled mid-run: resumed and finished in {resumed_in:.1f} s (lease 3 s, sweep 2 s)")
    run.refresh_from_db()
    assert run.attempts == 2
    # a.txt was asked about once, by the first attempt; only b.txt was asked about again.
    assert sorted(_asked_about(r) for r in model_server.requests) == [
        "basement",
        "basement",
        "storeys",
    ]
    assert sorted(run.findings.filter(source="document").values_list("code", flat=True)) == [
        "proposal.basement",
        "proposal.storeys",
    ]
    assert run.pages_read == 2
    assert not RunReading.objects.filter(run=run).exists()  # working state, gone once finished


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_stored_document_is_read_by_its_own_task(queue):
    document = DocumentFactory(content=STOREYS.encode())
    worker = Worker(queue).start()
    try:
        current_app.tasks["triage.tasks.read_document"].apply_async((document.pk,), queue=queue)
        wait_for(
            lambda: type(document).objects.get(pk=document.pk).text_status != TextStatus.PENDING,
            60,
            "the document was not read",
        )
    finally:
        worker.stop()
    document.refresh_from_db()
    assert (document.text_status, document.page_count) == (TextStatus.EXTRACTED, 1)
    assert document.pages.get().text == STOREYS
    assert not TriageRun.objects.exists()  # reading needs no run


@pytest.mark.django_db
def test_a_new_document_is_sent_to_be_read_and_triaged(monkeypatch):
    sent: list[tuple] = []
    task = current_app.tasks["triage.tasks.read_document"]
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: sent.append(args))
    monkeypatch.setattr(runs, "enqueue_run", lambda run_id: None)
    document = DocumentFactory()
    receivers.on_document_added(sender=None, document=document)
    assert sent == [(document.pk,)]
    assert TriageRun.objects.filter(application=document.application).count() == 1


@pytest.mark.django_db
def test_a_new_document_is_triaged_even_when_its_reading_cannot_be_sent(monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:63799. Connection refused.")

    monkeypatch.setattr(current_app.tasks["triage.tasks.read_document"], "apply_async", broker_down)
    monkeypatch.setattr(runs, "enqueue_run", lambda run_id: None)
    document = DocumentFactory()
    receivers.on_document_added(sender=None, document=document)
    assert TriageRun.objects.filter(application=document.application).count() == 1


@pytest.mark.django_db
def test_a_document_whose_reading_keeps_killing_its_worker_is_given_up(settings):
    settings.TRIAGE_TEXT_MAX_ATTEMPTS = 3
    document = DocumentFactory()
    TextReadingAttempts.objects.create(document=document, attempts=3)  # three workers died
    assert document_text.read_document_text(document) is None
    document.refresh_from_db()
    assert document.text_status == TextStatus.FAILED
    assert "stopped its worker (out of time or memory) 3 times" in document.text_status_reason
    assert not document.pages.exists()


@pytest.mark.django_db
def test_each_start_of_reading_is_counted_before_it_reads():
    document = DocumentFactory()
    assert document_text.read_document_text(document) is not None
    assert TextReadingAttempts.objects.get(document=document).attempts == 1
    # Read once: later runs use the kept pages and count nothing.
    document_text.read_document_text(document)
    assert TextReadingAttempts.objects.get(document=document).attempts == 1


@pytest.mark.django_db
def test_a_reading_past_its_time_limit_says_so():
    document = DocumentFactory()
    document_text.give_up_reading(document.pk, "Reading the document took longer than 300 s.")
    document.refresh_from_db()
    assert (document.text_status, document.text_status_reason) == (
        TextStatus.FAILED,
        "Reading the document took longer than 300 s.",
    )
