"""PS1: the workload return (received, decided, withdrawn, pending) for a quarter."""

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from planning.models import (
    DecisionLevel,
    DecisionOutcome,
    PlanningApplication,
)
from planning.statistics.figures import DECIDED, Figure, decided_between, share
from planning.statistics.quarters import Quarter
from planning.statistics.vocabulary import CATEGORY_LABELS
from planning.statutory import MAJOR, MINOR, OTHER, PRIOR_APPROVAL


@dataclasses.dataclass(frozen=True)
class PS1Row:
    """A quarter's workload for one category ("total" is major + minor + other)."""

    category: str
    label: str
    received: Figure
    decided: Figure
    granted: Figure
    refused: Figure
    delegated: Figure
    delegated_share: float | None
    withdrawn: Figure
    pending_at_end: Figure


@dataclasses.dataclass(frozen=True)
class PS1:
    quarter: Quarter
    rows: list[PS1Row]  # major, minor, other, total, then prior approvals (not in the total)


PS1_CATEGORIES = [MAJOR, MINOR, OTHER]


def _ps1_conditions(quarter: Quarter) -> dict[str, Q]:
    start, end = quarter.start, quarter.end
    decided = DECIDED & decided_between(start, end)
    return {
        "received": Q(received_date__gte=start, received_date__lte=end),
        "decided": decided,
        "granted": decided & Q(decision=DecisionOutcome.GRANTED),
        "refused": decided & Q(decision=DecisionOutcome.REFUSED),
        "delegated": decided & Q(decision_level=DecisionLevel.DELEGATED),
        "withdrawn": Q(withdrawn_date__gte=start, withdrawn_date__lte=end),
        # Valid by the quarter's last day and neither decided nor withdrawn by then, whatever
        # has happened since.
        "pending_at_end": Q(valid_date__lte=end)
        & (Q(decision_date__isnull=True) | Q(decision_date__gt=end))
        & (Q(withdrawn_date__isnull=True) | Q(withdrawn_date__gt=end)),
    }


def ps1(queryset: QuerySet[PlanningApplication], quarter: Quarter) -> PS1:
    """The PS1 workload of a quarter per category: received, decided (granted, refused, and how
    many under delegated powers), withdrawn, and pending at the quarter's end. Applications the
    returns do not count (planning.statutory's not-counted types) are left out. One query."""
    conditions = _ps1_conditions(quarter)
    rows = (
        queryset.filter(category__in=[*PS1_CATEGORIES, PRIOR_APPROVAL])
        .order_by()
        .values("category")
        .annotate(**{name: Count("pk", filter=q) for name, q in conditions.items()})
    )
    by_category: dict[str, Any] = {row["category"]: row for row in rows}

    def row_for(category: str, label: str, counts: Mapping[str, int], scope: Q) -> PS1Row:
        def figure(name: str) -> Figure:
            return Figure(counts.get(name, 0), scope & conditions[name])

        return PS1Row(
            category=category,
            label=label,
            received=figure("received"),
            decided=figure("decided"),
            granted=figure("granted"),
            refused=figure("refused"),
            delegated=figure("delegated"),
            delegated_share=share(counts.get("delegated", 0), counts.get("decided", 0)),
            withdrawn=figure("withdrawn"),
            pending_at_end=figure("pending_at_end"),
        )

    result = [
        row_for(c, CATEGORY_LABELS[c], by_category.get(c, {}), Q(category=c))
        for c in PS1_CATEGORIES
    ]
    total = {
        name: sum(by_category.get(c, {}).get(name, 0) for c in PS1_CATEGORIES)
        for name in conditions
    }
    result.append(
        row_for("total", "All planning applications", total, Q(category__in=PS1_CATEGORIES))
    )
    result.append(
        row_for(
            PRIOR_APPROVAL,
            CATEGORY_LABELS[PRIOR_APPROVAL],
            by_category.get(PRIOR_APPROVAL, {}),
            Q(category=PRIOR_APPROVAL),
        )
    )
    return PS1(quarter=quarter, rows=result)
