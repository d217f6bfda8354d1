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

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from planning import statistics as planning_statistics
from planning.models import PlanningApplication
from planning.statistics import BacklogGroup, Figure
from triage.models import (
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


def current_findings(applications: QuerySet[PlanningApplication]) -> QuerySet[Finding]:
    """The engines' findings in each application's current result."""
    results = TriageSummary.objects.filter(
        application__in=applications, result_run__isnull=False
    ).values("result_run_id")
    return Finding.objects.filter(run_id__in=results)


def review_statistics(applications: QuerySet[PlanningApplication]) -> ReviewStatistics:
    """Accepted, rejected and amended per finding code and engine, with the days to first
    review; and the findings officers added. Three queries."""
    findings = current_findings(applications)
    latest = (
        FindingReview.objects.filter(finding=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("decision")[:1]
    )
    rows = (
        findings.order_by()
        .annotate(latest=Subquery(latest))
        .values("code", "engine")
        .annotate(
            findings=Count("pk"),
            accepted=Count("pk", filter=Q(latest=ReviewDecision.ACCEPTED)),
            rejected=Count("pk", filter=Q(latest=ReviewDecision.REJECTED)),
            amended=Count("pk", filter=Q(latest=ReviewDecision.AMENDED)),
        )
        .order_by("code", "engine")
    )
    days = _days_to_first_review(findings)
    checks = []
    for row in rows:
        reviewed = row["accepted"] + row["rejected"] + row["amended"]
        median, mean = days.get((row["code"], row["engine"]), (None, None))
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
                days_to_first_review_median=median,
                days_to_first_review_mean=mean,
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


def _days_to_first_review(
    findings: QuerySet[Finding],
) -> dict[tuple[str, str], tuple[float, float]]:
    """Per (code, engine): the median and mean days from the valid date to the first review of
    each reviewed finding (of applications with a valid date). One query.

    A carried-over review copies one an officer made on an earlier run's finding: the first
    review is the earliest along the chain of `carried_from`, which a recursive query follows
    in the database.
    """
    counted_sql, params = findings.values("pk").query.sql_with_params()
    reviews = FindingReview._meta.db_table
    finding_table = Finding._meta.db_table
    application_table = PlanningApplication._meta.db_table
    sql = f"""
        WITH RECURSIVE chain (finding_id, carried_from_id, created_at, depth) AS (
            SELECT review.finding_id, review.carried_from_id, review.created_at, 0
            FROM {reviews} AS review
            WHERE review.finding_id IN ({counted_sql})
          UNION ALL
            SELECT chain.finding_id, earlier.carried_from_id, earlier.created_at, chain.depth + 1
            FROM chain JOIN {reviews} AS earlier ON earlier.id = chain.carried_from_id
            WHERE chain.depth < %s
        ),
        first_review AS (
            SELECT finding_id, MIN(created_at) AS reviewed_at FROM chain GROUP BY finding_id
        ),
        waits AS (
            SELECT finding.code, finding.engine,
                   (first_review.reviewed_at AT TIME ZONE %s)::date - application.valid_date
                       AS days
            FROM first_review
            JOIN {finding_table} AS finding ON finding.id = first_review.finding_id
            JOIN {application_table} AS application ON application.id = finding.application_id
            WHERE application.valid_date IS NOT NULL
        )
        SELECT code, engine, percentile_cont(0.5) WITHIN GROUP (ORDER BY days), avg(days)
        FROM waits GROUP BY code, engine
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, MAX_CARRY_DEPTH, str(planning_statistics.LONDON)])
        return {
            (code, engine): (float(median), float(mean))
            for code, engine, median, mean in cursor.fetchall()
        }


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
                label="Not triaged yet",
                open=merged("open"),
                overdue=merged("overdue"),
                at_risk=merged("at_risk"),
            )
        )
    return lanes
