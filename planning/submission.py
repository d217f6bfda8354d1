"""The verbs of submission: a council's system hands us an application, then its documents.

Both are safe to retry. A council's system that timed out and sends the same thing again
gets the record it already made, not a duplicate; one that sends something different under
a reference we already hold is told so rather than silently overwriting an officer's work.
"""

import datetime
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import Annotated, Any, Literal

import filetype
from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from planning.access import applications_visible_to_council
from planning.geometry import BRITISH_NATIONAL_GRID, WGS84, transformed
from planning.models import Council, Document, PlanningApplication, document_upload_to
from planning.signals import application_submitted, document_added

logger = logging.getLogger(__name__)

# Longitude and latitude that cover Great Britain with a margin. A site outside is almost
# always a mistake (most often latitude and longitude swapped), never a real English site.
GB_LONGITUDE = (-9.0, 2.5)
GB_LATITUDE = (49.0, 61.5)

# The Town and Country Planning Act 1947 came into force: no application is older.
PLANNING_SYSTEM_STARTED = datetime.date(1948, 7, 1)

# What text extraction can read: PDFs, and scans as images (for OCR).
ACCEPTED_DOCUMENT_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")

# Open Digital Planning file types ("locationPlan", "sitePlan.proposed", "heritageStatement").
DOCUMENT_TYPE_PATTERN = r"^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$"
# Open Digital Planning application types ("pp.full.householder", "ldc.proposed").
APPLICATION_TYPE_PATTERN = r"^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*$"
# Printable text on one line: a reference is shown, searched and quoted in letters.
REFERENCE_PATTERN = r"^[^\x00-\x1f\x7f]+$"

Position = Annotated[list[float], Field(min_length=2, max_length=3)]
Ring = Annotated[list[Position], Field(min_length=4, max_length=100_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GeoJsonPolygon(_Strict):
    type: Literal["Polygon"]
    coordinates: Annotated[list[Ring], Field(min_length=1, max_length=1_000)]
    bbox: list[float] | None = None


class GeoJsonMultiPolygon(_Strict):
    type: Literal["MultiPolygon"]
    coordinates: Annotated[
        list[Annotated[list[Ring], Field(min_length=1, max_length=1_000)]],
        Field(min_length=1, max_length=1_000),
    ]
    bbox: list[float] | None = None


class GeoJsonFeature(BaseModel):
    # Features come from mapping tools with properties of their own; only the geometry counts.
    model_config = ConfigDict(extra="allow")

    type: Literal["Feature"]
    geometry: GeoJsonPolygon | GeoJsonMultiPolygon


SiteGeoJson = Annotated[
    GeoJsonPolygon | GeoJsonMultiPolygon | GeoJsonFeature, Field(discriminator="type")
]


class ReportedConstraint(_Strict):
    """What the submitter's system says about one constraint layer: a claim we keep, not a fact."""

    dataset: str = Field(min_length=1, max_length=100, pattern=r"^[a-zA-Z0-9.\-_]+$")
    intersects: bool = True
    names: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=200)] = []


