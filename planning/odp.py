"""Reading an Open Digital Planning (ODP) application, the JSON that PlanX sends to
back-office systems, as one of our submissions.

ODP documents are large and the schema is someone else's, so unlike our own payloads
unknown keys are allowed: only the parts read here are checked, and strictly. The
constraints PlanX reports ("designations") are kept as claims, never as facts.
"""

import datetime
import zoneinfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planning.models import ODP_SOURCE_FORMAT
from planning.submission.payload import (
    APPLICATION_TYPE_PATTERN,
    PLANNING_SYSTEM_STARTED,
    ApplicationSubmission,
    SiteGeoJson,
)

SOURCE_FORMAT = ODP_SOURCE_FORMAT
LONDON = zoneinfo.ZoneInfo("Europe/London")


class _Odp(BaseModel):
    model_config = ConfigDict(extra="allow")


class OdpValue(_Odp):
    value: str = Field(min_length=1, max_length=100)


class OdpEntity(_Odp):
    name: str = Field("", max_length=300)


class OdpDesignation(_Odp):
    # Becomes a reported constraint's dataset: the same pattern.
    value: str = Field(min_length=1, max_length=100, pattern=r"^[a-zA-Z0-9.\-_]+$")
    intersects: bool
    entities: list[OdpEntity] = Field([], max_length=200)


class OdpPlanning(_Odp):
    designations: list[OdpDesignation] = Field([], max_length=200)


class OdpBoundary(_Odp):
    site: SiteGeoJson | None = None


class OdpAddress(_Odp):
    singleLine: str = Field("", max_length=500)  # ODP's own key
    title: str = Field("", max_length=500)
    uprn: str = Field("", pattern=r"^(\d{1,12})?$")  # our submission's UPRN rule


class OdpProperty(_Odp):
    address: OdpAddress
    boundary: OdpBoundary | None = None
    planning: OdpPlanning | None = None


class OdpArea(_Odp):
    squareMetres: float | None = Field(None, ge=0, le=10_000_000)  # ODP's own key


class OdpUnits(_Odp):
    total: int | None = Field(None, ge=0, le=100_000)
    # Either a list of unit groups, or {"proposed": [...], "rebuilt": [...], ...} of them.
    residential: list | dict | None = None


class OdpNewDwellings(_Odp):
    newBuild: dict | None = None  # ODP's own key, {"count": 10}


class OdpWorks(_Odp):
    area: OdpArea | None = None


class OdpProjectType(_Odp):
    value: str = Field(min_length=1, max_length=100)


class OdpProposal(_Odp):
    # Some application types (advertisement consent, hedgerow removal) carry no description.
    description: str | None = Field(None, max_length=20_000)
    reason: str | None = Field(None, max_length=2_000)
    advertisementDetails: dict[str, int] | None = None  # ODP's own key
    boundary: OdpBoundary | None = None
    # The released schema gives {"value", "description"} pairs, the prototype plain strings.
    projectType: list[OdpProjectType | str] = Field([], max_length=50)  # ODP's own key
    units: OdpUnits | None = None
    newDwellings: OdpNewDwellings | None = None  # ODP's own key
    extend: OdpWorks | None = None
    new: OdpWorks | None = None

    def summary(self, application_type: str) -> str:
        """The applicant's description, or, for the types that have none, what they did say."""
        if self.description and self.description.strip():
            return self.description
        if self.reason and self.reason.strip():
            return f"Reason given: {self.reason.strip()}"
        if self.advertisementDetails:
            counts = ", ".join(f"{kind} {n}" for kind, n in self.advertisementDetails.items())
            return f"Advertisements: {counts}"
        return f"No description given ({application_type})."

    def project_types(self) -> list[str]:
        return [kind if isinstance(kind, str) else kind.value for kind in self.projectType]

    def dwellings(self) -> int | None:
        """Proposed dwellings: the total when given, else the sum of what is listed."""
        if self.units is not None and self.units.total is not None:
            return self.units.total
        if self.newDwellings is not None and self.newDwellings.newBuild:
            count = self.newDwellings.newBuild.get("count")
            if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                return count
        residential = self.units.residential if self.units is not None else None
        if isinstance(residential, dict):
            # Units to be built or rebuilt; "existing" and "removed" ones are not proposed.
            groups = [*residential.get("proposed", []), *residential.get("rebuilt", [])]
        else:
            groups = residential or []
        counts = [
            group.get("identicalUnits", 1)
            for group in groups
            if isinstance(group, dict) and isinstance(group.get("identicalUnits", 1), int)
        ]
        return sum(counts) if counts else None

    def new_floorspace_m2(self) -> float | None:
        """New floorspace: an extension's area plus a new building's, when either is given."""
        areas = [
            works.area.squareMetres
            for works in (self.extend, self.new)
            if works is not None and works.area is not None and works.area.squareMetres is not None
        ]
        return float(sum(areas)) if areas else None


class OdpTypeValue(_Odp):
    # The type becomes our application type, so it takes that pattern here too.
    value: str = Field(min_length=1, max_length=100, pattern=APPLICATION_TYPE_PATTERN)


class OdpApplicationType(_Odp):
    type: OdpTypeValue | None = None


