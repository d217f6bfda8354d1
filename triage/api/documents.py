"""A document's extracted text for the council's system that sent it: each page as triage
read it (from the PDF's text layer, or by OCR), under the same key rules as the document
itself. Mounted beside planning's document paths by config/urls.py."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from planning.api import openapi
from planning.api.base import CouncilSystemView
from planning.models import TextStatus
from triage.models import DocumentPage


class PageTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentPage
        fields = ["number", "text", "ocr"]
        extra_kwargs = {
            "number": {"help_text": "The page, from 1."},
            "ocr": {"help_text": "True when the page had no text layer and was read by OCR."},
        }


class DocumentTextSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    text_status = serializers.ChoiceField(
        choices=TextStatus.choices,
        help_text="pending: not read yet (ask again later); failed: `reason` says why.",
    )
    reason = serializers.CharField(
        help_text="Why the text could not be read, or what was left unread (empty if nothing)."
    )
    pages = PageTextSerializer(many=True, help_text="Empty until the text is extracted.")


class DocumentTextView(CouncilSystemView):
    serializer_class = DocumentTextSerializer
    pagination_class = None

    @extend_schema(
        summary="A document's extracted text, page by page",
        description=(
            "What triage read from the document: each page's text and whether it was read by "
            "OCR. While the document waits to be read `text_status` is `pending` and `pages` "
            "is empty; a document that could not be read is `failed`, with the reason."
        ),
        responses={200: DocumentTextSerializer, **openapi.problems()},
    )
    def get(self, request, pk, document_id):
        application = self.get_object()
        document = application.documents.filter(pk=document_id).first()
        if document is None:
            raise Http404("No such document.")
        extracted = document.text_status == TextStatus.EXTRACTED
        pages = document.pages.order_by("number") if extracted else DocumentPage.objects.none()
        return Response(
            self.get_serializer(
                {
                    "document": document.pk,
                    "text_status": document.text_status,
                    "reason": document.text_status_reason,
                    "pages": pages,
                }
            ).data
        )
