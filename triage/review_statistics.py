"""How officers judged the triage findings: for each finding code and engine, how often they
accepted, rejected or amended it, and how long after the valid date they first reviewed it.
The council's own measure of how far to trust each check.

What is counted (docs/decisions/0006-ps1-ps2-counting-rules.md):
- the findings of each application's current result (TriageSummary.result_run), each with its
  latest review. A re-run's findings inherit the reviews of the same findings before them
  (FindingReview.carried_from): counting only the current result counts each judgement once,
  on the finding it now belongs to; superseded runs are not counted;
- findings officers added themselves are what the engines missed: counted per code apart,
  never mixed into the engines' rows;
- the time to first review runs from the valid date (a date in Europe/London) to the day of
  the officer's first review, following a carried-over review back to the review it copies.

Pure functions over a queryset of applications the caller has already limited to one council.
"""

import dataclasses
import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet

from planning import statistics as planning_statistics
from planning.models import PlanningApplication
from planning.statistics import BacklogGroup, Figure
from triage.models import (
    NOT_TRIAGED,
    Finding,
    FindingReview,
    Lane,
    ReviewDecision,
    TriageSummary,
)

LANE_LABELS: dict[str, str] = dict(Lane.choices)
# Links to the backlog per lane filter on the lane too.
FILTER_LOOKUPS = {
    **planning_statistics.FILTER_LOOKUPS,
    "triage__lane": "string",
    "triage__lane__isnull": "bool",
}
# A chain of carried-over reviews longer than this is treated as broken (it cannot loop, as a
# review is only ever carried from an older one; the bound keeps a corrupt chain harmless).
MAX_CARRY_DEPTH = 1000


@dataclasses.dataclass(frozen=True)
class CheckReviews:
    """What officers made of one finding code from one engine."""

    code: str
    engine: str
    findings: int
    reviewed: int
    accepted: int
    rejected: int
    amended: int
    unreviewed: int
    accepted_share: float | None  # of those reviewed
    rejected_share: float | None
    amended_share: float | None
    # Days from the application's valid date to the first review, over the reviewed findings
    # of applications with a valid date.
    days_to_first_review_median: float | None
    days_to_first_review_mean: float | None


@dataclasses.dataclass(frozen=True)
class OfficerAdded:
    """Findings of one code that officers added: what the engines missed."""

    code: str
    findings: int


@dataclasses.dataclass(frozen=True)
class ReviewStatistics:
    checks: list[CheckReviews]  # by code, then engine
    officer_added: list[OfficerAdded]


def review_statistics(applications: QuerySet[PlanningApplication]) -> ReviewStatistics:
    """Accepted, rejected and amended per finding code and engine, with the days to first
    review; and the findings officers added. Two queries."""
    checks = []
    for row in _judgements(applications):
        reviewed = row["accepted"] + row["rejected"] + row["amended"]
        checks.append(
            CheckReviews(
                code=row["code"],
                engine=row["engine"],
                findings=row["findings"],
                reviewed=reviewed,
                accepted=row["accepted"],
                rejected=row["rejected"],
                amended=row["amended"],
                unreviewed=row["findings"] - reviewed,
                accepted_share=planning_statistics.share(row["accepted"], reviewed),
                rejected_share=planning_statistics.share(row["rejected"], reviewed),
                amended_share=planning_statistics.share(row["amended"], reviewed),
                days_to_first_review_median=row["median_days"],
                days_to_first_review_mean=row["mean_days"],
            )
        )
    officer_added = (
        Finding.objects.filter(application__in=applications, run__isnull=True)
        .order_by()
        .values("code")
        .annotate(findings=Count("pk"))
        .order_by("code")
    )
    return ReviewStatistics(
        checks=checks,
        officer_added=[OfficerAdded(row["code"], row["findings"]) for row in officer_added],
    )


