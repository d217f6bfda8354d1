"""Counting rules for managers: the backlog, the speed of decisions as the government measures
it, and the PS1/PS2 quarterly returns.

Pure functions over a queryset of applications that the caller has already limited to one
council (planning.access): nothing here decides who may see what. Every figure is computed by
the database in one or a few aggregate queries, never row by row in Python, so the pages stay
fast at 100,000 applications. The results are plain dataclasses that a page, a CSV export and
the API can all render (`as_data` turns them into JSON-ready dicts).

Each number is a `Figure`: its count and the filter (`where`, a Q over `with_measures(...)`)
that selects exactly the applications behind it, so a page can link the number to a list.
`encode_where` / `decode_where` carry that filter through a query string; decoding accepts only
the lookups in FILTER_LOOKUPS.

The assumptions behind the PS1/PS2 columns are in docs/decisions/0006-ps1-ps2-counting-rules.md.
All "today"s are dates in Europe/London.
"""

import dataclasses
import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncQuarter, TruncWeek
from django.utils import timezone

from planning.models import (
    OPEN_STATUSES,
    DecisionLevel,
    DecisionOutcome,
    PlanningApplication,
    User,
)
from planning.statutory import MAJOR, MINOR, NOT_COUNTED, OTHER, PRIOR_APPROVAL

LONDON = ZoneInfo("Europe/London")

OUTCOMES = [DecisionOutcome.GRANTED, DecisionOutcome.REFUSED]

# PS2 development-type codes, in the order the return lists them.
MAJOR_CODES = ["Q01", "Q02", "Q03", "Q04", "Q05", "Q06", "Q07"]
MINOR_CODES = ["Q13", "Q14", "Q15", "Q16", "Q17", "Q18"]
OTHER_CODES = ["Q20", "Q21", "Q22", "Q23", "Q24", "Q25", "Q26"]
PRIOR_APPROVAL_CODES = ["PA"]
PS2_CODES = MAJOR_CODES + MINOR_CODES + OTHER_CODES + PRIOR_APPROVAL_CODES
# The non-major decisions the government's speed measure counts: minor, change of use and
# householder (not adverts, listed building consents, demolitions or certificates).
NON_MAJOR_SPEED_CODES = [*MINOR_CODES, "Q20", "Q21"]
PS2_LABELS = {
    "Q01": "Major: dwellings",
    "Q02": "Major: offices, research and development, light industry",
    "Q03": "Major: general industry, storage, warehousing",
    "Q04": "Major: retail and services",
    "Q05": "Major: traveller pitches",
    "Q06": "Major: all other major development",
    "Q07": "Major: public service infrastructure",
    "Q13": "Minor: dwellings",
    "Q14": "Minor: offices, research and development, light industry",
    "Q15": "Minor: general industry, storage, warehousing",
    "Q16": "Minor: retail and services",
    "Q17": "Minor: traveller pitches",
    "Q18": "Minor: all other minor development",
    "Q20": "Change of use",
    "Q21": "Householder",
    "Q22": "Advertisements",
    "Q23": "Listed building consent to alter or extend",
    "Q24": "Listed building consent to demolish",
    "Q25": "Relevant demolition in a conservation area",
    "Q26": "Certificates of lawful development",
    "PA": "Prior approvals",
}
CATEGORY_LABELS = {
    MAJOR: "Major",
    MINOR: "Minor",
    OTHER: "Other",
    PRIOR_APPROVAL: "Prior approval",
    NOT_COUNTED: "Not counted in PS1/PS2",
}

# The government's designation thresholds: the share of decisions in time below which a
# council may be designated (section 62B of the Town and Country Planning Act 1990).
MAJOR_THRESHOLD = 0.60
NON_MAJOR_THRESHOLD = 0.70

# Open applications by completed weeks since the valid date: (label, first week, last week).
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("0-4 weeks", 0, 4),
    ("5-8 weeks", 5, 8),
    ("9-13 weeks", 9, 13),
    ("14-26 weeks", 14, 26),
    ("over 26 weeks", 27, None),
]

