"""The council submission API: councils' systems submit applications and their documents,
and read back what we hold. Each view parses, calls one service, and shapes the answer.

Applications are addressed by their id (`/api/v1/applications/<id>/`), which never changes;
the council's own reference is a filter (`?reference=`), since references hold slashes.
Every error is an RFC 9457 problem (planning.api.problems).
"""

import datetime
import json
from collections.abc import Callable

import pydantic
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, mixins, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from planning import idempotency
from planning.access import applications_visible_to_council
from planning.api import openapi
from planning.api.authentication import CouncilApiKeyAuthentication
from planning.api.extensions import list_filters
from planning.api.parsers import StrictJSONParser
from planning.api.permissions import IsCouncilSystem
from planning.api.problems import (
    Problem,
    invalid,
    pointer,
    problem_response,
    pydantic_errors,
)
from planning.api.serializers import (
    ApplicationDetailSerializer,
    ApplicationSerializer,
    ApplicationUpdate,
    DocumentSerializer,
)
from planning.api.throttles import CouncilKeyThrottle, DocumentUploadThrottle
from planning.models import ApplicationStatus, PlanningApplication
from planning.odp import SOURCE_FORMAT as ODP
from planning.odp import OdpApplication, odp_pointer
from planning.services import (
    Actor,
    UpdateInvalid,
    UpdateRefused,
    record_decision,
    update_application,
)
from planning.submission import (
    ApplicationSubmission,
    DocumentRejected,
    DocumentTooLarge,
    ReferenceConflict,
    add_document,
    submit_application,
)

# Room for the multipart boundaries and the small fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
MAX_PAGE_SIZE = 200


def parsed(model: type[pydantic.BaseModel], data) -> pydantic.BaseModel:
    """Validate a payload with its pydantic model; errors become a problem with pointers.

    Strict JSON mode: a value must already have its JSON type ("0" is not a number, 0 is
    not false), while dates still come as ISO strings, exactly as the published schema says.
    """
    if not isinstance(data, dict):
        raise invalid([{"pointer": "", "detail": "Send a JSON object."}])
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except pydantic.ValidationError as error:
        raise invalid(pydantic_errors(error, data)) from None


def parameter_error(name: str, detail: str) -> Problem:
    return invalid([{"parameter": name, "detail": detail}])


def check_query_string(query, allowed: frozenset[str]) -> None:
    """Refuse unknown, repeated and NUL-bearing query parameters with a 400 problem.

    Django's QueryDict would otherwise take the last of repeated values silently, and a
    NUL reaches PostgreSQL, which cannot hold it in text.
    """
    errors = [
        {"parameter": name, "detail": "Unknown query parameter."}
        for name in sorted(set(query) - allowed)
    ]
    errors += [
        {"parameter": name, "detail": "Give this parameter once."}
        for name, values in sorted(query.lists())
        if name in allowed and len(values) > 1
    ]
    errors += [
        {"parameter": name, "detail": "A parameter cannot contain the NUL character."}
        for name, values in sorted(query.lists())
        if name in allowed and any("\x00" in value for value in values)
    ]
    if errors:
        raise invalid(errors)


class ApplicationPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view):
        # The bounds CouncilSystemView.initial enforces, so the schema offers no page 0.
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Applications per page, 1 to {MAX_PAGE_SIZE}."
        return parameters


