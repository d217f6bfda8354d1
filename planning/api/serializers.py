"""What the API returns. Incoming payloads are validated by the pydantic models in
planning.submission, so these serializers only ever write JSON out."""

import json

from rest_framework import serializers

from planning.api.extensions import detail_sections
from planning.geometry import WGS84, transformed
from planning.models import Document, PlanningApplication


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = [
            "id",
            "original_filename",
            "content_type",
            "document_type",
            "sha256",
            "size_bytes",
            "page_count",
            "text_status",
            "uploaded_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.code", read_only=True)
    site = serializers.SerializerMethodField(
        help_text="The site boundary as a GeoJSON MultiPolygon in WGS84 (EPSG:4326)."
    )
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = PlanningApplication
        fields = [
            "id",
            "council",
            "reference",
            "application_type",
            "description",
            "address",
            "uprn",
            "site",
            "site_area_m2",
            "received_date",
            "valid_date",
            "status",
            "proposed_dwellings",
            "floorspace_m2",
            "eia_required",
            "reported_constraints",
            "source_format",
            "documents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_site(self, application: PlanningApplication) -> dict | None:
        if application.site is None:
            return None
        return json.loads(transformed(application.site, WGS84).geojson)


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application, with what other apps add to it (the triage result, for one)."""

    def to_representation(self, application: PlanningApplication) -> dict:
        data = super().to_representation(application)
        for name, build in detail_sections().items():
            data[name] = build(application)
        return data