# PS2's time taken, in days from the valid date, for decisions made without an agreed period
# (extension of time, PPA) or EIA: (key, label, first day, last day). "Not more than 8 weeks"
# is up to and including day 56, the statutory deadline itself.
PS2_WEEK_BANDS: list[tuple[str, str, int | None, int | None]] = [
    ("up_to_8", "Not more than 8 weeks", None, 56),
    ("8_to_13", "More than 8, not more than 13 weeks", 57, 91),
    ("13_to_16", "More than 13, not more than 16 weeks", 92, 112),
    ("16_to_26", "More than 16, not more than 26 weeks", 113, 182),
    ("26_to_52", "More than 26, not more than 52 weeks", 183, 364),
    ("over_52", "More than 52 weeks", 365, None),
]

# What kind of agreed period an application was decided under (the `agreement` measure).
# One kind each, in this order of precedence: a PPA's date is also recorded as an extension.
PPA, EXTENSION, EIA, NO_AGREEMENT = "ppa", "extension", "eia", ""


def at_risk_days() -> int:
    """Under this many days to the determination deadline an open application is at risk
    (the AT_RISK_DAYS setting the officers' queue also uses)."""
    return int(settings.AT_RISK_DAYS)


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


# Lookups a figure's filter may use and the kind of value each takes. A filter read back from a
# query string is checked against this list, so a crafted link can never reach another field
# (a lookup through the case officer to their password, say).
FILTER_LOOKUPS: dict[str, str] = {
    "status__in": "strings",
    "category": "string",
    "category__in": "strings",
    "application_type": "string",
    "ps2_code": "string",
    "ps2_code__in": "strings",
    "assigned_officer": "int",
    "assigned_officer__isnull": "bool",
    "valid_date__isnull": "bool",
    "valid_date__gt": "date",
    "valid_date__lte": "date",
    "determination_deadline__lt": "date",
    "determination_deadline__gte": "date",
    "received_date__gte": "date",
    "received_date__lte": "date",
    "decision__in": "strings",
    "decision": "string",
    "decision_level": "string",
    "decision_date__isnull": "bool",
    "decision_date__gt": "date",
    "decision_date__gte": "date",
    "decision_date__lte": "date",
    "withdrawn_date__isnull": "bool",
    "withdrawn_date__gt": "date",
    "withdrawn_date__gte": "date",
    "withdrawn_date__lte": "date",
    "agreement": "string",
    "agreement__in": "strings",
    "days_to_decision__gte": "int",
    "days_to_decision__lte": "int",
    "in_time": "bool",
    "within_statutory_period": "bool",
}
_MAX_FILTER_LENGTH = 4000
_MAX_FILTER_DEPTH = 4


def encode_where(where: Q) -> str:
    """A figure's filter as compact JSON, for a link."""
    return json.dumps(_q_data(where), separators=(",", ":"), default=_json_value)


