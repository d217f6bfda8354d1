"""The speed of decisions as the government measures it: majors and non-majors in time over the
eight quarters to a chosen one, against the designation thresholds."""

import dataclasses
import datetime
from collections.abc import Mapping

from django.db.models import (
    Case,
    CharField,
    Count,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncQuarter

from planning.models import (
    PlanningApplication,
)
from planning.statistics.figures import (
    DECIDED,
    Figure,
    decided_between,
    london_today,
    share,
    with_measures,
)
from planning.statistics.quarters import Quarter, quarters_ending
from planning.statistics.vocabulary import (
    EXTENSION,
    MAJOR_CODES,
    MAJOR_THRESHOLD,
    NON_MAJOR_SPEED_CODES,
    NON_MAJOR_THRESHOLD,
    PPA,
)


@dataclasses.dataclass(frozen=True)
class SpeedMeasure:
    """The share of decisions in time for majors or non-majors over a period.

    `in_time` is the government's measure: within the statutory period (13 weeks for majors,
    16 with EIA, 8 for non-majors) or the agreed time (extension of time or PPA).
    `within_statutory_period` counts agreed time as nothing: the same decisions, measured
    against the statutory period only. `under_agreement` is how many had an agreed time
    (an extension of time or a PPA).
    """

    group: str  # "major" | "non-major"
    threshold: float
    decisions: Figure
    in_time: Figure
    within_statutory_period: Figure
    under_agreement: Figure
    share_in_time: float | None
    share_within_statutory_period: float | None
    meets_threshold: bool | None  # on the government's measure; None without decisions


@dataclasses.dataclass(frozen=True)
class QuarterSpeed:
    quarter: Quarter
    major: SpeedMeasure
    non_major: SpeedMeasure


@dataclasses.dataclass(frozen=True)
class Speed:
    first: Quarter
    last: Quarter
    major: SpeedMeasure
    non_major: SpeedMeasure
    quarters: list[QuarterSpeed]


# Decided against a date agreed with the applicant (EIA's 16 weeks is a statutory period).
AGREED_TIME = Q(agreement__in=[PPA, EXTENSION])

_SPEED_GROUPS = {
    "major": (MAJOR_CODES, MAJOR_THRESHOLD),
    "non-major": (NON_MAJOR_SPEED_CODES, NON_MAJOR_THRESHOLD),
}


def _speed_measure(group: str, counts: Mapping[str, int], period: Q) -> SpeedMeasure:
    codes, threshold = _SPEED_GROUPS[group]
    decisions = DECIDED & period & Q(ps2_code__in=codes)
    in_time_share = share(counts.get("in_time", 0), counts.get("decisions", 0))
    return SpeedMeasure(
        group=group,
        threshold=threshold,
        decisions=Figure(counts.get("decisions", 0), decisions),
        in_time=Figure(counts.get("in_time", 0), decisions & Q(in_time=True)),
        within_statutory_period=Figure(
            counts.get("within_statutory_period", 0), decisions & Q(within_statutory_period=True)
        ),
        under_agreement=Figure(counts.get("under_agreement", 0), decisions & AGREED_TIME),
        share_in_time=in_time_share,
        share_within_statutory_period=share(
            counts.get("within_statutory_period", 0), counts.get("decisions", 0)
        ),
        meets_threshold=None if in_time_share is None else in_time_share >= threshold,
    )


def speed_of_decisions(
    queryset: QuerySet[PlanningApplication],
    *,
    last: Quarter | None = None,
    quarters: int = 8,
    today: datetime.date | None = None,
) -> Speed:
    """The speed of major and non-major decisions over `quarters` quarters ending with `last`
    (by default the 8 quarters, 24 months, up to the last complete quarter, as the government's
    assessment periods run), in total and per quarter, against the designation thresholds.
    One query."""
    last = last or Quarter.containing(today or london_today()).previous()
    periods = quarters_ending(last, quarters)
    first = periods[0]
    group = Case(
        When(ps2_code__in=MAJOR_CODES, then=Value("major")),
        When(ps2_code__in=NON_MAJOR_SPEED_CODES, then=Value("non-major")),
        output_field=CharField(),
    )
    rows = (
        with_measures(queryset)
        .filter(DECIDED, decided_between(first.start, last.end))
        .filter(ps2_code__in=MAJOR_CODES + NON_MAJOR_SPEED_CODES)
        .order_by()
        .annotate(quarter_start=TruncQuarter("decision_date"), speed_group=group)
        .values("quarter_start", "speed_group")
        .annotate(
            decisions=Count("pk"),
            in_time=Count("pk", filter=Q(in_time=True)),
            within_statutory_period=Count("pk", filter=Q(within_statutory_period=True)),
            under_agreement=Count("pk", filter=AGREED_TIME),
        )
    )
    per_quarter: dict[tuple[Quarter, str], dict[str, int]] = {}
    totals: dict[str, dict[str, int]] = {"major": {}, "non-major": {}}
    for row in rows:
        quarter = Quarter.containing(row["quarter_start"])
        counts = {
            name: row[name]
            for name in ("decisions", "in_time", "within_statutory_period", "under_agreement")
        }
        per_quarter[(quarter, row["speed_group"])] = counts
        for name, value in counts.items():
            total = totals[row["speed_group"]]
            total[name] = total.get(name, 0) + value
    whole = decided_between(first.start, last.end)
    return Speed(
        first=first,
        last=last,
        major=_speed_measure("major", totals["major"], whole),
        non_major=_speed_measure("non-major", totals["non-major"], whole),
        quarters=[
            QuarterSpeed(
                quarter=quarter,
                major=_speed_measure(
                    "major",
                    per_quarter.get((quarter, "major"), {}),
                    decided_between(quarter.start, quarter.end),
                ),
                non_major=_speed_measure(
                    "non-major",
                    per_quarter.get((quarter, "non-major"), {}),
                    decided_between(quarter.start, quarter.end),
                ),
            )
            for quarter in periods
        ],
    )
