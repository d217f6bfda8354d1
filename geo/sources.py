"""Who publishes constraint layers and how their field names map onto ours.

One `FieldMap` per (source, dataset). A field is either the source's column name or a
function of the row, for the few places where a column has to be tidied. A source with no
map for a dataset falls back to the national platform's own column names.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Row = Mapping[str, Any]
Field = str | Callable[[Row], Any] | None

OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class FieldMap:
    entity: Field = None
    name: Field = None
    reference: Field = None
    start_date: Field = None
    end_date: Field = None
    # Our attribute key -> source field, e.g. {"grade": "GRADE"}.
    attributes: Mapping[str, Field] = field(default_factory=dict)
    # strptime format for text dates that are not ISO 8601 (e.g. "%d/%m/%Y").
    date_format: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str
    licence: str
    attribution: str
    maps: Mapping[str, FieldMap] = field(default_factory=dict)

    def field_map(self, dataset: str) -> FieldMap:
        return self.maps.get(dataset, PLANNING_DATA_MAP)


# The national planning data platform's CSV and GeoJSON downloads.
PLANNING_DATA_MAP = FieldMap(
    entity="entity",
    name="name",
    reference="reference",
    start_date="start-date",
    end_date="end-date",
    attributes={"grade": "listed-building-grade", "flood_risk_level": "flood-risk-level"},
)


def _southwark_direction(row: Row) -> str:
    # The direction is named only by the layer it came from (the text column is wrong for
    # Class ZA in the source), e.g. "Article_4___Class_ZA___Demolition_of_commercial".
    layer = str(row.get("source_layer") or "")
    words = re.sub(r"_+", " ", layer).strip()
    words = re.sub(r"^Article 4\s*", "", words)
    return f"Article 4: {words}" if words else "Article 4 direction"


SOUTHWARK = Source(
    name="southwark",
    publisher="London Borough of Southwark",
    licence=OGL,
    attribution=(
        "Contains data supplied by London Borough of Southwark; "
        "© Crown copyright and database right"
    ),
    maps={
        "conservation-area": FieldMap(
            entity="Conservation_area_number",
            reference="Conservation_area_number",
            name="Conservation_area",
            attributes={"more_information": "More_information"},
        ),
        "listed-building": FieldMap(
            entity="ID",
            reference="ID",
            name="NAME",
            start_date="DATE_OF_LI",
            attributes={
                "grade": "GRADE",
                "street_number": "STREET_NUM",
                "street": "STREET",
                "listing_description": "LISTING_DE",
            },
        ),
        "article-4-direction-area": FieldMap(
            name=_southwark_direction,
            attributes={
                "area": "Name",
                "direction": "Article_4_Direction",
                "more_information": "More_information",
            },
        ),
        "tree-preservation-zone": FieldMap(
            reference="TPO_number",
            name="Location",
            start_date="Made_date",
            date_format="%d/%m/%Y",
            attributes={
                "tpo_type": "TPO_type",
                "species": "Species",
                "confirmed": "Confirmed_",
                "document": "TPO_docume",
            },
        ),
    },
)

_SITE_NAME = FieldMap(name="site_name", start_date="designation_date")

TRAFFORD = Source(
    name="trafford",
    publisher="Trafford Council (Trafford Data Lab)",
    licence=OGL,
    attribution=(
        "© Historic England / Natural England. "
        "Contains Ordnance Survey data © Crown copyright and database right"
    ),
    maps={
        "conservation-area": _SITE_NAME,
        "listed-building": FieldMap(
            entity="ListEntry",
            reference="ListEntry",
            name="Name",
            start_date="ListDate",
            attributes={"grade": "Grade", "hyperlink": "hyperlink"},
        ),
        "scheduled-monument": FieldMap(
            entity="list_entry_number",
            reference="list_entry_number",
            name="site_name",
            attributes={"hyperlink": "list_entry_url"},
        ),
        "site-of-special-scientific-interest": FieldMap(
            entity="natural_england_site_id", reference="natural_england_site_id", name="site_name"
        ),
        "local-nature-reserve": FieldMap(
            entity="natural_england_gid", reference="natural_england_gid", name="site_name"
        ),
        "greenspace": FieldMap(name="site_name", attributes={"type": "site_type"}),
        "woodland": FieldMap(entity="ID", reference="ID", attributes={"featcode": "FEATCODE"}),
    },
)

PLANNING_DATA = Source(
    name="planning-data",
    publisher="Ministry of Housing, Communities and Local Government (planning.data.gov.uk)",
    licence=OGL,
    attribution="Contains data from planning.data.gov.uk; © Crown copyright and database right",
)

SOURCES: dict[str, Source] = {s.name: s for s in (SOUTHWARK, TRAFFORD, PLANNING_DATA)}


def source_named(name: str) -> Source:
    """A known source, or an anonymous one that reads the national platform's field names."""
    return SOURCES.get(name) or Source(name=name, publisher="", licence="", attribution="")
