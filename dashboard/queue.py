"""The officers' queue: which applications a tab holds, how they are filtered, searched and
sorted, and the counts beside each filter. All of it is done by the database, on the
denormalised columns kept for it (PlanningApplication's deadlines and category, and
TriageSummary's lane, score and datasets), so a page stays fast at 100,000 applications.
"""

import datetime
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from geo.datasets import KNOWN_DATASETS
from planning import deadlines
from planning.deadlines import DeadlineBand
from planning.models import (
    CLOSED_ON,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ApplicationStatus,
    PlanningApplication,
    User,
)
from planning.statistics import CATEGORY_LABELS
from triage.models import NOT_TRIAGED, TEAM_WORDS, Finding, Lane
from triage.vocabulary import HISTORY_ENFORCEMENT, HISTORY_REFUSED

# Named statuses, not "anything but closed": an index on (council, status) can then find them.
OPEN = Q(status__in=OPEN_STATUSES)
CLOSED = Q(status__in=CLOSED_STATUSES)


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    default_sort: str


TABS = [
    Tab("mine", "Assigned to me", "priority"),
    Tab("unassigned", "Unassigned", "priority"),
    Tab("open", "All open", "priority"),
    Tab("recent", "Recently updated", "-updated"),
    Tab("decided", "Decided", "-decided"),
]
TAB_BY_SLUG = {tab.slug: tab for tab in TABS}


@dataclass(frozen=True)
class Period:
    """How far back the decided tab looks (`?decided=`): an officer looking up a decision
    rarely wants a council's whole history, and counting the filters of every decision ever
    made reads all of them. "Any time" is one choice away."""

    slug: str
    label: str
    days: int | None


PERIODS = [
    Period("90", "Last 3 months", 91),
    Period("365", "Last 12 months", 365),
    Period("all", "Any time", None),
]
PERIOD_BY_SLUG = {period.slug: period for period in PERIODS}
DEFAULT_PERIOD = PERIODS[0]


PERIOD_ERROR = "Select how far back to look from the list"


def chosen_period(value: str | None) -> Period | None:
    """The period asked for; the default when none is; None for one we do not offer."""
    if not value:
        return DEFAULT_PERIOD
    return PERIOD_BY_SLUG.get(value)


# The lanes in triage's words; the specialist one says which teams it holds.
LANE_LABELS = {
    Lane.NEEDS_ATTENTION.value: Lane.NEEDS_ATTENTION.label,
    Lane.SPECIALIST.value: f"{Lane.SPECIALIST.label} ({', '.join(TEAM_WORDS.values())})",
    Lane.STANDARD.value: Lane.STANDARD.label,
    Lane.FAST_TRACK.value: Lane.FAST_TRACK.label,
    "none": NOT_TRIAGED,
}
STATUS_LABELS = dict(ApplicationStatus.choices)
# What the site's history holds, as triage found it (triage.site_history decides what counts).
HISTORY_LABELS = {
    "refused-here": "Refused on this site before",
    "enforcement-here": "Enforcement on this site",
}
HISTORY_CODES = {"refused-here": HISTORY_REFUSED, "enforcement-here": HISTORY_ENFORCEMENT}


def _history_here(option: str) -> Exists:
    """Whether the application's current triage result found this in the site's history."""
    return Exists(
        Finding.objects.filter(run_id=OuterRef("triage__result_run_id"), code=HISTORY_CODES[option])
    )


