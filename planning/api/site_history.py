"""The application API's `planning_history` section: the council's earlier applications on the
site and within the council's distance, newest first, with why each is listed (the same list
as the application page's)."""

from planning.models import PlanningApplication
from planning.site_history.lookup import site_history


def planning_history_section(application: PlanningApplication) -> list[dict] | None:
    """None for an application without a site boundary: there is nothing to look up."""
    if application.site is None:
        return None
    found = site_history(
        application.council_id,
        application.site,
        within_m=application.council.history_distance_m,
        exclude_application=application.pk,
    )
    return [
        {
            "reference": item.record.reference,
            "description": item.record.description,
            "address": item.record.address,
            "application_type": item.record.application_type,
            "kind": item.record.kind,
            "decision": item.record.decision,
            "decision_words": item.record.decision_text,
            "decision_date": _iso(item.record.decision_date),
            "received_date": _iso(item.record.received_date),
            "appeal_decision": item.record.appeal_decision,
            "relation": item.relation,
            "overlap_m2": item.overlap_m2,
            "share_of_site_pct": item.share_of_site_pct,
            "distance_m": item.distance_m,
            "why": item.why,
            "source": item.record.source,
        }
        for item in found
    ]


def _iso(day) -> str | None:
    return day.isoformat() if day else None
