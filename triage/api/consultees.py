"""The consultees to send for one application, as CSV for a council's back office (the same
rows as the application's `consultees` section and the page's download). Mounted beside the
application API by config/urls.py: planning's API cannot name triage."""

from django.utils.text import slugify
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer

from planning import exports
from planning.api.base import CouncilSystemView
from planning.api.statistics import CsvRenderer, CsvSchema, csv_responses
from triage.consultee_list import consultees_table


class ConsulteesCsvView(CouncilSystemView):
    renderer_classes = [JSONRenderer, CsvRenderer]
    schema = CsvSchema()
    pagination_class = None

    @extend_schema(
        summary="The consultees triage suggests for an application, with their status (CSV)",
        description=(
            "One row per consultee the national and the council's consultation lists suggest "
            "for the application's current triage result, and per consultee whose rule could "
            "not be checked: the rules and evidence, the legal basis, whether it is statutory, "
            "and the officer's decision. `send` is yes once an officer has confirmed it. The "
            "same rows are in the application's `consultees` section."
        ),
        responses=csv_responses("The consultees as CSV (UTF-8, a header row)."),
    )
    def get(self, request, pk):
        application = self.get_object()
        name = f"{application.council.code}-{slugify(application.reference)}-consultees.csv"
        return exports.csv_response(consultees_table(application), name)
