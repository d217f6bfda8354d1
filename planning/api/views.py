"""The council submission API: councils' systems submit applications and their documents,
and read back what we hold. Each view parses, calls one service, and shapes the answer."""

import json

import pydantic
from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from planning.access import applications_visible_to_council
from planning.api.authentication import CouncilApiKeyAuthentication
from planning.api.extensions import list_filters
from planning.api.permissions import IsCouncilSystem
from planning.api.serializers import (
    ApplicationDetailSerializer,
    ApplicationSerializer,
    DocumentSerializer,
)
from planning.models import ApplicationStatus, PlanningApplication
from planning.odp import SOURCE_FORMAT as ODP
from planning.odp import OdpApplication
from planning.submission import (
    ApplicationSubmission,
    DocumentRejected,
    DocumentTooLarge,
    DocumentTypeNotAccepted,
    ReferenceConflict,
    add_document,
    submit_application,
)

# Room for the multipart boundaries and the small fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

ERROR_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="`{field: [message, ...]}`; `non_field_errors` for the payload as a whole.",
)
DETAIL_RESPONSE = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail: message}`")
# Every call may meet these: no or a revoked key; an application (or page) the council lacks.
COMMON_RESPONSES = {401: DETAIL_RESPONSE, 404: DETAIL_RESPONSE}


def parsed(model: type[pydantic.BaseModel], data) -> pydantic.BaseModel:
    """Validate a payload with its pydantic model; errors come back in DRF's usual shape.

    Strict JSON mode: a value must already have its JSON type ("0" is not a number, 0 is
    not false), while dates still come as ISO strings, exactly as the published schema says.
    """
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except pydantic.ValidationError as error:
        raise serializers.ValidationError(_messages(error)) from None


def _messages(error: pydantic.ValidationError) -> dict[str, list[str]]:
    messages: dict[str, list[str]] = {}
    for problem in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in problem["loc"]) or "non_field_errors"
        messages.setdefault(field, []).append(problem["msg"].removeprefix("Value error, "))
    return messages


class CouncilSystemView(generics.GenericAPIView):
    authentication_classes = [CouncilApiKeyAuthentication]
    permission_classes = [IsCouncilSystem]
    # Anything else in the query string is refused, so a misspelt filter is not ignored.
    query_parameters: frozenset[str] = frozenset()

    def allowed_query_parameters(self) -> frozenset[str]:
        return self.query_parameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown query parameter."] for name in unknown}
            )
        # DRF would read an empty or malformed page as the first page.
        if "page" in request.query_params and not request.query_params["page"].isdigit():
            raise serializers.ValidationError({"page": ["Give a page number: 1, 2, ..."]})

    def get_queryset(self):
        return (
            applications_visible_to_council(self.request.user.council)
            .select_related("council")
            .prefetch_related("documents")
        )


def _application_url(application: PlanningApplication) -> str:
    return reverse("api:application-detail", kwargs={"pk": application.pk})


class ApplicationListSchema(AutoSchema):
    # Filters registered by other apps are known only once apps are ready, so they are read
    # when the schema is drawn up, not when this module is imported.
    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            *(
                OpenApiParameter(name, str, description="A filter added by another app.")
                for name in list_filters()
            ),
        ]


class ApplicationListView(mixins.ListModelMixin, CouncilSystemView):
    serializer_class = ApplicationSerializer
    parser_classes = [JSONParser]
    query_parameters = frozenset({"reference", "status", "page"})
    schema = ApplicationListSchema()

    def allowed_query_parameters(self) -> frozenset[str]:
        return self.query_parameters | set(list_filters())

    def get_queryset(self):
        applications = super().get_queryset()
        query = self.request.query_params
        if "reference" in query:
            applications = applications.filter(reference=query["reference"])
        if "status" in query:
            wanted = query["status"]
            if wanted not in ApplicationStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"Use one of {', '.join(ApplicationStatus.values)}."]}
                )
            applications = applications.filter(status=wanted)
        for name, apply in list_filters().items():
            if name in query:
                applications = apply(applications, query[name])
        return applications

    @extend_schema(
        summary="List the council's applications, newest first",
        parameters=[
            OpenApiParameter("reference", str, description="Exactly this reference."),
            OpenApiParameter("status", str, enum=ApplicationStatus.values),
        ],
        responses={200: ApplicationSerializer(many=True), 400: ERROR_RESPONSE, **COMMON_RESPONSES},
    )
    def get(self, request):
        return self.list(request)

    @extend_schema(
        summary="Submit an application",
        description=(
            "Safe to retry: the same payload again answers 200 with the record already held. "
            "A different payload under a reference the council already used answers 409."
        ),
        request=ApplicationSubmission,
        responses={
            201: ApplicationSerializer,
            200: ApplicationSerializer,
            400: ERROR_RESPONSE,
            409: ERROR_RESPONSE,
            401: DETAIL_RESPONSE,
        },
    )
    def post(self, request):
        return _submitted(self, parsed(ApplicationSubmission, request.data))


def _submitted(
    view: CouncilSystemView, submission: ApplicationSubmission, *, source_format: str = "native"
) -> Response:
    try:
        result = submit_application(
            view.request.user.council, submission, source_format=source_format
        )
    except ReferenceConflict as conflict:
        return Response(
            {
                "reference": [str(conflict)],
                "differing_fields": conflict.differing_fields,
                "existing": _application_url(conflict.existing),
            },
            status=status.HTTP_409_CONFLICT,
        )
    return Response(
        view.get_serializer(result.application).data,
        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        headers={"Location": _application_url(result.application)},
    )


class OdpApplicationView(CouncilSystemView):
    serializer_class = ApplicationSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Submit an application in the Open Digital Planning schema (as PlanX sends it)",
        description=(
            "Reads the ODP `application` document: type, proposal description, address and "
            "UPRN, the site boundary, `metadata.submittedAt` as the received date, units, and "
            "the designations PlanX found (kept as the submitter's claims). The reference is "
            "`metadata.id`. Other keys are accepted and ignored. Retries behave as for "
            "native submissions."
        ),
        request=OdpApplication,
        responses={
            201: ApplicationSerializer,
            200: ApplicationSerializer,
            400: ERROR_RESPONSE,
            409: ERROR_RESPONSE,
            401: DETAIL_RESPONSE,
        },
    )
    def post(self, request):
        odp = parsed(OdpApplication, request.data)
        try:
            submission = odp.as_submission()
        except pydantic.ValidationError as error:
            raise serializers.ValidationError(_messages(error)) from None
        return _submitted(self, submission, source_format=ODP)


class ApplicationDetailView(CouncilSystemView):
    serializer_class = ApplicationDetailSerializer

    @extend_schema(
        summary="One application, with its documents",
        description=(
            "Other parts of the service add sections of their own alongside the fields "
            "below; `triage` carries the latest triage result when triage is installed."
        ),
        responses={200: ApplicationSerializer, 400: ERROR_RESPONSE, **COMMON_RESPONSES},
    )
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)


class DocumentListView(CouncilSystemView):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]
    pagination_class = None

    @extend_schema(
        summary="The application's documents, in upload order",
        operation_id="applications_documents_list",
        responses={200: DocumentSerializer(many=True), 400: ERROR_RESPONSE, **COMMON_RESPONSES},
    )
    def get(self, request, pk):
        application = self.get_object()
        return Response(self.get_serializer(application.documents.all(), many=True).data)

    @extend_schema(
        summary="Attach a document (PDF, PNG, JPEG or TIFF)",
        description=(
            "multipart/form-data with `file` and, optionally, `document_type` (an Open Digital "
            "Planning file type such as `locationPlan`). The content type is read from the "
            "file itself. Safe to retry: the same file again answers 200."
        ),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "document_type": {"type": "string", "default": "other"},
                },
                "required": ["file"],
            }
        },
        responses={
            201: DocumentSerializer,
            200: DocumentSerializer,
            400: ERROR_RESPONSE,
            413: ERROR_RESPONSE,
            415: ERROR_RESPONSE,
            **COMMON_RESPONSES,
        },
    )
    def post(self, request, pk):
        application = self.get_object()
        # Refuse an oversized body before reading it, not after spooling it to disk.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            return _document_error(
                DocumentTooLarge(
                    f"The request is {declared} bytes; the largest accepted document is "
                    f"{settings.DOCUMENT_MAX_BYTES} bytes."
                )
            )
        unexpected = sorted(set(request.data) - {"file", "document_type"})
        if unexpected:
            raise serializers.ValidationError(
                {
                    field: ["Unexpected field: send only file and document_type."]
                    for field in unexpected
                }
            )
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError(
                {"file": ["Send the document as a multipart/form-data field named 'file'."]}
            )
        try:
            added = add_document(
                application, upload, document_type=request.data.get("document_type") or "other"
            )
        except DocumentRejected as rejected:
            return _document_error(rejected)
        return Response(
            self.get_serializer(added.document).data,
            status=status.HTTP_201_CREATED if added.created else status.HTTP_200_OK,
        )


def _document_error(rejected: DocumentRejected) -> Response:
    if isinstance(rejected, DocumentTooLarge):
        code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif isinstance(rejected, DocumentTypeNotAccepted):
        code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    else:
        code = status.HTTP_400_BAD_REQUEST
    return Response({rejected.field: [str(rejected)], "reason": rejected.reason}, status=code)


@csrf_exempt  # API clients hold keys, not cookies; an unknown path of any method is a 404.
def not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