def decode_where(text: str, lookups: Mapping[str, str] = FILTER_LOOKUPS) -> Q:
    """The filter a link carries, checked lookup by lookup against `lookups`.
    Raises ValueError for anything else: never pass a link's text to the database unchecked."""
    if len(text) > _MAX_FILTER_LENGTH:
        raise ValueError("The filter is too long.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError("The filter is not valid JSON.") from error
    return _q_from(data, lookups, depth=0)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be part of a figure's filter")


def _q_data(where: Q) -> dict[str, Any]:
    children: list[Any] = []
    for child in where.children:
        if isinstance(child, Q):
            children.append(_q_data(child))
        else:
            lookup, value = cast(tuple[str, Any], child)
            children.append([lookup, value])
    return {"op": where.connector.lower(), "not": where.negated, "of": children}


def _q_from(data: Any, lookups: Mapping[str, str], depth: int) -> Q:
    if depth > _MAX_FILTER_DEPTH or not isinstance(data, dict):
        raise ValueError("The filter is not in the expected form.")
    if set(data) != {"op", "not", "of"} or data["op"] not in ("and", "or"):
        raise ValueError("The filter is not in the expected form.")
    if not isinstance(data["not"], bool) or not isinstance(data["of"], list):
        raise ValueError("The filter is not in the expected form.")
    parts = []
    for child in data["of"]:
        if isinstance(child, dict):
            parts.append(_q_from(child, lookups, depth + 1))
            continue
        if not (isinstance(child, list) and len(child) == 2 and isinstance(child[0], str)):
            raise ValueError("The filter is not in the expected form.")
        lookup, value = child
        if lookup not in lookups:
            raise ValueError(f"The filter cannot use {lookup!r}.")
        parts.append(Q(**{lookup: _checked_value(lookups[lookup], value)}))
    connector = Q.OR if data["op"] == "or" else Q.AND
    return Q(*parts, _connector=connector, _negated=data["not"])


def _short_string(value: Any) -> bool:
    # PostgreSQL text cannot hold NUL: the database would refuse the query (a 500), not match.
    return isinstance(value, str) and len(value) <= 200 and "\x00" not in value


def _short_strings(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= 50 and all(map(_short_string, value))


def _checked_value(kind: str, value: Any) -> Any:
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "string" and _short_string(value):
        return value
    if kind == "strings" and _short_strings(value):
        return value
    if kind == "date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)  # ValueError when it is not a date
    raise ValueError(f"The filter has a value of the wrong kind ({kind} expected).")


def as_data(value: Any) -> Any:
    """A result as JSON-ready data for the API and exports: a Figure becomes its count and the
    filter as text, dates ISO 8601, quarters their names."""
    if isinstance(value, Figure):
        return {"count": value.count, "where": value.query}
    if isinstance(value, Quarter):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: as_data(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(key): as_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_data(item) for item in value]
    return value


# --- quarters ----------------------------------------------------------------------------------


# The financial years a quarter read from a link or a query string may fall in: wide enough
# for any return, narrow enough that every quarter of the periods around it has real dates.
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclasses.dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of the financial year, as the PS1/PS2 returns use: Q1 is April to June.
    `year` is the year the financial year starts: Quarter(2026, 4) is January-March 2027."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError("A quarter is numbered 1 to 4.")

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def from_slug(cls, slug: str) -> "Quarter":
        """A quarter from its slug, e.g. "2026-q3". Raises ValueError, also for a year outside
        FIRST_YEAR..LAST_YEAR: "9999-q4" or "0000-q1" would otherwise parse and then fail
        when a page asks for its dates (no such day as 1 January 10000)."""
        year, _, number = slug.lower().partition("-q")
        if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
            raise ValueError(f"{slug!r} is not a quarter such as 2026-q3.")
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise ValueError(f"{slug!r} is not a quarter from {FIRST_YEAR} to {LAST_YEAR}.")
        return cls(int(year), int(number))

    @property
    def slug(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def start(self) -> datetime.date:
        month = 3 * self.number + 1  # 4, 7, 10, 13
        return datetime.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def months(self) -> str:
        """E.g. "October to December 2026"."""
        return f"{self.start:%B} to {self.end:%B %Y}"


def quarters_ending(last: Quarter, count: int) -> list[Quarter]:
    """`count` consecutive quarters, oldest first, ending with `last`."""
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters[::-1]


# --- the backlog -------------------------------------------------------------------------------

OPEN = Q(status__in=OPEN_STATUSES)
DECIDED = Q(decision__in=OUTCOMES, decision_date__isnull=False)


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
    return OPEN & Q(determination_deadline__lt=today)


def _at_risk(today: datetime.date) -> Q:
    until = today + datetime.timedelta(days=at_risk_days())
    return OPEN & Q(determination_deadline__gte=today, determination_deadline__lt=until)


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


# --- speed of decisions ------------------------------------------------------------------------


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


def _decided_between(first: datetime.date, last: datetime.date) -> Q:
    return Q(decision_date__gte=first, decision_date__lte=last)


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
        .filter(DECIDED, _decided_between(first.start, last.end))
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
    whole = _decided_between(first.start, last.end)
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
                    _decided_between(quarter.start, quarter.end),
                ),
                non_major=_speed_measure(
                    "non-major",
                    per_quarter.get((quarter, "non-major"), {}),
                    _decided_between(quarter.start, quarter.end),
                ),
            )
            for quarter in periods
        ],
    )


# --- PS1 ---------------------------------------------------------------------------------------


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
    decided = DECIDED & _decided_between(start, end)
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


# --- PS2 ---------------------------------------------------------------------------------------


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
    decided = DECIDED & _decided_between(quarter.start, quarter.end)
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
