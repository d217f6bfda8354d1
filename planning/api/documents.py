"""The council submission API's documents: a council's system uploads an application's
documents, one file per request, lists them, and downloads each file it sent."""

from django.conf import settings
from django.http import FileResponse, Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from planning.api import openapi
from planning.api.base import CouncilSystemView, council_actor
from planning.api.problems import (
    invalid,
    pointer,
)
from planning.api.serializers import (
    DocumentSerializer,
)
from planning.api.throttles import CouncilKeyThrottle, DocumentUploadThrottle
from planning.models import Document
from planning.stored_files import StoredFileMissing, open_document, representation_digest
from planning.submission.documents import (
    ACCEPTED_DOCUMENT_TYPES,
    DocumentTooLarge,
    add_document,
)

# Room for the multipart boundaries and the small fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


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
            raise DocumentTooLarge(
                f"The request is {declared} bytes; the largest accepted document is "
                f"{settings.DOCUMENT_MAX_BYTES} bytes."
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
        added = add_document(
            application,
            upload,
            document_type=request.data.get("document_type") or "other",
            actor=council_actor(request),
        )
        return Response(
            self.get_serializer(added.document).data,
            status=status.HTTP_201_CREATED if added.created else status.HTTP_200_OK,
        )


class AnyFileRenderer(BaseRenderer):
    """Lets a client that asks for the document's own type (`Accept: application/pdf`) be
    served. The file itself is streamed past the renderers; only a problem comes here."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class FileSchema(AutoSchema):
    def _get_format_parameters(self):
        # `Accept` chooses; DRF's `?format=` is refused as unknown, so it is not offered.
        return []


class DocumentFileView(CouncilSystemView):
    """The bytes of a document the council sent, exactly as they were uploaded."""

    renderer_classes = [JSONRenderer, AnyFileRenderer]
    schema = FileSchema()

    @extend_schema(
        summary="Download a document as it was uploaded",
        description=(
            "The file's bytes, with its content type, its name in `Content-Disposition`, and "
            "its SHA-256 as `ETag` and `Repr-Digest` (RFC 9530), so the copy can be checked. "
            "Read-only keys may download. 503 with `Retry-After` when the document storage "
            "does not answer."
        ),
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The document's bytes."
                )
                for content_type in ACCEPTED_DOCUMENT_TYPES
            },
            **openapi.problems(),
        },
    )
    def get(self, request, pk, document_id):
        document = self.get_document(document_id)
        try:
            handle = open_document(document)
        except StoredFileMissing:
            raise NotFound("The document's file is not in storage.") from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document.original_filename,
            content_type=document.content_type,
        )
        response["Content-Length"] = str(document.size_bytes)
        response["ETag"] = f'"{document.sha256}"'
        response["Repr-Digest"] = representation_digest(document)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    def get_document(self, document_id: int) -> Document:
        """One of the application's documents; the application found first, through the
        key's council (planning.access), so another council's is a 404 like a missing one."""
        application = self.get_object()
        document = application.documents.filter(pk=document_id).first()
        if document is None:
            raise Http404("No such document.")
        return document