class CouncilSystemView(generics.GenericAPIView):
    authentication_classes = [CouncilApiKeyAuthentication]
    permission_classes = [IsCouncilSystem]
    throttle_classes: list[type[CouncilKeyThrottle]] = [CouncilKeyThrottle]
    # JSON only: DRF's browsable HTML (for `Accept: text/html` or `?format=api`) ran the
    # pages' context processors, which expect a person, not a council's system (a 500).
    renderer_classes = [JSONRenderer]
    # Anything else in the query string is refused, so a misspelt filter is not ignored.
    query_parameters: frozenset[str] = frozenset()

    def allowed_query_parameters(self) -> frozenset[str]:
        return self.query_parameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # a 405 follows, whatever the query string holds
        check_query_string(request.query_params, self.allowed_query_parameters())
        for name, low, high in (("page", 1, None), ("page_size", 1, MAX_PAGE_SIZE)):
            # DRF would read an empty or malformed page as the first page.
            if name in request.query_params:
                value = request.query_params[name]
                # isdigit() alone lets other scripts' digits through: int() reads some
                # (Arabic-Indic one is 1) and fails on others (superscript two).
                digits = value.isascii() and value.isdigit()
                if not digits or int(value) < low or (high and int(value) > high):
                    upto = f" up to {high}" if high else ""
                    raise parameter_error(name, f"Give a whole number from {low}{upto}.")

    def check_throttles(self, request):
        # As DRF's, with the answer naming the limit reached (a 429 problem, Retry-After).
        refused = [
            throttle
            for throttle in self.get_throttles()
            if not throttle.allow_request(request, self)
        ]
        if refused:
            limits = " and ".join(throttle.describe() for throttle in refused)
            raise exceptions.Throttled(
                max(throttle.wait() for throttle in refused),
                detail=f"This API key has reached its limit of {limits}.",
            )

    def get_queryset(self):
        return (
            applications_visible_to_council(self.request.user.council)
            .select_related("council")
            .prefetch_related("documents")
        )

    def idempotently(self, request, handle: Callable[[], Response]) -> Response:
        """Run `handle`, honouring an `Idempotency-Key` header (planning.idempotency)."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return handle()
        request_hash = idempotency.fingerprint(request.method, request.path, request.data)
        try:
            claim = idempotency.claim(request.user.council, key, request_hash)
        except idempotency.IdempotencyKeyInvalid as error:
            raise invalid([{"header": "Idempotency-Key", "detail": str(error)}]) from None
        except idempotency.IdempotencyKeyReused as error:
            raise Problem("idempotency-key-reused", str(error), status_code=422) from None
        except idempotency.IdempotencyKeyInUse as error:
            raise Problem("idempotency-key-in-use", str(error), status_code=409) from None
        record = claim.record
        if claim.replay:
            return Response(
                record.response_body,
                status=record.response_status,
                headers={**record.response_headers, "Idempotent-Replayed": "true"},
            )
        try:
            try:
                response = handle()
            except Exception as error:  # answered as a problem, or a bug: the key is let go
                response = problem_response(error)
                if response is None:
                    raise
        except BaseException:
            idempotency.release(record)
            raise
        # Stored as the client will read it (dates as ISO strings, and so on).
        body = json.loads(JSONRenderer().render(response.data) or b"null")
        kept = {name: response[name] for name in ("Location",) if name in response}
        idempotency.complete(record, response.status_code, body, kept)
        return response


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
                OpenApiParameter(name, str, description="A filter added by another app.")
                for name in list_filters()
            ),
        ]


def _date_parameter(query, name: str) -> datetime.date | None:
    if name not in query:
        return None
    try:
        return datetime.date.fromisoformat(query[name])
    except ValueError:
        raise parameter_error(name, "Give an ISO 8601 date, e.g. 2026-11-02.") from None


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

    def get_queryset(self):
        applications = super().get_queryset()
        query = self.request.query_params
        if "reference" in query:
            applications = applications.filter(reference=query["reference"])
        if "status" in query:
            wanted = query["status"]
            if wanted not in ApplicationStatus.values:
                raise parameter_error(
                    "status", f"Use one of {', '.join(ApplicationStatus.values)}."
                )
            applications = applications.filter(status=wanted)
        if "type" in query:
            applications = applications.filter(application_type=query["type"])
        received_from = _date_parameter(query, "received_from")
        received_to = _date_parameter(query, "received_to")
        if received_from and received_to and received_from > received_to:
            raise parameter_error("received_to", "received_to is before received_from.")
        if received_from:
            applications = applications.filter(received_date__gte=received_from)
        if received_to:
            applications = applications.filter(received_date__lte=received_to)
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
                "received_to", datetime.date, description="Received on or before this date."
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


def _actor(request) -> Actor:
    """A council system acts under its key's name ("Southwark portal")."""
    return Actor(request.user.key.name)


