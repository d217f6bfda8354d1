"""The open backlog: overdue, at risk, by weeks since the valid date, by officer, lane,
category and type, and applications received against decided each week."""

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncWeek

from planning.deadlines import DeadlineBand, band_filter
from planning.models import (
    OPEN_STATUSES,
    PlanningApplication,
    User,
)
from planning.statistics.figures import DECIDED, Figure, london_today
from planning.statistics.vocabulary import AGE_BANDS, CATEGORY_LABELS

OPEN = Q(status__in=OPEN_STATUSES)


@dataclasses.dataclass(frozen=True)
class BacklogGroup:
    """Open applications of one officer, category, application type (or lane)."""

    key: str | int | None
    label: str
    open: Figure
    overdue: Figure
    at_risk: Figure


@dataclasses.dataclass(frozen=True)
class WeekFlow:
    """Applications received and decided (granted or refused) in one week, Monday to Sunday."""

    week_start: datetime.date
    received: Figure
    decided: Figure


@dataclasses.dataclass(frozen=True)
class BacklogSummary:
    today: datetime.date
    open: Figure
    age_bands: dict[str, Figure]  # AGE_BANDS' labels, in order
    overdue: Figure
    at_risk: Figure
    without_valid_date: Figure


@dataclasses.dataclass(frozen=True)
class Backlog:
    summary: BacklogSummary
    by_officer: list[BacklogGroup]
    by_category: list[BacklogGroup]
    by_application_type: list[BacklogGroup]
    weeks: list[WeekFlow]


def _overdue(today: datetime.date) -> Q:
    return band_filter(DeadlineBand.OVERDUE, today)


def _at_risk(today: datetime.date) -> Q:
    return band_filter(DeadlineBand.AT_RISK, today)


def _age_band(today: datetime.date, first_week: int, last_week: int | None) -> Q:
    """Open applications whose completed weeks since the valid date are in the band. The first
    band has no upper date, so a (wrongly) future valid date still lands in a band."""
    condition = OPEN & Q(valid_date__isnull=False)
    if first_week > 0:
        condition &= Q(valid_date__lte=today - datetime.timedelta(weeks=first_week))
    if last_week is not None:
        condition &= Q(valid_date__gt=today - datetime.timedelta(weeks=last_week + 1))
    return condition


def _count(queryset: QuerySet[PlanningApplication], conditions: Mapping[str, Q]) -> dict[str, int]:
    """One aggregate query counting the applications that meet each condition."""
    if not conditions:
        return {}
    return queryset.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )


def backlog_summary(
    queryset: QuerySet[PlanningApplication], *, today: datetime.date | None = None
) -> BacklogSummary:
    """Open applications (neither determined nor withdrawn): how many, how old in completed weeks
    since the valid date, overdue (the determination deadline has passed), at risk (under
    AT_RISK_DAYS days left, the deadline day included) and without a valid date. One query."""
    today = today or london_today()
    conditions = {
        "open": OPEN,
        "overdue": _overdue(today),
        "at_risk": _at_risk(today),
        "without_valid_date": OPEN & Q(valid_date__isnull=True),
    }
    bands = [(label, _age_band(today, first, last)) for label, first, last in AGE_BANDS]
    # Every condition is about open applications: reading only those lets the index on
    # (council, status) find them instead of a scan of every application ever received.
    counts = _count(
        queryset.filter(OPEN),
        {**conditions, **{f"band_{i}": q for i, (_, q) in enumerate(bands)}},
    )
    return BacklogSummary(
        today=today,
        open=Figure(counts["open"], conditions["open"]),
        age_bands={label: Figure(counts[f"band_{i}"], q) for i, (label, q) in enumerate(bands)},
        overdue=Figure(counts["overdue"], conditions["overdue"]),
        at_risk=Figure(counts["at_risk"], conditions["at_risk"]),
        without_valid_date=Figure(counts["without_valid_date"], conditions["without_valid_date"]),
    )


