"""Triage listens to other apps' events (sent on commit); they know nothing of triage.

- planning: an application submitted, a document added, a council's site history loaded;
- geo: a constraint layer reloaded;
- policies: policies reloaded, a validation list or a consultation list changed.
"""

from geo.signals import layer_loaded
from planning.signals import application_submitted, document_added, history_loaded
from policies.signals import consultations_changed, policies_changed, requirements_changed
from triage import document_text, reruns, runs


def on_application_submitted(sender, application, **kwargs) -> None:
    runs.start_triage(application, trigger="submitted")


def on_document_added(sender, document, **kwargs) -> None:
    document_text.queue_reading(document)
    runs.start_triage_for_new_document(document)


def on_layer_loaded(sender, dataset, source, **kwargs) -> None:
    reruns.schedule(reruns.affected_by_layer(dataset, source), f"layer reloaded: {dataset}")


def on_policies_changed(sender, framework, superseded, added, **kwargs) -> None:
    affected = reruns.affected_by_policies(framework, superseded, added)
    reruns.schedule(affected, f"policies reloaded: {framework.name}")


def on_requirements_changed(sender, council, **kwargs) -> None:
    affected = reruns.affected_by_requirements(council.pk if council else None)
    which = f"{council.name} local list" if council else "national list"
    reruns.schedule(affected, f"validation list changed: {which}")


def on_consultations_changed(sender, council, **kwargs) -> None:
    affected = reruns.affected_by_consultations(council.pk if council else None)
    which = f"{council.name} consultation list" if council else "national consultation list"
    reruns.schedule(affected, f"consultation list changed: {which}")


def on_history_loaded(sender, council, **kwargs) -> None:
    reruns.schedule(reruns.affected_by_history(council.pk), "planning history loaded")


def connect() -> None:
    application_submitted.connect(on_application_submitted, dispatch_uid="triage.submitted")
    document_added.connect(on_document_added, dispatch_uid="triage.document_added")
    layer_loaded.connect(on_layer_loaded, dispatch_uid="triage.layer_loaded")
    history_loaded.connect(on_history_loaded, dispatch_uid="triage.history_loaded")
    consultations_changed.connect(
        on_consultations_changed, dispatch_uid="triage.consultations_changed"
    )
    policies_changed.connect(on_policies_changed, dispatch_uid="triage.policies_changed")
    requirements_changed.connect(
        on_requirements_changed, dispatch_uid="triage.requirements_changed"
    )
