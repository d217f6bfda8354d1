"""How near an open application is to its determination deadline: overdue, at risk, due soon,
later; or no valid date yet; or no clock at all (decided, withdrawn). One definition for the
queue's filters and columns, the backlog's figures, the priority score, the exports and the
pages, in the three forms they need, side by side so they cannot disagree:

- `band()`: for one application in Python;
- `band_filter()`: a Q selecting the applications in a band (the queue's filter, the backlog);
- `band_case()`: a database expression giving each application its band (the queue's counts,
  the triage summaries' periodic refresh).

"At risk" is under AT_RISK_DAYS days left (the deadline day counted as day 0); "due soon" under
SOON_DAYS. The deadline is the determination deadline: the statutory one, or the agreed one when
an extension of time was recorded (planning.statutory).
"""

import datetime

from django.conf import settings
from django.db.models import Case, CharField, Q, TextChoices, Value, When

from planning.models import OPEN_STATUSES

SOON_DAYS = 21


class DeadlineBand(TextChoices):
    OVERDUE = "overdue", "Overdue"
    AT_RISK = "at-risk", "At risk"
    SOON = "soon", "Due soon"
    LATER = "later", "Later"
    NOT_VALID = "not-valid", "No valid date yet"
    NO_CLOCK = "none", "No clock running"


def at_risk_days() -> int:
    """Under this many days to the determination deadline an open application is at risk."""
    return int(settings.AT_RISK_DAYS)


def label(band: str) -> str:
    """The band in words, with its threshold where it has one ("At risk (under 10 days left)")."""
    if band == DeadlineBand.AT_RISK:
        return f"At risk (under {at_risk_days()} days left)"
    if band == DeadlineBand.SOON:
        return f"Due soon (under {SOON_DAYS} days left)"
    return DeadlineBand(band).label


def band(
    deadline: datetime.date | None,
    today: datetime.date,
    *,
    is_open: bool = True,
    valid: bool = True,
) -> DeadlineBand:
    if not is_open:
        return DeadlineBand.NO_CLOCK
    if not valid:
        return DeadlineBand.NOT_VALID
    if deadline is None:
        return DeadlineBand.NO_CLOCK
    days = (deadline - today).days
    if days < 0:
        return DeadlineBand.OVERDUE
    if days < at_risk_days():
        return DeadlineBand.AT_RISK
    if days < SOON_DAYS:
        return DeadlineBand.SOON
    return DeadlineBand.LATER


def _field(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def band_filter(wanted: str, today: datetime.date, *, prefix: str = "") -> Q:
    """The applications in the band, open ones only. `prefix` reaches the application through a
    relation ("application__" from a triage summary)."""
    deadline = _field(prefix, "determination_deadline")
    is_open = Q(**{_field(prefix, "status__in"): OPEN_STATUSES})
    at_risk_from = today + datetime.timedelta(days=at_risk_days())
    soon_from = today + datetime.timedelta(days=SOON_DAYS)
    conditions = {
        DeadlineBand.OVERDUE: Q(**{f"{deadline}__lt": today}),
        DeadlineBand.AT_RISK: Q(**{f"{deadline}__gte": today, f"{deadline}__lt": at_risk_from}),
        DeadlineBand.SOON: Q(**{f"{deadline}__gte": at_risk_from, f"{deadline}__lt": soon_from}),
        DeadlineBand.LATER: Q(**{f"{deadline}__gte": soon_from}),
        DeadlineBand.NOT_VALID: Q(**{_field(prefix, "valid_date__isnull"): True}),
    }
    valid = Q(**{_field(prefix, "valid_date__isnull"): False})
    if wanted == DeadlineBand.NO_CLOCK:
        return ~is_open | (valid & Q(**{f"{deadline}__isnull": True}))
    if wanted == DeadlineBand.NOT_VALID:
        return is_open & conditions[DeadlineBand.NOT_VALID]
    return is_open & valid & conditions[DeadlineBand(wanted)]


def band_case(today: datetime.date, *, prefix: str = "", not_valid_apart: bool = True) -> Case:
    """Each application's band as a database expression. Without `not_valid_apart` an open
    application with no valid date has no clock (what the priority score counts)."""
    deadline = _field(prefix, "determination_deadline")
    closed = ~Q(**{_field(prefix, "status__in"): OPEN_STATUSES})
    whens = [When(closed, then=Value(DeadlineBand.NO_CLOCK.value))]
    if not_valid_apart:
        whens.append(
            When(
                Q(**{_field(prefix, "valid_date__isnull"): True}),
                then=Value(DeadlineBand.NOT_VALID.value),
            )
        )
    whens += [
        When(Q(**{f"{deadline}__isnull": True}), then=Value(DeadlineBand.NO_CLOCK.value)),
        When(Q(**{f"{deadline}__lt": today}), then=Value(DeadlineBand.OVERDUE.value)),
        When(
            Q(**{f"{deadline}__lt": today + datetime.timedelta(days=at_risk_days())}),
            then=Value(DeadlineBand.AT_RISK.value),
        ),
        When(
            Q(**{f"{deadline}__lt": today + datetime.timedelta(days=SOON_DAYS)}),
            then=Value(DeadlineBand.SOON.value),
        ),
    ]
    return Case(*whens, default=Value(DeadlineBand.LATER.value), output_field=CharField())
