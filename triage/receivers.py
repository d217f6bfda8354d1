"""Triage listens to planning's events (sent on commit); planning knows nothing of triage."""

from planning.signals import application_submitted, document_added
from triage import services


def on_application_submitted(sender, application, **kwargs) -> None:
    services.start_triage(application, trigger="submitted")


def on_document_added(sender, document, **kwargs) -> None:
    services.start_triage_for_new_document(document)


def connect() -> None:
    application_submitted.connect(on_application_submitted, dispatch_uid="triage.submitted")
    document_added.connect(on_document_added, dispatch_uid="triage.document_added")
