"""What the API returns. Incoming payloads are validated by pydantic models (here and in
planning.submission.payload), so these serializers only ever write JSON out."""

import datetime
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from rest_framework import serializers

from planning.api.extensions import detail_sections
from planning.geometry import WGS84, transformed
from planning.models import Document, PlanningApplication
from planning.services import statutory_facts
from planning.statutory import MAJOR, MINOR, NOT_COUNTED, OTHER, PRIOR_APPROVAL

# Optional but never null: the published schema must not offer null, which is refused.
_DATE = WithJsonSchema({"type": "string", "format": "date"})


def _without_null_defaults(schema: dict) -> None:
    for field in schema.get("properties", {}).values():
        if field.get("default", ...) is None:
            del field["default"]


class ApplicationUpdate(BaseModel):
    """The only changes a council's system may make to an application it submitted.

    Every field is optional and none is nullable: a field left out is not changed, and
    `null` is refused rather than read as "no change" (the schema says the same).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_null_defaults)

    valid_date: Annotated[datetime.date | None, _DATE] = Field(
        None, description="The date the application was made valid: starts the statutory clock."
    )
    extension_of_time_until: Annotated[datetime.date | None, _DATE] = Field(
        None,
        description=(
            "An extension of time agreed in writing with the applicant; must end after the "
            "statutory deadline and be recorded before the decision."
        ),
    )
    performance_agreement: Annotated[bool | None, WithJsonSchema({"type": "boolean"})] = Field(
        None,
        description="With `extension_of_time_until`: true when the agreed date comes from a "
        "planning performance agreement rather than an extension of time.",
    )
    withdrawn: Annotated[Literal[True] | None, WithJsonSchema({"const": True})] = Field(
        None, description="true: the applicant withdrew the application (cannot be undone)."
    )
    decision: Annotated[
        Literal["granted", "refused"] | None,
        WithJsonSchema({"type": "string", "enum": ["granted", "refused"]}),
    ] = Field(
        None,
        description="The council's decision; needs `decision_date`. Final: nothing changes "
        "afterwards.",
    )
    decision_date: Annotated[datetime.date | None, _DATE] = Field(
        None,
        description="The date of the decision notice: on or after the valid date, not in the "
        "future.",
    )
    decision_level: Annotated[
        Literal["delegated", "committee"] | None,
        WithJsonSchema({"type": "string", "enum": ["delegated", "committee"]}),
    ] = Field(
        None,
        description="Who decided: officers under delegated powers (the default) or the "
        "planning committee.",
    )

    @model_validator(mode="after")
    def _no_nulls(self) -> "ApplicationUpdate":
        # An after-validator: a before-validator would see JSON dates as Python strings,
        # which strict mode refuses.
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "not_null",
                            "Leave out a field you do not change: null is not a value here.",
                        ),
                        loc=(name,),
                        input=None,
                    )
                    for name in nulls
                ],
            )
        return self

    @model_validator(mode="after")
    def _agreement_with_its_date(self) -> "ApplicationUpdate":
        if self.performance_agreement is not None and self.extension_of_time_until is None:
            raise PydanticCustomError(
                "agreement",
                "`performance_agreement` says where `extension_of_time_until` came from: "
                "send both.",
            )
        return self

    @model_validator(mode="after")
    def _a_whole_decision(self) -> "ApplicationUpdate":
        decided = {"decision", "decision_date", "decision_level"} & self.model_fields_set
        if decided and (self.decision is None or self.decision_date is None):
            raise PydanticCustomError(
                "decision",
                "A decision needs both `decision` (granted or refused) and `decision_date`.",
            )
        return self


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
    """An application with its PS1/PS2 category and statutory clock (planning.statutory)."""

    council = serializers.CharField(source="council.code", read_only=True)
    project_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    category = serializers.ChoiceField(
        choices=[MAJOR, MINOR, OTHER, PRIOR_APPROVAL, NOT_COUNTED],
        source="statutory.category",
        read_only=True,
    )
    scale = serializers.ChoiceField(
        choices=["largescale", "smallscale"],
        source="statutory.scale",
        read_only=True,
        allow_null=True,
        help_text="For major development: largescale or smallscale, as PS2 counts them.",
    )
    ps2_code = serializers.CharField(
        source="statutory.ps2_code",
        read_only=True,
        allow_null=True,
        help_text="PS2 development-type code (Q01-Q26; PA for prior approvals).",
    )
    category_reason = serializers.CharField(source="statutory.category_reason", read_only=True)
    period_weeks = serializers.IntegerField(
        source="statutory.period_weeks", read_only=True, allow_null=True
    )
    statutory_deadline = serializers.DateField(
        source="statutory.statutory_deadline", read_only=True, allow_null=True
    )
    determination_deadline = serializers.DateField(
        source="statutory.determination_deadline",
        read_only=True,
        allow_null=True,
        help_text="The statutory deadline, or the agreed extension of time when later.",
    )
    days_remaining = serializers.IntegerField(
        source="statutory.days_remaining",
        read_only=True,
        allow_null=True,
        help_text="Days to the determination deadline from today (Europe/London); negative "
        "when past; null before the valid date and once decided or withdrawn.",
    )
    extended = serializers.BooleanField(source="statutory.extended", read_only=True)
    decision = serializers.ChoiceField(
        choices=["granted", "refused"],
        allow_blank=True,
        read_only=True,
        help_text="The council's decision; empty until one is recorded.",
    )
    decision_level = serializers.ChoiceField(
        choices=["delegated", "committee"],
        allow_blank=True,
        read_only=True,
        help_text="Who decided: officers under delegated powers, or the planning committee.",
    )
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
            "project_types",
            "extension_of_time_until",
            "performance_agreement",
            "decision",
            "decision_date",
            "decision_level",
            "withdrawn_date",
            "category",
            "scale",
            "ps2_code",
            "category_reason",
            "period_weeks",
            "statutory_deadline",
            "determination_deadline",
            "days_remaining",
            "extended",
            "reported_constraints",
            "source_format",
            "documents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, application: PlanningApplication) -> dict:
        application.statutory = statutory_facts(application)
        return super().to_representation(application)

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
