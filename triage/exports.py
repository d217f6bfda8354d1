"""Triage's tables for the managers' downloads (planning.exports writes them): the AI review
figures, and every finding of the current results with what officers made of it; and the
triage lane as a column of the applications table.

Review figures take 2-3 s over a whole council of 100,000 applications (ADR 0006), so pages
and the API count one period's applications: received in the last 12 months, or in a chosen
quarter (`ReviewPeriod`).
"""

import dataclasses
import datetime
from collections.abc import Iterator

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject

from planning import statistics
from planning.downloads import Download
from planning.exports import CHUNK_ROWS, Cell, Column, Table, applications_table, percent
from planning.models import PlanningApplication
from planning.statistics import Quarter
from planning.statistics.quarters import QUARTER_HELP
from triage.models import NOT_TRIAGED, Finding, FindingReview, FindingSource
from triage.review_statistics import FILTER_LOOKUPS, LANE_LABELS, review_statistics
from triage.vocabulary import Strength

LANE_COLUMN = Column(
    "Triage lane", "triage__lane", lambda lane: LANE_LABELS.get(lane, "") or NOT_TRIAGED
)
LAST_12_MONTHS = "last-12-months"


@dataclasses.dataclass(frozen=True)
class ReviewPeriod:
    """Which applications the review figures count: those received from `first` to `last`."""

    slug: str
    label: str
    first: datetime.date
    last: datetime.date

    def applications(
        self, queryset: QuerySet[PlanningApplication]
    ) -> QuerySet[PlanningApplication]:
        return queryset.filter(received_date__gte=self.first, received_date__lte=self.last)


def review_period(slug: str | None, *, today: datetime.date | None = None) -> ReviewPeriod:
    """The period a slug names: LAST_12_MONTHS (the default, when there is no slug at all) or
    a quarter such as 2026-q2. Raises ValueError, saying what to give, for anything else (an
    empty slug too)."""
    today = today or statistics.london_today()
    if slug is None or slug == LAST_12_MONTHS:
        first = today - datetime.timedelta(days=364)
        return ReviewPeriod(LAST_12_MONTHS, "Received in the last 12 months", first, today)
    try:
        quarter = Quarter.from_slug(slug)
    except ValueError:
        raise ValueError(
            f"“{slug[:40]}” is not a period. Give {LAST_12_MONTHS} or {QUARTER_HELP}."
        ) from None
    return ReviewPeriod(
        quarter.slug, f"Received in {quarter} ({quarter.months})", quarter.start, quarter.end
    )


def review_period_choices(
    *, today: datetime.date | None = None, quarters: int = 8
) -> list[ReviewPeriod]:
    """The last 12 months, then the current quarter and the ones before it, newest first."""
    today = today or statistics.london_today()
    current = Quarter.containing(today)
    return [review_period(None, today=today)] + [
        review_period(quarter.slug, today=today)
        for quarter in reversed(statistics.quarters_ending(current, quarters))
    ]


REVIEW_FIGURES_HEADER = [
    "Finding code",
    "Found by",
    "Findings",
    "Reviewed",
    "Accepted",
    "Rejected",
    "Amended",
    "Not reviewed",
    "Accepted (%)",
    "Rejected (%)",
    "Amended (%)",
    "Days from valid date to first review (median)",
    "Days from valid date to first review (mean)",
]


def review_figures_table(
    applications: QuerySet[PlanningApplication], period: ReviewPeriod
) -> Table:
    """triage.review_statistics for the period's applications: a row per finding code and
    engine, then a row per code of the findings officers added (what the engines missed)."""
    figures = review_statistics(period.applications(applications))
    rows: list[list[Cell]] = [
        [
            check.code,
            check.engine,
            check.findings,
            check.reviewed,
            check.accepted,
            check.rejected,
            check.amended,
            check.unreviewed,
            percent(check.accepted_share),
            percent(check.rejected_share),
            percent(check.amended_share),
            _rounded(check.days_to_first_review_median),
            _rounded(check.days_to_first_review_mean),
        ]
        for check in figures.checks
    ]
    rows += [
        [added.code, "Added by officers", added.findings, *([None] * 10)]
        for added in figures.officer_added
    ]
    return Table("AI review figures", REVIEW_FIGURES_HEADER, rows)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


