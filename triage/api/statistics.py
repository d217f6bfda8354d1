"""Triage's statistics as CSV for a council's systems: the AI review figures and every finding
with its review, for the applications received in a period. Mounted beside planning's
statistics under /api/v1/statistics/ (config/urls.py), on the same key authentication,
read-only keys allowed, errors as problems."""

from drf_spectacular.utils import OpenApiParameter, extend_schema

from planning.api.statistics import StatisticsCsvView, csv_responses
from triage.exports import LAST_12_MONTHS

PERIOD = OpenApiParameter(
    "period",
    str,
    pattern=rf"^({LAST_12_MONTHS}|(19[0-9]{{2}}|2[0-9]{{3}})-[qQ][1-4])$",
    required=False,
    description=(
        f"Which applications: those received in the last 12 months ({LAST_12_MONTHS}, the "
        "default) or in a financial-year quarter such as 2026-q2."
    ),
)


class ReviewFiguresCsvView(StatisticsCsvView):
    download = "reviews"
    query_parameters = frozenset({"period"})

    @extend_schema(
        summary="How officers judged the AI's findings, per finding code and engine (CSV)",
        description=(
            "For the applications received in the period: per finding code and engine, the "
            "findings of the current triage results, how many officers reviewed, accepted, "
            "rejected and amended, and the median and mean days from the valid date to the "
            "first review; then the findings officers added themselves, per code."
        ),
        parameters=[PERIOD],
        responses=csv_responses("The AI review figures as CSV (UTF-8, a header row)."),
    )
    def get(self, request):
        return self.respond(request)


class FindingsCsvView(StatisticsCsvView):
    download = "findings"
    query_parameters = frozenset({"period"})

    @extend_schema(
        summary="Every finding of the current triage results with its latest review (CSV)",
        description=(
            "For the applications received in the period, one row per finding (and per "
            "finding an officer added): the application's reference and dates, the finding's "
            "code, value, title, engine and source, and the latest review: decision, amended "
            "value, reason, who and when (London time), and whether it was carried over "
            "from an earlier run."
        ),
        parameters=[PERIOD],
        responses=csv_responses("The findings and their reviews as CSV (UTF-8, a header row)."),
    )
    def get(self, request):
        return self.respond(request)
