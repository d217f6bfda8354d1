"""What the site's planning history (planning.site_history) means for the case: an earlier
application refused on this site, or enforcement here, within RELEVANT_YEARS before this
application was received. Each is a finding, so the score, the queue's "refused on this site
before" filter, reviews and re-runs all read the one rule here.

Older history, nearby history and everything granted is shown on the application page from
the history itself; it does not move the case.
"""

import datetime

from planning.models import PlanningApplication
from planning.site_history.lookup import PastOnSite, site_history
from triage.schemas import FindingDraft
from triage.vocabulary import HISTORY_ENFORCEMENT, HISTORY_REFUSED, Origin, Strength

ENGINE = "history"
# An officer reads a refusal of the last ten years for its reasons; older ones were judged
# against policies long replaced.
RELEVANT_YEARS = 10


def history_findings(application: PlanningApplication) -> list[FindingDraft]:
    if application.site is None:
        return []
    found = site_history(
        application.council_id, application.site, exclude_application=application.pk
    )
    return findings_from_history(found, received=application.received_date)


def relevant_since(received: datetime.date) -> datetime.date:
    try:
        return received.replace(year=received.year - RELEVANT_YEARS)
    except ValueError:  # 29 February
        return received.replace(year=received.year - RELEVANT_YEARS, day=28)


def findings_from_history(
    history: list[PastOnSite], *, received: datetime.date
) -> list[FindingDraft]:
    """Refusals and enforcement on the site (not nearby) since RELEVANT_YEARS before
    `received`, newest first, as findings."""
    since = relevant_since(received)
    findings = []
    for item in history:
        if not item.on_site or not item.stands_out:
            continue
        day = item.day
        if day is None or day < since:
            continue
        record = item.record
        if item.enforcement:
            code, what = HISTORY_ENFORCEMENT, "Enforcement"
        else:
            code, what = HISTORY_REFUSED, "Refused"
        description = record.description.replace("\n", " ")
        if len(description) > 600:
            description = description[:600].rsplit(" ", 1)[0] + " …"
        findings.append(
            FindingDraft(
                code=code,
                value=record.reference[:64],
                attributes={
                    "reference": record.reference,
                    "year": str(day.year),
                    "date": day.isoformat(),
                    "decision": record.decision_text or record.get_decision_display(),
                    "why": item.why,
                    "source": record.source,
                    "address": record.address,
                },
                title=f"{what} {day.year} on this site ({record.reference})"[:300],
                detail=f"{description} {item.why}; {record.decision_text or what.lower()} "
                f"on {day:%-d %B %Y}.".strip()[:2000],
                source="check",
                origin=Origin.SPATIAL,
                engine=ENGINE,
                strength=Strength.MAP,
            )
        )
    return findings