# The deadline filters the queue offers (planning.deadlines owns the bands and their words).
DEADLINE_LABELS = {
    band.value: deadlines.label(band)
    for band in (DeadlineBand.OVERDUE, DeadlineBand.AT_RISK, DeadlineBand.NOT_VALID)
}
# Open Digital Planning application types in words; others are shown as they are.
TYPE_LABELS = {
    "pp.full.householder": "Householder",
    "pp.full.householder.listed": "Householder and listed building consent",
    "pp.full.householder.retro": "Householder (retrospective)",
    "pp.full.minor": "Full planning permission (minor)",
    "pp.full.major": "Full planning permission (major)",
    "pp.full": "Full planning permission",
    "pp.outline": "Outline planning permission",
    "pp.outline.minor": "Outline planning permission (minor)",
    "pp.outline.major": "Outline planning permission (major)",
    "listed": "Listed building consent",
    "advertConsent": "Advertisement consent",
    "ldc.proposed": "Lawful development certificate (proposed)",
    "ldc.existing": "Lawful development certificate (existing)",
    "pa.part1.classA": "Prior approval: larger home extension",
    "pa.part3.classMA": "Prior approval: commercial to residential",
    "pa.part20.classAB": "Prior approval: new homes on detached buildings",
    "pa.part7.classM": "Prior approval: extend a school, college or university",
    "pa.part14.classJ": "Prior approval: solar panels",
    "pp.full.demolition": "Demolition in a conservation area",
    "landDrainageConsent": "Land drainage consent",
    "wtt.consent": "Works to protected trees",
    "wtt.notice": "Works to trees in a conservation area",
    "hedgerowRemovalNotice": "Hedgerow removal notice",
}
# The constraint layers the queue filters by, in geo's words for them.
DATASET_LABELS = {
    slug: KNOWN_DATASETS[slug]
    for slug in (
        "conservation-area",
        "listed-building",
        "listed-building-outline",
        "article-4-direction-area",
        "tree-preservation-zone",
        "tree",
        "flood-risk-zone",
        "green-belt",
        "site-of-special-scientific-interest",
        "scheduled-monument",
        "local-nature-reserve",
        "greenspace",
        "woodland",
    )
}


def type_label(application_type: str) -> str:
    return TYPE_LABELS.get(application_type, application_type)


# --- sorting ---------------------------------------------------------------------------------


def _nulls_last(name: str, descending: bool = False):
    expression = F(name)
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


# Column -> ordering (ascending); "-column" reverses it. The id last keeps pages stable.
SORTS = {
    "priority": [
        _nulls_last("triage__lane_rank"),
        _nulls_last("triage__priority_score", descending=True),
        _nulls_last("determination_deadline"),
        F("received_date").asc(),
    ],
    "reference": [F("reference").asc()],
    "address": [F("address").asc()],
    "type": [F("application_type").asc()],
    "lane": [_nulls_last("triage__lane_rank")],
    "score": [_nulls_last("triage__priority_score")],
    "days": [_nulls_last("determination_deadline")],
    "officer": [_nulls_last("assigned_officer__username")],
    "status": [_nulls_last("triage__latest_status")],
    "received": [F("received_date").asc()],
    "updated": [F("last_activity_at").asc()],
    "decided": [_nulls_last("decision_date")],
}


def _reverse(ordering):
    flipped = []
    for expression in ordering:
        flipped.append(
            expression.expression.asc(nulls_last=True)
            if expression.descending
            else expression.expression.desc(nulls_last=True)
        )
    return flipped


def ordering_for(sort: str) -> list:
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    ordering = SORTS.get(column, SORTS["priority"])
    ordering = _reverse(ordering) if descending else list(ordering)
    return [*ordering, F("id").desc() if descending else F("id").asc()]


# --- filters ---------------------------------------------------------------------------------


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


