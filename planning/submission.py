"""The verbs of submission: a council's system hands us an application, then its documents.

Both are safe to retry. A council's system that timed out and sends the same thing again
gets the record it already made, not a duplicate; one that sends something different under
a reference we already hold is told so rather than silently overwriting an officer's work.
"""

import codecs
import datetime
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal

import filetype
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from pypdf import PdfReader

from planning.access import applications_visible_to_council
from planning.document_types import DOCUMENT_TYPES
from planning.errors import DomainError
from planning.geometry import BRITISH_NATIONAL_GRID, WGS84, SiteInvalid, site_geometry
from planning.models import Council, Document, PlanningApplication, document_upload_to
from planning.services import SYSTEM, Actor, record_event
from planning.signals import application_submitted, document_added

logger = logging.getLogger(__name__)

# The Town and Country Planning Act 1947 came into force: no application is older.
PLANNING_SYSTEM_STARTED = datetime.date(1948, 7, 1)

# What text extraction can read: PDFs, scans as images (for OCR), plain text and Markdown.
ACCEPTED_DOCUMENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "text/plain",
    "text/markdown",
)
# What a file's name says it is. A known extension must agree with the bytes.
EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}
TEXT_TYPES = ("text/plain", "text/markdown")
# Open Digital Planning application types ("pp.full.householder", "ldc.proposed").
APPLICATION_TYPE_PATTERN = r"^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*$"
# Open Digital Planning project types ("new.residential.dwelling", "extend.roof.dormer").
PROJECT_TYPE_PATTERN = r"^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$"
# Printable text on one line: a reference is shown, searched and quoted in letters.
REFERENCE_PATTERN = r"^[^\x00-\x1f\x7f]+$"

Position = Annotated[list[float], Field(min_length=2, max_length=3)]
Ring = Annotated[list[Position], Field(min_length=4, max_length=100_000)]

