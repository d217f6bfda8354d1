"""The council submission API's applications: councils' systems submit applications (native or
Open Digital Planning JSON), list them and read and update one. Each view parses, calls one
service, and shapes the answer.

Applications are addressed by their id (`/api/v1/applications/<id>/`), which never changes;
the council's own reference is a filter (`?reference=`), since references hold slashes.
"""

import datetime

import django_filters
import pydantic
from django import forms
from django.db import transaction
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from planning.api import openapi
from planning.api.base import (
    ApplicationPagination,
    CouncilSystemView,
    council_actor,
    parameter_error,
    parsed,
)
from planning.api.extensions import list_filter_choices, list_filters
from planning.api.parsers import StrictJSONParser
from planning.api.problems import (
    invalid,
    pydantic_errors,
)
from planning.api.serializers import (
    ApplicationDetailSerializer,
    ApplicationSerializer,
    ApplicationUpdate,
)
from planning.models import ApplicationStatus, PlanningApplication
from planning.odp import SOURCE_FORMAT as ODP
from planning.odp import OdpApplication, odp_pointer
from planning.services import (
    record_decision,
    update_application,
)
from planning.submission.applications import submit_application
from planning.submission.payload import ApplicationSubmission


def _application_url(application: PlanningApplication) -> str:
    return reverse("api:application-detail", kwargs={"pk": application.pk})


class ApplicationListSchema(AutoSchema):
    # Filters registered by other apps are known only once apps are ready, so they are read
    # when the schema is drawn up, not when this module is imported.
    def get_override_parameters(self):
        if self.method != "GET":
            return super().get_override_parameters()
        return [
            *super().get_override_parameters(),
            *(
                OpenApiParameter(
                    name,
                    str,
                    description="A filter added by another app.",
                    enum=list(list_filter_choices(name)) or None,
                )
                for name in list_filters()
            ),
        ]


class IsoDateField(forms.DateField):
    """An ISO 8601 date and nothing else ("2026-1-5" is refused, as the schema says); a
    parameter sent empty is an error, not a filter left out."""

    default_error_messages = {"invalid": "Give an ISO 8601 date, e.g. 2026-11-02."}

    def to_python(self, value):
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class StatusField(django_filters.fields.ChoiceField):
    """One of the statuses; sent empty, it is refused rather than ignored."""

    def clean(self, value):
        # The raw value: None when the parameter is left out, "" when it is sent empty.
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid")
        return super().clean(value)


class StatusFilter(django_filters.ChoiceFilter):
    field_class = StatusField


class ApplicationFilter(django_filters.FilterSet):
    """The list's own filters (django-filter, as the pages'); each error a problem naming the
    parameter. Dates are ISO 8601 only, as the published schema says."""

    reference = django_filters.CharFilter(field_name="reference")
    status = StatusFilter(
        field_name="status",
        choices=ApplicationStatus.choices,
        error_messages={"invalid_choice": f"Use one of {', '.join(ApplicationStatus.values)}."},
    )
    type = django_filters.CharFilter(field_name="application_type")
    received_from = IsoDateFilter(field_name="received_date", lookup_expr="gte")
    received_to = IsoDateFilter(field_name="received_date", lookup_expr="lte")

    class Meta:
        model = PlanningApplication
        fields: list[str] = []

    @property
    def qs(self):
        received_from = self.form.cleaned_data.get("received_from")
        received_to = self.form.cleaned_data.get("received_to")
        if received_from and received_to and received_from > received_to:
            raise parameter_error("received_to", "received_to is before received_from.")
        return super().qs


class ApplicationListView(mixins.ListModelMixin, CouncilSystemView):
    serializer_class = ApplicationSerializer
    parser_classes = [StrictJSONParser]
    pagination_class = ApplicationPagination
    query_parameters = frozenset(
        {"reference", "status", "type", "received_from", "received_to", "page", "page_size"}
    )
    schema = ApplicationListSchema()

    def allowed_query_parameters(self) -> frozenset[str]:
        return self.query_parameters | set(list_filters())

    def scoped_queryset(self, applications):
        filters = ApplicationFilter(self.request.query_params, queryset=applications)
        if not filters.is_valid():
            name, errors = next(iter(filters.errors.items()))
            raise parameter_error(name, errors[0])
        applications = filters.qs
        query = self.request.query_params
        for name, apply in list_filters().items():
            if name in query:
                applications = apply(applications, query[name])
        return applications

    @extend_schema(
        summary="List the council's applications, newest first",
        parameters=[
            OpenApiParameter("reference", str, description="Exactly this reference."),
            OpenApiParameter("status", str, enum=ApplicationStatus.values),
            OpenApiParameter(
                "type", str, description="Exactly this application type (pp.full.householder)."
            ),
            OpenApiParameter(
                "received_from", datetime.date, description="Received on or after this date."
            ),
            OpenApiParameter(
                "received_to",
                datetime.date,
                description="Received on or before this date; not before received_from.",
            ),
        ],
        responses={200: ApplicationSerializer(many=True), **openapi.problems(400)},
    )
    def get(self, request):
        return self.list(request)

    @extend_schema(
        summary="Submit an application",
        description=(
            "Safe to retry: the same payload again answers 200 with the record already held. "
            "A different payload under a reference the council already used answers 409. "
            "An `Idempotency-Key` header makes any retry replay the first answer."
        ),
        request=ApplicationSubmission,
        parameters=[openapi.IDEMPOTENCY_KEY],
        examples=openapi.SUBMISSION_EXAMPLES,
        responses={
            201: ApplicationSerializer,
            200: ApplicationSerializer,
            **openapi.problems(400, 403, 409, 413, 415, 422),
        },
    )
    def post(self, request):
        return self.idempotently(
            request, lambda: _submitted(self, parsed(ApplicationSubmission, request.data))
        )


