"""PS2: the decisions return for a quarter, by development type, with the time each took."""

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from planning.models import (
    DecisionOutcome,
    PlanningApplication,
)
from planning.statistics.figures import DECIDED, Figure, decided_between, with_measures
from planning.statistics.quarters import Quarter
from planning.statistics.vocabulary import (
    EIA,
    EXTENSION,
    MAJOR_CODES,
    MINOR_CODES,
    NO_AGREEMENT,
    OTHER_CODES,
    PPA,
    PRIOR_APPROVAL_CODES,
    PS2_CODES,
    PS2_LABELS,
    PS2_WEEK_BANDS,
)


@dataclasses.dataclass(frozen=True)
class PS2Row:
    """A quarter's decisions of one development type (or a subtotal).

    `weeks` bands the time taken for decisions without an agreed period (PS2_WEEK_BANDS);
    decisions under an extension of time, a PPA or with EIA are counted in `under_agreement`
    instead, with how many met the agreed date (for EIA without an extension: 16 weeks), and
    split by kind, each decision under one kind only (PPA, then extension, then EIA).
    """

    code: str
    label: str
    decisions: Figure
    granted: Figure
    refused: Figure
    weeks: dict[str, Figure]  # PS2_WEEK_BANDS' keys, in order
    under_agreement: Figure
    under_agreement_in_time: Figure
    extension_of_time: Figure
    extension_of_time_in_time: Figure
    performance_agreement: Figure
    performance_agreement_in_time: Figure
    eia: Figure
    eia_in_time: Figure


@dataclasses.dataclass(frozen=True)
class PS2:
    quarter: Quarter
    rows: list[PS2Row]  # every PS2 code in the return's order, decisions or not
    totals: list[PS2Row]  # major, minor, other, prior approvals, all


def _ps2_conditions() -> dict[str, Q]:
    """Within a quarter's decisions: what each PS2 column counts."""
    agreed = ~Q(agreement=NO_AGREEMENT)
    conditions = {
        "decisions": Q(),
        "granted": Q(decision=DecisionOutcome.GRANTED),
        "refused": Q(decision=DecisionOutcome.REFUSED),
    }
    for key, _label, first, last in PS2_WEEK_BANDS:
        band = Q(agreement=NO_AGREEMENT)
        if first is not None:
            band &= Q(days_to_decision__gte=first)
        if last is not None:
            band &= Q(days_to_decision__lte=last)
        conditions[f"weeks_{key}"] = band
    conditions.update(
        {
            "under_agreement": agreed,
            "under_agreement_in_time": agreed & Q(in_time=True),
            "extension_of_time": Q(agreement=EXTENSION),
            "extension_of_time_in_time": Q(agreement=EXTENSION, in_time=True),
            "performance_agreement": Q(agreement=PPA),
            "performance_agreement_in_time": Q(agreement=PPA, in_time=True),
            "eia": Q(agreement=EIA),
            "eia_in_time": Q(agreement=EIA, in_time=True),
        }
    )
    return conditions


def ps2(queryset: QuerySet[PlanningApplication], quarter: Quarter) -> PS2:
    """The PS2 decisions of a quarter per development-type code. One query.

    A decision is a grant or refusal dated in the quarter; a withdrawal is not a decision.
    """
    decided = DECIDED & decided_between(quarter.start, quarter.end)
    conditions = _ps2_conditions()
    rows = (
        with_measures(queryset)
        .filter(decided, ps2_code__in=PS2_CODES)
        .order_by()
        .values("ps2_code")
        .annotate(
            **{name: Count("pk", filter=q) if q else Count("pk") for name, q in conditions.items()}
        )
    )
    by_code: dict[str, Any] = {row["ps2_code"]: row for row in rows}

    def row_for(code: str, label: str, counts: Mapping[str, int], scope: Q) -> PS2Row:
        def figure(name: str) -> Figure:
            return Figure(counts.get(name, 0), decided & scope & conditions[name])

        return PS2Row(
            code=code,
            label=label,
            decisions=figure("decisions"),
            granted=figure("granted"),
            refused=figure("refused"),
            weeks={key: figure(f"weeks_{key}") for key, *_ in PS2_WEEK_BANDS},
            under_agreement=figure("under_agreement"),
            under_agreement_in_time=figure("under_agreement_in_time"),
            extension_of_time=figure("extension_of_time"),
            extension_of_time_in_time=figure("extension_of_time_in_time"),
            performance_agreement=figure("performance_agreement"),
            performance_agreement_in_time=figure("performance_agreement_in_time"),
            eia=figure("eia"),
            eia_in_time=figure("eia_in_time"),
        )

    def summed(codes: Iterable[str]) -> dict[str, int]:
        return {
            name: sum(by_code.get(code, {}).get(name, 0) for code in codes) for name in conditions
        }

    groups = [
        ("major", "All major development", MAJOR_CODES),
        ("minor", "All minor development", MINOR_CODES),
        ("other", "All other development", OTHER_CODES),
        ("prior-approval", "All prior approvals", PRIOR_APPROVAL_CODES),
        ("all", "All decisions", PS2_CODES),
    ]
    return PS2(
        quarter=quarter,
        rows=[
            row_for(code, PS2_LABELS[code], by_code.get(code, {}), Q(ps2_code=code))
            for code in PS2_CODES
        ],
        totals=[
            row_for(key, label, summed(codes), Q(ps2_code__in=codes))
            for key, label, codes in groups
        ],
    )