def _judgements(applications: QuerySet[PlanningApplication]) -> list[dict[str, Any]]:
    """Per (code, engine) of the findings in these applications' current results: how many;
    how many whose latest review accepted, rejected or amended them; the median and mean days
    from the valid date to the first review. One query, in SQL because it needs what the ORM
    cannot say well:

    - the latest review is the last by (created_at, id), as triage.reviews.latest_review says;
    - a carried-over review copies one an officer made on an earlier run's finding, so the first
      review is the earliest along each chain of `carried_from`, which a recursive query follows
      (only carried reviews need following: an officer's own review is its own origin);
    - days are counted to the review's date in Europe/London; median and mean skip findings
      never reviewed and applications without a valid date.
    """
    applications_sql, params = applications.values("pk").query.sql_with_params()
    reviews = FindingReview._meta.db_table
    sql = f"""
        WITH RECURSIVE counted AS (
            SELECT finding.id, finding.code, finding.engine, application.valid_date
            FROM {TriageSummary._meta.db_table} AS summary
            JOIN {Finding._meta.db_table} AS finding ON finding.run_id = summary.result_run_id
            JOIN {PlanningApplication._meta.db_table} AS application
                ON application.id = summary.application_id
            WHERE summary.application_id IN ({applications_sql})
        ),
        review AS (
            SELECT review.id, review.finding_id, review.carried_from_id, review.created_at,
                   review.decision
            FROM {reviews} AS review JOIN counted ON counted.id = review.finding_id
        ),
        carried (id, carried_from_id, created_at, depth) AS (
            SELECT id, carried_from_id, created_at, 0 FROM review
            WHERE carried_from_id IS NOT NULL
          UNION ALL
            SELECT carried.id, earlier.carried_from_id, earlier.created_at, carried.depth + 1
            FROM carried JOIN {reviews} AS earlier ON earlier.id = carried.carried_from_id
            WHERE carried.depth < %s
        ),
        origin AS (
            SELECT id, MIN(created_at) AS created_at FROM carried GROUP BY id
        ),
        per_finding AS (
            SELECT review.finding_id,
                   (array_agg(review.decision ORDER BY review.created_at DESC, review.id DESC))[1]
                       AS latest,
                   MIN(COALESCE(origin.created_at, review.created_at)) AS first_reviewed_at
            FROM review LEFT JOIN origin ON origin.id = review.id
            GROUP BY review.finding_id
        ),
        judged AS (
            SELECT counted.code, counted.engine, per_finding.latest,
                   (per_finding.first_reviewed_at AT TIME ZONE %s)::date - counted.valid_date
                       AS days
            FROM counted LEFT JOIN per_finding ON per_finding.finding_id = counted.id
        )
        SELECT code, engine, count(*) AS findings,
               count(*) FILTER (WHERE latest = %s) AS accepted,
               count(*) FILTER (WHERE latest = %s) AS rejected,
               count(*) FILTER (WHERE latest = %s) AS amended,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days,
               avg(days)::float AS mean_days
        FROM judged GROUP BY code, engine ORDER BY code, engine
    """
    arguments = [
        *params,
        MAX_CARRY_DEPTH,
        str(planning_statistics.LONDON),
        ReviewDecision.ACCEPTED.value,
        ReviewDecision.REJECTED.value,
        ReviewDecision.AMENDED.value,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner guesses the recursive part at millions of rows (it is a few per carried
        # review), and would spend about a second JIT-compiling for them: not for this query.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, arguments)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def backlog_by_lane(
    applications: QuerySet[PlanningApplication], *, today: datetime.date | None = None
) -> list[BacklogGroup]:
    """The open backlog per triage lane (planning.statistics.backlog_by on the lane), with one
    "Not triaged yet" group (key None) for applications without a lane: never triaged, or
    whose first run has not succeeded. Decode these figures' links with FILTER_LOOKUPS."""
    groups = planning_statistics.backlog_by(
        applications, "triage__lane", today=today, label=lambda lane: LANE_LABELS.get(lane, "")
    )
    lanes = [group for group in groups if group.key]
    untriaged = [group for group in groups if not group.key]
    if untriaged:

        def merged(name: str) -> Figure:
            figures = [getattr(group, name) for group in untriaged]
            where = Q(*(figure.where for figure in figures), _connector=Q.OR)
            return Figure(sum(figure.count for figure in figures), where)

        lanes.append(
            BacklogGroup(
                key=None,
                label=NOT_TRIAGED,
                open=merged("open"),
                overdue=merged("overdue"),
                at_risk=merged("at_risk"),
            )
        )
    return lanes
