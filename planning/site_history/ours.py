"""This service's own decisions join the site history as they are recorded: a decided or
withdrawn application becomes a past application of its council (source THIS_SERVICE), so the
next application on that site sees it without anyone importing anything."""

from planning.models import (
    ApplicationStatus,
    DecisionOutcome,
    PastApplication,
    PastDecision,
    PlanningApplication,
)
from planning.site_history.importers import THIS_SERVICE

OUTCOMES = {
    DecisionOutcome.GRANTED: PastDecision.GRANTED,
    DecisionOutcome.REFUSED: PastDecision.REFUSED,
}


def record_in_history(application: PlanningApplication) -> PastApplication | None:
    """Write (or bring up to date) the application's record in the site history. Call it in
    the transaction that decides or withdraws the application. An application without a site
    boundary has no place in a site's history: nothing is written."""
    if application.site is None:
        return None
    if application.status == ApplicationStatus.WITHDRAWN:
        decision, decided_on, words = (
            PastDecision.WITHDRAWN,
            application.withdrawn_date,
            "Withdrawn",
        )
    elif application.status == ApplicationStatus.DETERMINED and application.decision:
        decision = OUTCOMES[DecisionOutcome(application.decision)]
        decided_on, words = application.decision_date, application.get_decision_display()
    else:
        return None
    record, _ = PastApplication.objects.update_or_create(
        application=application,
        defaults={
            "council_id": application.council_id,
            "reference": application.reference,
            "address": application.address,
            "description": application.description,
            "application_type": application.application_type,
            "decision": decision,
            "decision_text": words,
            "decision_date": decided_on,
            "received_date": application.received_date,
            "uprn": application.uprn,
            "geometry": application.site,
            "area_m2": application.site.area,
            "source": THIS_SERVICE,
            "source_id": str(application.pk),
        },
    )
    return record