# Names a GeoJSON `crs` member (from the 2008 GeoJSON spec, still written by GIS tools) may
# give, and the `site_crs` values: WGS84 longitude/latitude, or British National Grid metres.
CRS_NAMES = {
    "EPSG:4326": WGS84,
    "urn:ogc:def:crs:EPSG::4326": WGS84,
    "urn:ogc:def:crs:OGC:1.3:CRS84": WGS84,
    "urn:ogc:def:crs:OGC::CRS84": WGS84,
    "EPSG:27700": BRITISH_NATIONAL_GRID,
    "urn:ogc:def:crs:EPSG::27700": BRITISH_NATIONAL_GRID,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NamedCrsProperties(_Strict):
    name: str = Field(max_length=100)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in CRS_NAMES:
            raise ValueError(
                "Name EPSG:4326 (WGS84, the default) or EPSG:27700 (British National Grid)."
            )
        return name


class NamedCrs(_Strict):
    """The legacy GeoJSON `crs` member: {"type": "name", "properties": {"name": "EPSG:27700"}}."""

    type: Literal["name"]
    properties: NamedCrsProperties

    @property
    def srid(self) -> int:
        return CRS_NAMES[self.properties.name]


class GeoJsonPolygon(_Strict):
    type: Literal["Polygon"]
    # Emptiness is told apart from other mistakes by site_geometry, in words; the schema says
    # it all the same (minItems), without pydantic's own message.
    coordinates: Annotated[list[Ring], Field(max_length=1_000, json_schema_extra={"minItems": 1})]
    bbox: list[float] | None = None
    crs: NamedCrs | None = None


class GeoJsonMultiPolygon(_Strict):
    type: Literal["MultiPolygon"]
    coordinates: Annotated[
        list[Annotated[list[Ring], Field(max_length=1_000, json_schema_extra={"minItems": 1})]],
        Field(max_length=1_000, json_schema_extra={"minItems": 1}),
    ]
    bbox: list[float] | None = None
    crs: NamedCrs | None = None


NOT_A_POLYGON = (
    "The site must be a GeoJSON Polygon or MultiPolygon, or a Feature holding one (found {found})."
)


def _a_polygon_type(*accepted: str):
    """Name the accepted types in words before pydantic's union reports a bare tag."""

    def check(value: Any) -> Any:
        if isinstance(value, dict) and value.get("type") not in accepted:
            found = value.get("type")
            raise ValueError(
                NOT_A_POLYGON.format(found=repr(found) if found is not None else "no type")
            )
        return value

    return BeforeValidator(check)


PolygonGeoJson = Annotated[
    GeoJsonPolygon | GeoJsonMultiPolygon,
    Field(discriminator="type"),
    _a_polygon_type("Polygon", "MultiPolygon"),
]


class GeoJsonFeature(BaseModel):
    # Features come from mapping tools with properties of their own; only the geometry counts.
    model_config = ConfigDict(extra="allow")

    type: Literal["Feature"]
    geometry: PolygonGeoJson
    crs: NamedCrs | None = None


SiteGeoJson = Annotated[
    GeoJsonPolygon | GeoJsonMultiPolygon | GeoJsonFeature,
    Field(discriminator="type"),
    _a_polygon_type("Polygon", "MultiPolygon", "Feature"),
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
    site_crs: Literal["EPSG:4326", "EPSG:27700"] | None = Field(
        None,
        description=(
            "The coordinate system of `site`: EPSG:4326 (WGS84 [longitude, latitude], the "
            "default, as RFC 7946 says) or EPSG:27700 (British National Grid [easting, "
            "northing] in metres). A legacy GeoJSON `crs` member naming either is read too."
        ),
    )
    received_date: datetime.date
    proposed_dwellings: int | None = Field(None, ge=0, le=100_000)
    floorspace_m2: float | None = Field(None, ge=0, le=10_000_000)
    eia_required: bool = False
    project_types: Annotated[
        list[Annotated[str, Field(max_length=100, pattern=PROJECT_TYPE_PATTERN)]],
        Field(max_length=50),
    ] = Field(
        [],
        description=(
            'Open Digital Planning project types, e.g. ["new.residential.dwelling"]: what the '
            "proposal does, which decides the PS2 development-type code."
        ),
    )
    reported_constraints: Annotated[list[ReportedConstraint], Field(max_length=200)] = []

    _site_geometry: MultiPolygon | None = PrivateAttr(default=None)

    @field_validator("proposed_dwellings", mode="before")
    @classmethod
    def _whole_number(cls, value):
        # JSON Schema calls 12.0 an integer, so the published schema lets it through: a whole
        # number written with a point is read as the number it is; 12.5 is still refused.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

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
                self._site_geometry = site_from_geojson(self.site, self.site_crs)
            except SiteInvalid as error:
                # Raised here, not in a field validator, so the converted geometry is kept;
                # the error still names the field, and the part of it that is wrong.
                raise ValidationError.from_exception_data(
                    type(self).__name__,
                    [
                        InitErrorDetails(
                            type=PydanticCustomError("site", "{reason}", {"reason": str(error)}),
                            loc=("site", *error.path),
                            input=None,
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
            "project_types": list(self.project_types),
            "reported_constraints": [c.model_dump() for c in self.reported_constraints],
        }


def site_from_geojson(
    site: GeoJsonPolygon | GeoJsonMultiPolygon | GeoJsonFeature, site_crs: str | None = None
) -> MultiPolygon:
    """The site as a valid MultiPolygon in British National Grid.

    Its coordinate system is `site_crs`, or a legacy `crs` member, or WGS84. Raises
    SiteInvalid, whose `path` starts from `site`.
    """
    feature = isinstance(site, GeoJsonFeature)
    geometry = site.geometry if feature else site
    lead: tuple[str, ...] = ("geometry",) if feature else ()
    stated = [
        (where, crs.srid)
        for where, crs in (((), getattr(site, "crs", None)), (lead, geometry.crs))
        if crs is not None
    ]
    if site_crs is not None:
        stated.append((None, CRS_NAMES[site_crs]))
    srids = {srid for _, srid in stated}
    if len(srids) > 1:
        where = next(path for path, _ in stated if path is not None)
        raise SiteInvalid(
            "The site's crs and site_crs name different coordinate systems.", (*where, "crs")
        )
    srid = srids.pop() if srids else WGS84
    try:
        return site_geometry(geometry.type, geometry.model_dump()["coordinates"], srid=srid)
    except SiteInvalid as error:
        raise SiteInvalid(str(error), (*lead, *error.path)) from None


class ReferenceConflict(DomainError):
    """The council already holds an application under this reference, with other contents."""

    problem = "reference-conflict"
    status_code = 409

    def __init__(self, existing: PlanningApplication, differing_fields: list[str]):
        self.existing = existing
        self.differing_fields = differing_fields
        super().__init__(
            f"Application {existing.reference} already exists with different "
            f"{', '.join(differing_fields)}."
        )

    def problem_extra(self) -> dict[str, Any]:
        existing = reverse("api:application-detail", kwargs={"pk": self.existing.pk})
        return {"differing_fields": self.differing_fields, "existing": existing}


@dataclass(frozen=True)
class Submitted:
    application: PlanningApplication
    created: bool  # False: a retry of something we already hold


def submit_application(
    council: Council,
    submission: ApplicationSubmission,
    *,
    source_format: str = "native",
    actor: Actor = SYSTEM,
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
            record_event(application, "submitted", f"Received from {actor.name}", actor=actor)
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


class DocumentRejected(DomainError):
    """An upload we will not keep: the message says why, `reason` is a code for programs,
    `field` the form field at fault and `status_code` the HTTP status that fits."""

    problem = "document-rejected"
    reason = "rejected"
    field = "file"
    status_code = 400

    def problem_extra(self) -> dict[str, Any]:
        return {"reason": self.reason}


class DocumentTypeNameInvalid(DocumentRejected):
    reason = "document_type_invalid"
    field = "document_type"


class DocumentTooLarge(DocumentRejected):
    reason = "too_large"
    status_code = 413


class DocumentTypeNotAccepted(DocumentRejected):
    reason = "type_not_accepted"
    status_code = 415


class DocumentExtensionMismatch(DocumentRejected):
    reason = "extension_mismatch"
    status_code = 415


class DocumentUnreadable(DocumentRejected):
    reason = "unreadable_pdf"
    status_code = 422


class DocumentUnreadableImage(DocumentRejected):
    reason = "unreadable_image"
    status_code = 422


class DocumentEmpty(DocumentRejected):
    reason = "empty"


class DocumentTooManyPages(DocumentRejected):
    reason = "too_many_pages"
    status_code = 422


class DocumentPageTooLarge(DocumentRejected):
    reason = "page_too_large"
    status_code = 422


@dataclass(frozen=True)
class Added:
    document: Document
    created: bool  # False: this file was already attached to the application


def add_document(
    application: PlanningApplication,
    upload: UploadedFile,
    *,
    document_type: str = "other",
    actor: Actor = SYSTEM,
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
    if document_type not in DOCUMENT_TYPES:
        raise DocumentTypeNameInvalid(
            "document_type must be an Open Digital Planning file type such as "
            "'locationPlan', 'sitePlan.proposed', 'heritageStatement' or 'other'."
        )
    content_type = _content_type(upload)
    if content_type == "application/pdf":
        page_count: int | None = _pdf_page_count(upload)
    elif content_type.startswith("image/"):
        page_count = _image_frame_count(upload)
    else:
        page_count = None
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
        page_count=page_count,
    )
    with transaction.atomic():
        # Everyone who writes, reuses or removes this content address holds this lock until
        # their row is committed, so a file is never removed while a row uses it.
        _lock_content_address(application.council.code, sha256)
        held = application.documents.filter(sha256=sha256).first()
        if held is not None:  # a concurrent upload of the same file landed first
            return Added(held, created=False)
        written = _store(document, upload)
        try:
            with transaction.atomic():
                document.save()
                record_event(
                    application,
                    "document_added",
                    f"Document added: {document.original_filename}",
                    actor=actor,
                    detail={"document": document.pk},
                )
        except BaseException:
            if written and not Document.objects.filter(file=document.file.name).exists():
                document.file.storage.delete(document.file.name)
            raise
        _announce_on_commit(document_added, sender=Document, document=document)
    return Added(document, created=True)


def _lock_content_address(council_code: str, sha256: str) -> None:
    """A PostgreSQL advisory lock on one stored file, held until the transaction ends."""
    digest = hashlib.sha256(f"document:{council_code}:{sha256}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def _content_type(upload: UploadedFile) -> str:
    """What the file is, from its bytes; its name, when it says, must agree."""
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    suffix = PurePosixPath(_plain_filename(upload.name)).suffix.lower()
    named = EXTENSION_TYPES.get(suffix)
    if kind is not None:
        sniffed = kind.mime
    elif _is_text(upload):
        # Bytes alone cannot tell Markdown from plain text: the name decides between them.
        sniffed = named if named in TEXT_TYPES else "text/plain"
    else:
        sniffed = None
    if named is not None and sniffed != named:
        raise DocumentExtensionMismatch(
            f"The file is named {suffix} but its contents are "
            f"{sniffed or 'not ' + _type_words(named)}: send the file itself, or give it the "
            "right name."
        )
    if sniffed not in ACCEPTED_DOCUMENT_TYPES:
        raise DocumentTypeNotAccepted(
            f"The file is {sniffed or 'of an unknown type'}; accepted are "
            f"{', '.join(ACCEPTED_DOCUMENT_TYPES)}."
        )
    return sniffed


def _type_words(content_type: str) -> str:
    return "UTF-8 text" if content_type in TEXT_TYPES else content_type


def _is_text(upload: UploadedFile) -> bool:
    """UTF-8 throughout with no NUL byte: text, not binary calling itself text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _pdf_page_count(upload: UploadedFile) -> int:
    """Open the PDF as text extraction will, so a broken one is refused now, not later."""
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentUnreadable("The PDF is protected by a password: send it without one.")
        pages = len(reader.pages)
    except DocumentUnreadable:
        raise
    except Exception as error:  # pypdf raises many kinds for a damaged file
        raise DocumentUnreadable(
            f"The PDF cannot be opened ({type(error).__name__}: {str(error)[:200]}); "
            "it may be damaged or cut short. Send the file again."
        ) from None
    if pages == 0:
        raise DocumentUnreadable("The PDF has no pages.")
    _check_page_count(pages)
    for number, page in enumerate(reader.pages, start=1):
        try:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
        except Exception:  # a broken box: text extraction copes or reports it
            continue
        area_m2 = abs(width * height) * POINT_M**2
        if area_m2 > settings.DOCUMENT_MAX_PAGE_AREA_M2:
            raise DocumentPageTooLarge(
                f"Page {number} is {abs(width) * POINT_M:.2f} m by {abs(height) * POINT_M:.2f} m "
                f"({area_m2:.1f} m²); pages of at most {settings.DOCUMENT_MAX_PAGE_AREA_M2:g} m² "
                "are accepted (A0 is 1 m²)."
            )
    return pages


# A PDF point is 1/72 inch.
POINT_M = 0.0254 / 72


def _check_page_count(pages: int) -> None:
    if pages > settings.DOCUMENT_MAX_PAGES:
        raise DocumentTooManyPages(
            f"The document has {pages} pages; at most {settings.DOCUMENT_MAX_PAGES} are "
            "accepted. Send it in parts."
        )


def _image_frame_count(upload: UploadedFile) -> int:
    """A scan's pages (TIFFs hold several), each checked to be a size OCR can read in time."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            frames = getattr(image, "n_frames", 1)
            _check_page_count(frames)
            for number in range(frames):
                image.seek(number)
                width, height = image.size
                if width * height > settings.DOCUMENT_MAX_IMAGE_PIXELS:
                    raise DocumentPageTooLarge(
                        f"Page {number + 1} of the image is {width} by {height} pixels; at most "
                        f"{settings.DOCUMENT_MAX_IMAGE_PIXELS:,} pixels a page are accepted. "
                        "Scan at 300 dpi or less."
                    )
    except DocumentRejected:
        raise
    except Image.DecompressionBombError:
        raise DocumentPageTooLarge(
            f"The image is larger than the {settings.DOCUMENT_MAX_IMAGE_PIXELS:,} pixels a page "
            "that are accepted. Scan at 300 dpi or less."
        ) from None
    except Exception:  # Pillow raises many kinds for a damaged file
        raise DocumentUnreadableImage(
            "The image cannot be opened; it may be damaged or cut short. Send the file again."
        ) from None
    return frames


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
    Call it holding `_lock_content_address`: the check and the write are not atomic.
    """
    storage = document.file.storage
    name = document_upload_to(document, upload.name or "")
    if storage.exists(name) and storage.size(name) == document.size_bytes:
        document.file.name = name
        return False
    upload.seek(0)
    # The storage picks another name if a broken copy (a write cut short) holds this one.
    document.file.name = storage.save(name, upload)
    return True
