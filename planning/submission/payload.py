"""What a council's system may send as an application: the payload's fields and their rules,
and its site as GeoJSON in either coordinate system, turned into British National Grid."""

import datetime
from typing import Annotated, Any, Literal

from django.contrib.gis.geos import MultiPolygon
from django.utils import timezone
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

from planning.geometry import BRITISH_NATIONAL_GRID, WGS84, SiteInvalid, site_geometry

# The Town and Country Planning Act 1947 came into force: no application is older.
PLANNING_SYSTEM_STARTED = datetime.date(1948, 7, 1)
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