def _submitted(
    view: CouncilSystemView, submission: ApplicationSubmission, *, source_format: str = "native"
) -> Response:
    try:
        result = submit_application(
            view.request.user.council,
            submission,
            source_format=source_format,
            actor=_actor(view.request),
        )
    except ReferenceConflict as conflict:
        raise Problem(
            "reference-conflict",
            str(conflict),
            status_code=status.HTTP_409_CONFLICT,
            differing_fields=conflict.differing_fields,
            existing=_application_url(conflict.existing),
        ) from None
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
        try:
            with transaction.atomic():
                application = update_application(
                    application,
                    valid_date=changes.valid_date,
                    extension_of_time_until=changes.extension_of_time_until,
                    withdrawn=bool(changes.withdrawn),
                    performance_agreement=changes.performance_agreement,
                    actor=_actor(request),
                )
                if changes.decision is not None and changes.decision_date is not None:
                    application = record_decision(
                        application,
                        outcome=changes.decision,
                        decision_date=changes.decision_date,
                        level=changes.decision_level or "delegated",
                        actor=_actor(request),
                    )
        except UpdateInvalid as error:
            raise invalid([{"pointer": pointer(error.field), "detail": str(error)}]) from None
        except UpdateRefused as error:
            raise Problem(
                "update-refused",
                str(error),
                status_code=status.HTTP_409_CONFLICT,
                errors=[{"pointer": pointer(error.field), "detail": str(error)}],
            ) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)


class DocumentListView(CouncilSystemView):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]
    throttle_classes = [CouncilKeyThrottle, DocumentUploadThrottle]
    pagination_class = None
    writes_to_an_object = True

    @extend_schema(
        summary="The application's documents, in upload order",
        operation_id="applications_documents_list",
        responses={200: DocumentSerializer(many=True), **openapi.problems(400)},
    )
    def get(self, request, pk):
        application = self.get_object()
        return Response(self.get_serializer(application.documents.all(), many=True).data)

    @extend_schema(
        summary="Attach a document (PDF, PNG, JPEG, TIFF, plain text or Markdown)",
        description=(
            "multipart/form-data with `file` and, optionally, `document_type` (an Open Digital "
            "Planning file type such as `locationPlan`; `other` when not given). The content "
            "type is read from the file itself, and a file named `.pdf` must be a PDF that "
            "opens. A document has at most 500 pages (DOCUMENT_MAX_PAGES), each page at most "
            "2 m² (twice A0) and a scan at most 60 million pixels a page; more is refused with "
            "422 (`too_many_pages`, `page_too_large`). Safe to retry: the same file again "
            "answers 200."
        ),
        request={"multipart/form-data": openapi.DOCUMENT_UPLOAD},
        parameters=[openapi.IDEMPOTENCY_KEY],
        examples=openapi.DOCUMENT_EXAMPLES,
        responses={
            201: DocumentSerializer,
            200: DocumentSerializer,
            **openapi.problems(400, 403, 409, 413, 415, 422),
        },
    )
    def post(self, request, pk):
        application = self.get_object()
        # Refuse an oversized body before reading it, not after spooling it to disk.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise _document_problem(
                DocumentTooLarge(
                    f"The request is {declared} bytes; the largest accepted document is "
                    f"{settings.DOCUMENT_MAX_BYTES} bytes."
                )
            )
        return self.idempotently(request, lambda: self._attach(application, request))

    def _attach(self, application, request) -> Response:
        unexpected = sorted(set(request.data) - {"file", "document_type"})
        if unexpected:
            raise invalid(
                [
                    {
                        "pointer": pointer(field),
                        "detail": "Unexpected field: send only file and document_type.",
                    }
                    for field in unexpected
                ]
            )
        if len(request.FILES.getlist("file")) > 1:
            # Django would keep the last of them silently.
            raise invalid([{"pointer": "/file", "detail": "Send one file in each request."}])
        upload = request.FILES.get("file")
        if upload is None:
            raise invalid(
                [
                    {
                        "pointer": "/file",
                        "detail": "Send the document as a multipart/form-data field named 'file'.",
                    }
                ]
            )
        try:
            added = add_document(
                application,
                upload,
                document_type=request.data.get("document_type") or "other",
                actor=_actor(request),
            )
        except DocumentRejected as rejected:
            raise _document_problem(rejected) from None
        return Response(
            self.get_serializer(added.document).data,
            status=status.HTTP_201_CREATED if added.created else status.HTTP_200_OK,
        )


def _document_problem(rejected: DocumentRejected) -> Problem:
    return Problem(
        "document-rejected",
        str(rejected),
        status_code=rejected.status_code,
        errors=[{"pointer": pointer(rejected.field), "detail": str(rejected)}],
        reason=rejected.reason,
    )