FINDINGS_HEADER = [
    "Reference",
    "Received",
    "Valid from",
    "Finding code",
    "Value",
    "Title",
    "Found by",
    "Source",
    "Evidence",
    "Latest review",
    "Amended value",
    "Reason",
    "Reviewed by",
    "Reviewed at",
    "Review carried over from an earlier run",
]


def findings_table(applications: QuerySet[PlanningApplication]) -> Table:
    """Every finding of these applications' current results (TriageSummary.result_run), and
    those officers added, each with its latest review (by time, then id, as the pages say),
    read CHUNK_ROWS at a time."""
    latest = (
        FindingReview.objects.filter(finding=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values(
            json=JSONObject(
                decision="decision",
                amended_value="amended_value",
                reason="reason",
                by="reviewer_name",
                at="created_at",
                carried="carried_from_id",
            )
        )[:1]
    )
    findings = (
        Finding.objects.filter(application__in=applications.values("pk"))
        .filter(Q(run_id=F("application__triage__result_run_id")) | Q(run__isnull=True))
        .annotate(review=Subquery(latest))
        .order_by("application__reference", "run_id", "id")
        .values_list(
            "application__reference",
            "application__received_date",
            "application__valid_date",
            "code",
            "value",
            "title",
            "engine",
            "source",
            "strength",
            "review",
        )
    )
    sources = dict(FindingSource.choices)
    strengths = dict(Strength.choices)

    def rows() -> Iterator[list[Cell]]:
        for (
            reference,
            received,
            valid,
            code,
            value,
            title,
            engine,
            source,
            strength,
            review,
        ) in findings.iterator(chunk_size=CHUNK_ROWS):
            review = review or {}
            yield [
                reference,
                received,
                valid,
                code,
                value,
                title,
                engine,
                sources.get(source, source),
                strengths.get(strength, strength),
                (review.get("decision") or "").capitalize(),
                review.get("amended_value") or "",
                review.get("reason") or "",
                review.get("by") or "",
                _london(review.get("at")),
                ("Yes" if review.get("carried") else "No") if review else "",
            ]

    return Table("Findings and reviews", FINDINGS_HEADER, rows())


def _london(text: str | None) -> datetime.datetime | None:
    """A timestamp from the database's JSON as a London wall-clock time (spreadsheets have no
    time zones)."""
    if not text:
        return None
    moment = datetime.datetime.fromisoformat(text)
    return moment.astimezone(statistics.LONDON).replace(tzinfo=None, microsecond=0)


# The managers' downloads of these tables (planning.downloads; registered in triage.apps).
def reviews_download(visible, choice: str | None, today: datetime.date) -> Download:
    period = review_period(choice, today=today)
    table = review_figures_table(visible, period)
    return Download(table, f"ai-review-figures-{period.slug}-{today}", 0)


def findings_download(visible, choice: str | None, today: datetime.date) -> Download:
    period = review_period(choice, today=today)
    received = period.applications(visible)
    # A few findings an application: counted by applications, a lower bound.
    rows = received.order_by().count()
    return Download(findings_table(received), f"findings-and-reviews-{period.slug}-{today}", rows)


def figure_applications_download(visible, choice: str | None, today: datetime.date) -> Download:
    """The applications behind a figure of the statistics pages, from the filter its link
    carries (with triage's lanes among the filters: review_statistics.FILTER_LOOKUPS)."""
    try:
        where = statistics.decode_where(choice or "", FILTER_LOOKUPS)
    except ValueError:
        raise ValueError("The link does not name a figure from the statistics pages.") from None
    found = statistics.applications(visible, where)
    rows = found.order_by().count()
    return Download(applications_table(found, today=today), f"applications-{today}", rows)
