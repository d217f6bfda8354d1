"""The managers' statistics as CSV for a council's systems: the backlog, PS1 and PS2 for a
quarter, and the speed of decisions. The same tables as the pages' downloads
(planning.exports), streamed; read-only keys may read them, and the key's council decides
whose figures they are. Errors are problems (application/problem+json), as everywhere in
the API.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer

from planning import exports, statistics
from planning.access import applications_visible_to_council
from planning.api import openapi
from planning.api.base import CouncilSystemView, parameter_error
from planning.statistics import Quarter

CSV_MEDIA_TYPE = "text/csv"
# The years planning.statistics reads (FIRST_YEAR to LAST_YEAR, 1900 to 2999).
QUARTER_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-[qQ][1-4]$"


class CsvRenderer(BaseRenderer):
    """Lets a client that asks for `Accept: text/csv` be served. The CSV itself is streamed
    by the view, past the renderers; only a problem (a dict) comes here, as JSON."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


def quarter_parameter(request, name: str = "quarter") -> Quarter:
    """The quarter a query parameter names, by default the last complete one."""
    slug = request.query_params.get(name)
    if slug is None:
        return Quarter.containing(statistics.london_today()).previous()
    try:
        return Quarter.from_slug(slug)
    except ValueError:
        raise parameter_error(
            name,
            "Give a quarter of the financial year such as 2026-q2 (the year it starts in; "
            f"q1 is April to June), from {statistics.FIRST_YEAR} to {statistics.LAST_YEAR}.",
        ) from None


def quarter_schema(description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "quarter", str, pattern=QUARTER_PATTERN, required=False, description=description
    )


def csv_responses(description: str) -> dict:
    return {
        (200, CSV_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR, description=description),
        **openapi.problems(400),
    }


class CsvSchema(AutoSchema):
    def _get_format_parameters(self):
        # `Accept: text/csv` chooses the CSV; DRF's `?format=` is refused as unknown.
        return []


class StatisticsCsvView(CouncilSystemView):
    """A table of the key's council as a CSV file, named with the council's code."""

    renderer_classes = [JSONRenderer, CsvRenderer]
    schema = CsvSchema()
    pagination_class = None

    def respond(self, request, table: exports.Table, stem: str):
        council = request.user.council
        return exports.csv_response(table, f"{council.code}-{stem}.csv")

    def council_applications(self, request):
        return applications_visible_to_council(request.user.council)


class BacklogCsvView(StatisticsCsvView):
    @extend_schema(
        summary="The open applications, one a row (CSV)",
        description=(
            "Every application received and neither decided nor withdrawn, soonest "
            "determination deadline first: reference, address, type, category and PS2 code, "
            "dates, deadlines, days left, overdue or at risk, extension of time, case officer "
            "and (where triage is installed) the triage lane. The same file as the managers' "
            "backlog download."
        ),
        responses=csv_responses("The backlog as CSV (UTF-8, a header row)."),
    )
    def get(self, request):
        today = statistics.london_today()
        table = exports.backlog_table(self.council_applications(request), today=today)
        return self.respond(request, table, f"backlog-{today}")


class Ps1CsvView(StatisticsCsvView):
    query_parameters = frozenset({"quarter"})

    @extend_schema(
        summary="The PS1 workload return for a quarter (CSV)",
        description=(
            "Received, decided (granted, refused, delegated), withdrawn and pending at the "
            "quarter's end, for major, minor and other development, their total, and prior "
            "approvals (outside the total)."
        ),
        parameters=[
            quarter_schema("A financial-year quarter, e.g. 2026-q2; the last complete one.")
        ],
        responses=csv_responses("PS1 as CSV (UTF-8, a header row)."),
    )
    def get(self, request):
        quarter = quarter_parameter(request)
        table = exports.ps1_table(self.council_applications(request), quarter)
        return self.respond(request, table, f"ps1-{quarter.slug}")


class Ps2CsvView(StatisticsCsvView):
    query_parameters = frozenset({"quarter"})

    @extend_schema(
        summary="The PS2 decisions return for a quarter (CSV)",
        description=(
            "Decisions per development-type code (Q01-Q07, Q13-Q18, Q20-Q26, prior "
            "approvals), granted and refused, time taken in week bands, and those under an "
            "extension of time, a planning performance agreement or with EIA and how many "
            "met the agreed date; then the subtotals."
        ),
        parameters=[
            quarter_schema("A financial-year quarter, e.g. 2026-q2; the last complete one.")
        ],
        responses=csv_responses("PS2 as CSV (UTF-8, a header row)."),
    )
    def get(self, request):
        quarter = quarter_parameter(request)
        table = exports.ps2_table(self.council_applications(request), quarter)
        return self.respond(request, table, f"ps2-{quarter.slug}")


class SpeedCsvView(StatisticsCsvView):
    query_parameters = frozenset({"quarter"})

    @extend_schema(
        summary="The speed of major and non-major decisions over 24 months (CSV)",
        description=(
            "The share of decisions in time (the statutory period or an agreed extension) "
            "and within the statutory period alone, against the designation thresholds "
            "(60% majors, 70% non-majors): the eight quarters together, then each quarter."
        ),
        parameters=[
            quarter_schema("The last of the eight quarters, e.g. 2026-q2; the last complete one.")
        ],
        responses=csv_responses("The speed of decisions as CSV (UTF-8, a header row)."),
    )
    def get(self, request):
        quarter = quarter_parameter(request)
        table = exports.speed_table(self.council_applications(request), last=quarter)
        return self.respond(request, table, f"speed-to-{quarter.slug}")