def _largest_first(group: BacklogGroup) -> tuple[int, str]:
    return (-group.open.count, group.label.casefold())


def backlog_by(
    queryset: QuerySet[PlanningApplication],
    field: str,
    *,
    today: datetime.date | None = None,
    label: Callable[[Any], str] = lambda key: str(key),
) -> list[BacklogGroup]:
    """Open, overdue and at-risk applications per value of `field` (any lookup path, e.g.
    "category" or, from an app that knows triage, "triage__lane"), largest first. One query.
    An empty value (no officer, no triage summary) is a group of its own."""
    today = today or london_today()
    rows = (
        queryset.filter(OPEN)
        .order_by()
        .values(field)
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=_overdue(today)),
            at_risk=Count("pk", filter=_at_risk(today)),
        )
    )
    groups = []
    for row in rows:
        key = row[field]
        group = Q(**{f"{field}__isnull": True}) if key is None else Q(**{field: key})
        groups.append(
            BacklogGroup(
                key=key,
                label=label(key),
                open=Figure(row["open"], OPEN & group),
                overdue=Figure(row["overdue"], _overdue(today) & group),
                at_risk=Figure(row["at_risk"], _at_risk(today) & group),
            )
        )
    return sorted(groups, key=_largest_first)


def backlog_by_officer(
    queryset: QuerySet[PlanningApplication], *, today: datetime.date | None = None
) -> list[BacklogGroup]:
    """The backlog per case officer; unassigned applications are the group with key None."""
    groups = backlog_by(queryset, "assigned_officer", today=today)
    ids = [group.key for group in groups if group.key is not None]
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    }
    labelled = [
        dataclasses.replace(
            group, label=names[group.key] if isinstance(group.key, int) else "Unassigned"
        )
        for group in groups
    ]
    return sorted(labelled, key=_largest_first)


def backlog(
    queryset: QuerySet[PlanningApplication], *, today: datetime.date | None = None
) -> Backlog:
    """Everything the backlog page shows, in six queries."""
    today = today or london_today()
    return Backlog(
        summary=backlog_summary(queryset, today=today),
        by_officer=backlog_by_officer(queryset, today=today),
        by_category=backlog_by(
            queryset, "category", today=today, label=lambda key: CATEGORY_LABELS.get(key, key)
        ),
        by_application_type=backlog_by(queryset, "application_type", today=today),
        weeks=weekly_flow(queryset, today=today),
    )


def weekly_flow(
    queryset: QuerySet[PlanningApplication],
    *,
    today: datetime.date | None = None,
    weeks: int = 52,
) -> list[WeekFlow]:
    """Applications received and decided per week (Monday to Sunday), oldest first, over the
    last `weeks` weeks up to the week that holds today. A withdrawal is not a decision.
    Two queries."""
    today = today or london_today()
    this_week = today - datetime.timedelta(days=today.weekday())
    first = this_week - datetime.timedelta(weeks=weeks - 1)
    received = dict(
        queryset.filter(received_date__gte=first)
        .order_by()
        .annotate(week=TruncWeek("received_date"))
        .values_list("week")
        .annotate(n=Count("pk"))
    )
    decided = dict(
        queryset.filter(DECIDED, decision_date__gte=first)
        .order_by()
        .annotate(week=TruncWeek("decision_date"))
        .values_list("week")
        .annotate(n=Count("pk"))
    )
    flows = []
    for index in range(weeks):
        start = first + datetime.timedelta(weeks=index)
        end = start + datetime.timedelta(days=6)
        flows.append(
            WeekFlow(
                week_start=start,
                received=Figure(
                    received.get(start, 0), Q(received_date__gte=start, received_date__lte=end)
                ),
                decided=Figure(
                    decided.get(start, 0),
                    DECIDED & Q(decision_date__gte=start, decision_date__lte=end),
                ),
            )
        )
    return flows