class QueueFilter(django_filters.FilterSet):
    """The queue's filters, from the query string. Within one filter the choices are
    alternatives (any of them); different filters must all hold."""

    q = django_filters.CharFilter(method="search", label="Search")
    lane = django_filters.MultipleChoiceFilter(
        choices=_choices(LANE_LABELS), method="by_lane", label="Lane"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=_choices(STATUS_LABELS), field_name="status", label="Status"
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="application_type", label="Application type", choices=[]
    )
    category = django_filters.MultipleChoiceFilter(
        choices=_choices(CATEGORY_LABELS), field_name="category", label="Category"
    )
    dataset = django_filters.MultipleChoiceFilter(
        method="by_dataset", label="Constraint on the site", choices=[]
    )
    officer = django_filters.MultipleChoiceFilter(
        method="by_officer", label="Case officer", choices=[]
    )
    deadline = django_filters.MultipleChoiceFilter(
        choices=_choices(DEADLINE_LABELS), method="by_deadline", label="Deadline"
    )
    history = django_filters.MultipleChoiceFilter(
        choices=_choices(HISTORY_LABELS), method="by_history", label="Planning history"
    )

    FACETS = ("lane", "status", "type", "category", "dataset", "officer", "deadline", "history")

    def __init__(self, *args, choices: dict[str, list], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("type", "dataset", "officer"):
            self.filters[name].extra["choices"] = choices[name]
        for name in self.FACETS:
            label = self.filters[name].label.lower()
            self.filters[name].extra["error_messages"] = {
                "invalid_choice": f"Select a {label} from the list"
            }
        self.filters["q"].extra["max_length"] = 200
        self.filters["q"].extra["error_messages"] = {
            "max_length": "Search for 200 characters or fewer"
        }

    def search(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        query = (
            Q(reference__icontains=words)
            | Q(address__icontains=words)
            | Q(description__icontains=words)
        )
        # A postcode typed without its space ("SE15 3AB" as "se153ab") still matches.
        compact = words.replace(" ", "")
        if 5 <= len(compact) <= 8 and compact.isalnum() and " " not in words:
            spaced = f"{compact[:-3]} {compact[-3:]}"
            query |= Q(address__icontains=spaced)
        return queryset.filter(query)

    def by_lane(self, queryset, name, values):
        condition = Q(triage__lane__in=[value for value in values if value != "none"])
        if "none" in values:
            condition |= Q(triage__isnull=True) | Q(triage__lane="")
        return queryset.filter(condition)

    def by_dataset(self, queryset, name, values):
        return queryset.filter(triage__constraint_datasets__overlap=list(values))

    def by_officer(self, queryset, name, values):
        ids = [int(value) for value in values if value.isdigit()]
        condition = Q(assigned_officer_id__in=ids)
        if "none" in values:
            condition |= Q(assigned_officer__isnull=True)
        return queryset.filter(condition)

    def by_history(self, queryset, name, values):
        condition = Q()
        for option in values:
            condition |= Q(_history_here(option))
        return queryset.filter(condition)

    def by_deadline(self, queryset, name, values):
        today = timezone.localdate()
        condition = Q()
        for value in values:
            condition |= deadlines.band_filter(value, today)
        return queryset.filter(condition)


# --- the page's data ---------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]


def tab_queryset(
    applications: QuerySet[PlanningApplication],
    tab: str,
    user: User | None,
    period: Period = DEFAULT_PERIOD,
) -> QuerySet[PlanningApplication]:
    """The applications a tab holds, from those the user may see (planning.access). The decided
    tab holds those closed (decided or withdrawn) within `period`."""
    if tab == "mine":
        return applications.filter(OPEN, assigned_officer=user)
    if tab == "unassigned":
        return applications.filter(OPEN, assigned_officer__isnull=True)
    if tab == "open":
        return applications.filter(OPEN)
    if tab == "decided":
        closed = applications.filter(CLOSED)
        if period.days is None:
            return closed
        since = timezone.localdate() - datetime.timedelta(days=period.days)
        return closed.alias(closed_on=CLOSED_ON).filter(closed_on__gte=since)
    if tab == "recent":
        since = timezone.now() - datetime.timedelta(days=14)
        return applications.filter(last_activity_at__gte=since)
    raise ValueError(f"No tab {tab!r}")


def tab_counts(applications: QuerySet[PlanningApplication], user: User) -> dict[str, int]:
    """How many open applications each working tab holds, in one query."""
    return applications.filter(OPEN).aggregate(
        mine=Count("id", filter=Q(assigned_officer=user)),
        unassigned=Count("id", filter=Q(assigned_officer__isnull=True)),
        open=Count("id"),
    )


# One row per distinct combination of the filters' dimensions, with how many applications
# share it. Every filter's counts, and the total, are sums over these rows: one query reads
# the tab (and its search) once, however many filters there are.
@dataclass(frozen=True)
class Combination:
    lane: str
    status: str
    category: str
    type: str
    officer: str
    deadline: str
    datasets: tuple[str, ...]
    count: int
    # HISTORY_LABELS' options this combination's applications have.
    history: tuple[str, ...] = ()


def combinations(base: QuerySet[PlanningApplication]) -> list[Combination]:
    bucket = deadlines.band_case(timezone.localdate())
    rows = (
        base.order_by()
        .annotate(
            deadline_bucket=bucket,
            refused_here=_history_here("refused-here"),
            enforcement_here=_history_here("enforcement-here"),
        )
        .values_list(
            "triage__lane",
            "status",
            "category",
            "application_type",
            "assigned_officer_id",
            "deadline_bucket",
            "triage__constraint_datasets",
            "refused_here",
            "enforcement_here",
        )
        .annotate(n=Count("id"))
    )
    return [
        Combination(
            lane or "none",
            status,
            category,
            kind,
            str(officer) if officer else "none",
            deadline,
            tuple(datasets or ()),
            n,
            tuple(
                option
                for option, present in (("refused-here", refused), ("enforcement-here", enforced))
                if present
            ),
        )
        for lane, status, category, kind, officer, deadline, datasets, refused, enforced, n in rows
    ]


def _holds(combination: Combination, name: str, values: set[str]) -> bool:
    """Whether applications of this combination pass filter `name` with `values` chosen: the
    same rules as QueueFilter applies in SQL (tests hold the two to the same answers)."""
    if not values:
        return True
    if name == "dataset":
        return bool(values.intersection(combination.datasets))
    if name == "history":
        return bool(values.intersection(combination.history))
    if name == "deadline":
        # Buckets are exclusive and only open applications have these three.
        return combination.deadline in values
    return getattr(combination, name) in values


def _option_values(combination: Combination, name: str) -> list[str]:
    if name == "dataset":
        return list(combination.datasets)
    if name == "history":
        return list(combination.history)
    if name == "deadline":
        return [combination.deadline]
    return [getattr(combination, name)]


def facet_counts(
    rows: list[Combination], chosen: dict[str, set[str]], choices: dict[str, list]
) -> tuple[list[Facet], int]:
    """Each filter's options with how many applications each would show, given every *other*
    filter as it is (so choosing an option never hides its neighbours), and the total the
    chosen filters show."""
    facets = []
    for name in QueueFilter.FACETS:
        others = {other: values for other, values in chosen.items() if other != name}
        counts: dict[str, int] = {}
        for row in rows:
            if all(_holds(row, other, values) for other, values in others.items()):
                for value in _option_values(row, name):
                    counts[value] = counts.get(value, 0) + row.count
        picked = chosen.get(name, set())
        options = [
            FacetOption(str(value), label, counts.get(str(value), 0), str(value) in picked)
            for value, label in choices[name]
        ]
        # Only what has applications, or is chosen: an empty option helps nobody.
        facets.append(
            Facet(
                name,
                QueueFilter.base_filters[name].label,
                [option for option in options if option.count or option.selected],
            )
        )
    total = sum(
        row.count
        for row in rows
        if all(_holds(row, name, values) for name, values in chosen.items())
    )
    return facets, total


def facet_choices(rows: list[Combination], council_officers) -> dict[str, list]:
    """The options of every filter: fixed lists, and what the tab's applications hold."""
    types = {row.type for row in rows}
    return {
        "lane": _choices(LANE_LABELS),
        "status": _choices(STATUS_LABELS),
        "category": _choices(CATEGORY_LABELS),
        "deadline": _choices(DEADLINE_LABELS),
        "history": _choices(HISTORY_LABELS),
        "type": sorted(((t, type_label(t)) for t in types), key=lambda choice: choice[1]),
        "dataset": sorted(DATASET_LABELS.items(), key=lambda choice: choice[1]),
        "officer": [
            ("none", "Unassigned"),
            *((str(user.pk), user.get_full_name() or user.username) for user in council_officers),
        ],
    }


def chosen_filters(filterset: "QueueFilter") -> dict[str, set[str]]:
    """The valid choices of each filter (an invalid one is reported and left out)."""
    form = filterset.form
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return {
        name: {str(value) for value in cleaned.get(name) or ()}
        for name in QueueFilter.FACETS
        if cleaned.get(name)
    }


def page_of(
    filtered: QuerySet[PlanningApplication], sort: str, number: int, size: int
) -> list[PlanningApplication]:
    """One page of applications in order. The page's ids are found first, without fetching
    whole rows, then those rows with what the table shows: deep pages stay cheap."""
    offset = (number - 1) * size
    ids = list(
        filtered.order_by(*ordering_for(sort)).values_list("id", flat=True)[offset : offset + size]
    )
    rows = PlanningApplication.objects.filter(id__in=ids).select_related(
        "triage", "assigned_officer"
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def days_left(application: PlanningApplication, today: datetime.date) -> int | None:
    """Calendar days to the determination deadline; None before it is valid or once closed."""
    if application.determination_deadline is None or not application.is_open:
        return None
    return (application.determination_deadline - today).days


def form_errors(filterset: QueueFilter) -> list[tuple[str, str]]:
    """(field id, message) for the error summary; invalid filters are then left out."""
    form: forms.Form = filterset.form
    if form.is_valid():
        return []
    return [
        (f"filter-{name}", message)
        for name, messages in form.errors.items()
        for message in messages
    ]
