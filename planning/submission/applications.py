"""Recording a submitted application, safe to retry: a council's system that timed out and sends
the same thing again gets the record it already made, not a duplicate; one that sends something
different under a reference we already hold is told so (ReferenceConflict) rather than silently
overwriting an officer's work."""

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, transaction
from django.urls import reverse

from planning.access import applications_visible_to_council
from planning.errors import DomainError
from planning.models import Council, PlanningApplication
from planning.services import SYSTEM, Actor, record_event
from planning.signals import announce_on_commit, application_submitted
from planning.submission.payload import ApplicationSubmission


class ReferenceConflict(DomainError):
    """The council already holds an application under this reference, with other contents."""

    problem = "reference-conflict"
    status_code = 409

    def __init__(self, existing: PlanningApplication, differing_fields: list[str]):
        self.existing = existing
        self.differing_fields = differing_fields
        super().__init__(
            f"Application {existing.reference} already exists with different "
            f"{', '.join(differing_fields)}."
        )

    def problem_extra(self) -> dict[str, Any]:
        existing = reverse("api:application-detail", kwargs={"pk": self.existing.pk})
        return {"differing_fields": self.differing_fields, "existing": existing}


@dataclass(frozen=True)
class Submitted:
    application: PlanningApplication
    created: bool  # False: a retry of something we already hold


def submit_application(
    council: Council,
    submission: ApplicationSubmission,
    *,
    source_format: str = "native",
    actor: Actor = SYSTEM,
) -> Submitted:
    """Record a council's application and tell listeners (triage) once it is committed.

    Idempotent per (council, reference): the same submission again returns the existing
    record and sends nothing; a different one raises ReferenceConflict.
    """
    fields = submission.record_fields()
    existing = _existing(council, submission.reference)
    if existing is not None:
        return _retry_of(existing, fields)
    try:
        with transaction.atomic():
            application = PlanningApplication.objects.create(
                council=council, source_format=source_format, **fields
            )
            record_event(application, "submitted", f"Received from {actor.name}", actor=actor)
            announce_on_commit(
                application_submitted, sender=PlanningApplication, application=application
            )
    except IntegrityError:
        # Two copies of one submission raced; the other one landed first.
        existing = _existing(council, submission.reference)
        if existing is None:
            raise
        return _retry_of(existing, fields)
    return Submitted(application, created=True)


def _existing(council: Council, reference: str) -> PlanningApplication | None:
    return applications_visible_to_council(council).filter(reference=reference).first()


def _retry_of(existing: PlanningApplication, fields: dict[str, Any]) -> Submitted:
    differing = [
        name
        for name, value in fields.items()
        if name != "site_area_m2" and not _same_value(getattr(existing, name), value)
    ]
    if differing:
        raise ReferenceConflict(existing, differing)
    return Submitted(existing, created=False)


def _same_value(held: Any, sent: Any) -> bool:
    if isinstance(held, GEOSGeometry) and isinstance(sent, GEOSGeometry):
        # Millimetres: the stored copy went through PostGIS and back.
        return held.equals_exact(sent, tolerance=0.001)
    return held == sent