class ApplicationSubmission(_Strict):
    """A planning application as a council's system sends it. The site is GeoJSON in WGS84."""

    reference: str = Field(min_length=1, max_length=100, pattern=REFERENCE_PATTERN)
    application_type: str = Field(max_length=100, pattern=APPLICATION_TYPE_PATTERN)
    description: str = Field(min_length=1, max_length=20_000)
    address: str = Field("", max_length=500)
    uprn: str = Field("", pattern=r"^(\d{1,12})?$")
    site: SiteGeoJson | None = None
    received_date: datetime.date
    proposed_dwellings: int | None = Field(None, ge=0, le=100_000)
    floorspace_m2: float | None = Field(None, ge=0, le=10_000_000)
    eia_required: bool = False
    reported_constraints: Annotated[list[ReportedConstraint], Field(max_length=200)] = []

    _site_geometry: MultiPolygon | None = PrivateAttr(default=None)

    @field_validator("received_date")
    @classmethod
    def _a_real_date(cls, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise ValueError("The received date cannot be in the future.")
        if value < PLANNING_SYSTEM_STARTED:
            raise ValueError(f"The received date is before {PLANNING_SYSTEM_STARTED:%d %B %Y}.")
        return value

    @model_validator(mode="after")
    def _site_in_british_national_grid(self) -> "ApplicationSubmission":
        if self.site is not None:
            try:
                self._site_geometry = site_from_geojson(self.site)
            except ValueError as error:
                # Raised here, not in a field validator, so the converted geometry is kept;
                # the error still names the field.
                raise ValidationError.from_exception_data(
                    type(self).__name__,
                    [
                        InitErrorDetails(
                            type=PydanticCustomError("site", "{reason}", {"reason": str(error)}),
                            loc=("site",),
                            input=self.site.model_dump(),
                        )
                    ],
                ) from None
        return self

    @property
    def site_geometry(self) -> MultiPolygon | None:
        """The site in British National Grid, checked to be a valid polygon in Great Britain."""
        return self._site_geometry

    def record_fields(self) -> dict[str, Any]:
        """The PlanningApplication fields this submission sets."""
        site = self.site_geometry
        return {
            "reference": self.reference,
            "application_type": self.application_type,
            "description": self.description,
            "address": self.address,
            "uprn": self.uprn,
            "site": site,
            "site_area_m2": round(site.area, 2) if site is not None else None,
            "received_date": self.received_date,
            "proposed_dwellings": self.proposed_dwellings,
            "floorspace_m2": self.floorspace_m2,
            "eia_required": self.eia_required,
            "reported_constraints": [c.model_dump() for c in self.reported_constraints],
        }


def site_from_geojson(site: GeoJsonPolygon | GeoJsonMultiPolygon | GeoJsonFeature) -> MultiPolygon:
    """A WGS84 GeoJSON polygon as a valid MultiPolygon in British National Grid.

    Raises ValueError with a sentence a council's developer can act on.
    """
    geometry = site.geometry if isinstance(site, GeoJsonFeature) else site
    positions = [
        position
        for polygon in (
            [geometry.coordinates] if isinstance(geometry, GeoJsonPolygon) else geometry.coordinates
        )
        for ring in polygon
        for position in ring
    ]
    if not all(_in_great_britain(longitude, latitude) for longitude, latitude, *_ in positions):
        if all(_in_great_britain(latitude, longitude) for longitude, latitude, *_ in positions):
            raise ValueError(
                "The site looks like [latitude, longitude]: GeoJSON positions are "
                "[longitude, latitude] in WGS84."
            )
        raise ValueError(
            "The site is not in Great Britain: give GeoJSON in WGS84 (EPSG:4326), "
            "positions as [longitude, latitude]."
        )
    try:
        shape = GEOSGeometry(json.dumps(geometry.model_dump(exclude={"bbox"})), srid=WGS84)
    except (GEOSException, ValueError) as error:
        raise ValueError(f"The site is not readable GeoJSON: {error}") from None
    if not shape.valid:
        raise ValueError(f"The site boundary is not a valid polygon: {shape.valid_reason}.")
    shape = transformed(shape, BRITISH_NATIONAL_GRID)
    if shape.area <= 0:
        raise ValueError("The site boundary encloses no area.")
    return shape if isinstance(shape, MultiPolygon) else MultiPolygon(shape, srid=shape.srid)


def _in_great_britain(longitude: float, latitude: float) -> bool:
    return (
        GB_LONGITUDE[0] <= longitude <= GB_LONGITUDE[1]
        and GB_LATITUDE[0] <= latitude <= GB_LATITUDE[1]
    )


class ReferenceConflict(Exception):
    """The council already holds an application under this reference, with other contents."""

    def __init__(self, existing: PlanningApplication, differing_fields: list[str]):
        self.existing = existing
        self.differing_fields = differing_fields
        super().__init__(
            f"Application {existing.reference} already exists with different "
            f"{', '.join(differing_fields)}."
        )


@dataclass(frozen=True)
class Submitted:
    application: PlanningApplication
    created: bool  # False: a retry of something we already hold


def submit_application(
    council: Council, submission: ApplicationSubmission, *, source_format: str = "native"
) -> Submitted:
    """Record a council's application and tell listeners (triage) once it is committed.

    Idempotent per (council, reference): the same submission again returns the existing
    record and sends nothing; a different one raises ReferenceConflict.
    """
    fields = submission.record_fields()
    existing = _existing(council, submission.reference)
    if existing is not None:
        return _retry_of(existing, fields)
    try:
        with transaction.atomic():
            application = PlanningApplication.objects.create(
                council=council, source_format=source_format, **fields
            )
            _announce_on_commit(
                application_submitted, sender=PlanningApplication, application=application
            )
    except IntegrityError:
        # Two copies of one submission raced; the other one landed first.
        existing = _existing(council, submission.reference)
        if existing is None:
            raise
        return _retry_of(existing, fields)
    return Submitted(application, created=True)


def _existing(council: Council, reference: str) -> PlanningApplication | None:
    return applications_visible_to_council(council).filter(reference=reference).first()


def _retry_of(existing: PlanningApplication, fields: dict[str, Any]) -> Submitted:
    differing = [
        name
        for name, value in fields.items()
        if name != "site_area_m2" and not _same_value(getattr(existing, name), value)
    ]
    if differing:
        raise ReferenceConflict(existing, differing)
    return Submitted(existing, created=False)


def _same_value(held: Any, sent: Any) -> bool:
    if isinstance(held, GEOSGeometry) and isinstance(sent, GEOSGeometry):
        # Millimetres: the stored copy went through PostGIS and back.
        return held.equals_exact(sent, tolerance=0.001)
    return held == sent


def _announce_on_commit(signal: Signal, **kwargs: Any) -> None:
    """Send `signal` once the transaction commits, to every listener whatever the others do.

    The record is safe once committed: a listener failing (say, to reach the broker) is
    logged, never turned into an error that would make the submitter retry a saved record.
    """

    def announce() -> None:
        for receiver, outcome in signal.send_robust(**kwargs):
            if isinstance(outcome, Exception):
                logger.error(
                    "%s failed after commit: %r",
                    getattr(receiver, "__qualname__", receiver),
                    outcome,
                    exc_info=outcome,
                )

    transaction.on_commit(announce)


class DocumentRejected(Exception):
    """An upload we will not keep: the message says why, `reason` is a code for programs."""

    reason = "rejected"
    field = "file"


class DocumentTypeNameInvalid(DocumentRejected):
    reason = "document_type_invalid"
    field = "document_type"


class DocumentTooLarge(DocumentRejected):
    reason = "too_large"


class DocumentTypeNotAccepted(DocumentRejected):
    reason = "type_not_accepted"


class DocumentEmpty(DocumentRejected):
    reason = "empty"


@dataclass(frozen=True)
class Added:
    document: Document
    created: bool  # False: this file was already attached to the application


def add_document(
    application: PlanningApplication, upload: UploadedFile, *, document_type: str = "other"
) -> Added:
    """Attach an uploaded file to an application, stored once under its SHA-256.

    The content type is read from the file's first bytes, never taken from the request.
    The same file again returns the document already held and sends nothing.
    """
    if upload.size is None or upload.size == 0:
        raise DocumentEmpty("The file is empty.")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise DocumentTooLarge(
            f"The file is {upload.size} bytes; the largest accepted is "
            f"{settings.DOCUMENT_MAX_BYTES} bytes."
        )
    if not re.fullmatch(DOCUMENT_TYPE_PATTERN, document_type) or len(document_type) > 100:
        raise DocumentTypeNameInvalid(
            "document_type must be an Open Digital Planning file type such as "
            "'locationPlan' or 'sitePlan.proposed'."
        )
    upload.seek(0)
    content_type = _sniffed_content_type(upload.read(8192))
    if content_type not in ACCEPTED_DOCUMENT_TYPES:
        raise DocumentTypeNotAccepted(
            f"The file is {content_type or 'of an unknown type'}; accepted are "
            f"{', '.join(ACCEPTED_DOCUMENT_TYPES)}."
        )
    sha256 = _sha256(upload)
    held = application.documents.filter(sha256=sha256).first()
    if held is not None:
        return Added(held, created=False)

    document = Document(
        application=application,
        original_filename=_plain_filename(upload.name),
        content_type=content_type,
        document_type=document_type,
        sha256=sha256,
        size_bytes=upload.size,
    )
    written = _store(document, upload)
    try:
        with transaction.atomic():
            document.save()
            _announce_on_commit(document_added, sender=Document, document=document)
    except IntegrityError:
        if written:
            document.file.storage.delete(document.file.name)
        held = application.documents.filter(sha256=sha256).first()
        if held is None:
            raise
        return Added(held, created=False)
    return Added(document, created=True)


def _sniffed_content_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _plain_filename(name: str | None) -> str:
    # A browser or client may send a full path, with either separator; keep the last part.
    base = PureWindowsPath(name or "").name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return (base or "document")[:255]


def _store(document: Document, upload: UploadedFile) -> bool:
    """Write the file at its content address unless an intact copy is there already.

    Returns whether this call wrote a file (which it then owns, should the row not land).
    """
    storage = document.file.storage
    name = document_upload_to(document, upload.name or "")
    if storage.exists(name) and storage.size(name) == document.size_bytes:
        document.file.name = name
        return False
    upload.seek(0)
    # The storage picks another name if a concurrent upload took this one meanwhile.
    document.file.name = storage.save(name, upload)
    return True
