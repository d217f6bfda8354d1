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

from planning import downloads, exports
from planning.access import applications_visible_to_council
from planning.api import openapi
from planning.api.base import CouncilSystemView, parameter_error

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

    download = ""  # the name planning.downloads knows the table by

    def respond(self, request):
        """The download as CSV, for the value of its query parameter (left out: the default;
        given empty: a mistake)."""
        parameter = downloads.parameter_of(self.download)
        choice = request.query_params.get(parameter) if parameter else None
        council = request.user.council
        try:
            made = downloads.make_download(
                self.download, applications_visible_to_council(council), choice
            )
        except downloads.ChoiceInvalid as invalid:
            raise parameter_error(invalid.parameter, invalid.message) from None
        return exports.csv_response(made.table, f"{council.code}-{made.stem}.csv")


class BacklogCsvView(StatisticsCsvView):
    download = "backlog"

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
        return self.respond(request)


class Ps1CsvView(StatisticsCsvView):
    download = "ps1"
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
        return self.respond(request)


class Ps2CsvView(StatisticsCsvView):
    download = "ps2"
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
        return self.respond(request)


class SpeedCsvView(StatisticsCsvView):
    download = "speed"
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
        return self.respond(request)