class OdpData(_Odp):
    application: OdpApplicationType
    property: OdpProperty
    proposal: OdpProposal


class OdpMetadata(_Odp):
    # PlanX's own id for the submission: unique, and the same on a resend.
    id: str = Field(min_length=1, max_length=100)
    submittedAt: datetime.datetime  # ODP's own key

    @field_validator("submittedAt", mode="before")
    @classmethod
    def _iso_in_any_case(cls, value):
        # Real examples carry "2023-10-02t00:00:00z"; ISO 8601 allows the lower case.
        if not isinstance(value, str):
            raise ValueError("Give submittedAt as an ISO 8601 date and time.")
        try:
            submitted = datetime.datetime.fromisoformat(value.upper())
        except ValueError:
            raise ValueError("Give submittedAt as an ISO 8601 date and time.") from None
        # Before the planning system existed it is a typo; it would also overflow time zones.
        if submitted.date() < PLANNING_SYSTEM_STARTED:
            raise ValueError(f"submittedAt is before {PLANNING_SYSTEM_STARTED:%d %B %Y}.")
        if submitted.tzinfo is not None:
            try:
                # The received date is the day in England; near year 9999 there is none.
                submitted.astimezone(LONDON)
            except OverflowError:
                raise ValueError("submittedAt is too far in the future.") from None
        return submitted


class OdpApplication(_Odp):
    """The parts of an ODP `application` document this service reads.

    Both shapes are read: the released schema keeps the type at `data.application.type`,
    the newer "prototype" schema as a plain string at the top, `applicationType`.
    """

    # The type is required in one of its two places: the published schema says so, as the
    # validator below does.
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "anyOf": [
                {"required": ["applicationType"]},
                {
                    "required": ["data"],
                    "properties": {
                        "data": {
                            "required": ["application"],
                            "properties": {
                                "application": {
                                    "required": ["type"],
                                    "properties": {"type": {"type": "object"}},
                                }
                            },
                        }
                    },
                },
            ]
        },
    )

    applicationType: str | None = Field(  # ODP's own key
        None, min_length=1, max_length=100, pattern=APPLICATION_TYPE_PATTERN
    )
    data: OdpData
    metadata: OdpMetadata

    @model_validator(mode="after")
    def _typed(self) -> "OdpApplication":
        if self.application_type is None:
            raise ValueError("Give the type: data.application.type.value or applicationType.")
        return self

    @property
    def application_type(self) -> str | None:
        if self.applicationType:
            return self.applicationType
        typed = self.data.application.type
        return typed.value if typed else None

    def as_submission(self) -> ApplicationSubmission:
        """Our submission, checked as strictly as a native one (the site above all).

        Raises pydantic.ValidationError naming our fields ("site", "received_date");
        `odp_pointer` says where each is in the ODP document.
        """
        return ApplicationSubmission.model_validate(self.submission_fields())

    def submission_fields(self) -> dict:
        data = self.data
        boundary = data.proposal.boundary or data.property.boundary
        designations = data.property.planning.designations if data.property.planning else []
        submitted = self.metadata.submittedAt
        if submitted.tzinfo is not None:
            submitted = submitted.astimezone(LONDON)
        return {
            "reference": self.metadata.id,
            "application_type": self.application_type,
            "description": data.proposal.summary(self.application_type or ""),
            "address": data.property.address.singleLine or data.property.address.title,
            "uprn": data.property.address.uprn,
            "site": boundary.site.model_dump(exclude_none=True)
            if boundary and boundary.site
            else None,
            "received_date": submitted.date(),
            "proposed_dwellings": data.proposal.dwellings(),
            "floorspace_m2": data.proposal.new_floorspace_m2(),
            "project_types": data.proposal.project_types(),
            # Plain data, checked by as_submission as ReportedConstraint: building the model
            # here would raise outside that check, and a bad dataset name would be a 500.
            "reported_constraints": [
                {
                    "dataset": designation.value,
                    "intersects": designation.intersects,
                    "names": [entity.name for entity in designation.entities if entity.name],
                }
                for designation in designations
                if designation.intersects
            ],
        }


def odp_pointer(odp: OdpApplication, submission_pointer: str) -> str:
    """Where a field of our submission came from in the ODP document, as a JSON Pointer."""
    field, _, rest = submission_pointer.lstrip("/").partition("/")
    where = {
        "reference": "/metadata/id",
        "application_type": "/applicationType"
        if odp.applicationType
        else "/data/application/type/value",
        "description": "/data/proposal/description",
        "address": "/data/property/address/singleLine",
        "uprn": "/data/property/address/uprn",
        "site": "/data/proposal/boundary/site"
        if odp.data.proposal.boundary
        else "/data/property/boundary/site",
        "received_date": "/metadata/submittedAt",
        "proposed_dwellings": "/data/proposal/units/total",
        "floorspace_m2": "/data/proposal/extend/area/squareMetres",
        "project_types": "/data/proposal/projectType",
        "reported_constraints": "/data/property/planning/designations",
    }.get(field)
    if where is None:
        return submission_pointer
    # Positions inside the site are the same in both documents; list indexes elsewhere are not.
    return f"{where}/{rest}" if rest and field == "site" else where
