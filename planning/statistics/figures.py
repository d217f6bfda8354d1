"""A figure is a count and the filter behind it; the measures the filters use (days to a
decision, the agreed period, in time) are computed by the database."""

import dataclasses
import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from planning.models import (
    PlanningApplication,
)
from planning.statistics.filters import encode_where
from planning.statistics.vocabulary import EIA, EXTENSION, LONDON, NO_AGREEMENT, OUTCOMES, PPA


def london_today() -> datetime.date:
    return timezone.localdate(timezone=LONDON)


# --- figures and their filters -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Figure:
    """A number and the filter that selects the applications behind it:
    `applications(queryset, figure.where).count() == figure.count`."""

    count: int
    where: Q

    @property
    def query(self) -> str:
        """The filter as text for a link's query string (read back with `decode_where`)."""
        return encode_where(self.where)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (no decisions is not 0%)."""
    return part / whole if whole else None


class DaysBetween(Func):
    """Whole days from the second date to the first (in PostgreSQL date - date is an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def with_measures(applications: QuerySet[PlanningApplication]) -> QuerySet[PlanningApplication]:
    """The applications with the measures the figures filter on, computed by the database:

    - `days_to_decision`: days from the valid date to the decision date;
    - `agreement`: the agreed period a decision is measured against (PPA, EXTENSION, EIA or
      NO_AGREEMENT); an extension counts only when it ends after the statutory deadline,
      as planning.statutory says;
    - `in_time`: decided on or before the determination deadline (the statutory period, or
      the agreed date when that is later): the government's headline measure;
    - `within_statutory_period`: decided on or before the statutory deadline (8, 13 or 16
      weeks), agreements not counted.
    """
    return applications.annotate(
        days_to_decision=DaysBetween("decision_date", "valid_date"),
        agreement=Case(
            When(performance_agreement=True, then=Value(PPA)),
            When(determination_deadline__gt=F("statutory_deadline"), then=Value(EXTENSION)),
            When(eia_required=True, then=Value(EIA)),
            default=Value(NO_AGREEMENT),
            output_field=CharField(),
        ),
        in_time=Case(
            When(decision_date__lte=F("determination_deadline"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        within_statutory_period=Case(
            When(decision_date__lte=F("statutory_deadline"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def applications(
    queryset: QuerySet[PlanningApplication], where: Q
) -> QuerySet[PlanningApplication]:
    """The applications behind a figure, from the caller's (council-limited) queryset."""
    return with_measures(queryset).filter(where)


# Decided: granted or refused, with its date (a withdrawn application is not a decision).
DECIDED = Q(decision__in=OUTCOMES, decision_date__isnull=False)


def decided_between(first: datetime.date, last: datetime.date) -> Q:
    return Q(decision_date__gte=first, decision_date__lte=last)