def _submitted(
    view: CouncilSystemView, submission: ApplicationSubmission, *, source_format: str = "native"
) -> Response:
    result = submit_application(
        view.request.user.council,
        submission,
        source_format=source_format,
        actor=council_actor(view.request),
    )
    return Response(
        view.get_serializer(result.application).data,
        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        headers={"Location": _application_url(result.application)},
    )


class OdpApplicationView(CouncilSystemView):
    serializer_class = ApplicationSerializer
    parser_classes = [StrictJSONParser]

    @extend_schema(
        summary="Submit an application in the Open Digital Planning schema (as PlanX sends it)",
        description=(
            "Reads the ODP `application` document (released or prototype schema): type, "
            "proposal description and project types, address and UPRN, the site boundary, "
            "`metadata.submittedAt` as the received date, proposed units and new floorspace, "
            "and the designations PlanX found (kept as the submitter's claims). The reference "
            "is `metadata.id`. Other keys are accepted and ignored. Retries behave as for "
            "native submissions; pointers in errors point into the ODP document."
        ),
        request=OdpApplication,
        parameters=[openapi.IDEMPOTENCY_KEY],
        responses={
            201: ApplicationSerializer,
            200: ApplicationSerializer,
            **openapi.problems(400, 403, 409, 413, 415, 422),
        },
    )
    def post(self, request):
        return self.idempotently(request, lambda: self._submit(request.data))

    def _submit(self, data) -> Response:
        odp = parsed(OdpApplication, data)
        try:
            submission = odp.as_submission()
        except pydantic.ValidationError as error:
            errors = [
                {**entry, "pointer": odp_pointer(odp, entry["pointer"])}
                for entry in pydantic_errors(error, odp.submission_fields())
            ]
            raise invalid(errors) from None
        return _submitted(self, submission, source_format=ODP)


class ApplicationDetailView(CouncilSystemView):
    serializer_class = ApplicationDetailSerializer
    parser_classes = [StrictJSONParser]
    writes_to_an_object = True

    @extend_schema(
        summary="One application, with its documents and statutory clock",
        description=(
            "Other parts of the service add sections of their own alongside the fields "
            "below; `triage` carries the latest triage result when triage is installed."
        ),
        responses={200: ApplicationDetailSerializer, **openapi.problems(400)},
    )
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Record the valid date, an agreed extension of time, a withdrawal or the decision",
        description=(
            "Only these changes are possible. `extension_of_time_until` needs a valid "
            "date and must end after the statutory deadline; a decision (`decision`, "
            "`decision_date`, optionally `decision_level`) needs a valid date and a decision "
            "date on or after it. Nothing changes once a decision is recorded or the "
            "application is withdrawn (409). A withdrawal cannot be undone. When one change "
            "in a request is refused, none of them is made."
        ),
        request=ApplicationUpdate,
        examples=openapi.UPDATE_EXAMPLES,
        responses={200: ApplicationDetailSerializer, **openapi.problems(400, 403, 409, 415)},
    )
    def patch(self, request, pk):
        application = self.get_object()
        changes = parsed(ApplicationUpdate, request.data)
        if not changes.model_fields_set:
            raise invalid(
                [
                    {
                        "pointer": "",
                        "detail": "Send valid_date, extension_of_time_until, withdrawn or "
                        "a decision.",
                    }
                ]
            )
        with transaction.atomic():
            application = update_application(
                application,
                valid_date=changes.valid_date,
                extension_of_time_until=changes.extension_of_time_until,
                withdrawn=bool(changes.withdrawn),
                performance_agreement=changes.performance_agreement,
                actor=council_actor(request),
            )
            if changes.decision is not None and changes.decision_date is not None:
                application = record_decision(
                    application,
                    outcome=changes.decision,
                    decision_date=changes.decision_date,
                    level=changes.decision_level or "delegated",
                    actor=council_actor(request),
                )
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)
