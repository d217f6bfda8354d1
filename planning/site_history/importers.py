"""Reading a council's register of past applications from a file into the site history.

`HistoryImporter` owns what is the same for every format: reading CSV (WKT geometry, as the
national platform publishes), GeoJSON and the London Datahub's JSON records (one record, a
list, a search response, or a folder of record files), reprojecting to British National Grid,
repairing invalid outlines, checking each record, the progress bar, and replacing the source's
records in one transaction. What differs per format is only its field names
(planning.site_history.sources).

A record is loaded whole or skipped with its reason (no reference, no usable geometry, a date
that is not a date, a reference given twice); a file that cannot be read loads nothing.
"""

import csv
import datetime
import functools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
import shapely.geometry
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from planning.models import Council, PastApplication, PastDecision, PastKind
from planning.site_history.sources import (
    Field,
    HistoryFormat,
    Row,
    decision_from,
    words,
)

BNG_SRID = 27700
WGS84 = 4326
BATCH_SIZE = 2000
# Records from this service's own decisions (planning.site_history.ours): no import touches them.
THIS_SERVICE = "this-service"
# Great Britain's extent in British National Grid, with a margin: a record outside it has its
# coordinates in the wrong order or in a CRS other than the one assumed.
GB_EXTENT = (-10_000.0, -10_000.0, 710_000.0, 1_260_000.0)
# The Datahub's stand-in centroid for records without one (south-west of Land's End).
DATAHUB_PLACEHOLDER = (-7.55716, 49.766807)
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
# Characters PostgreSQL text cannot hold, and other controls registers let slip in.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# How many skipped records the summary names for each reason.
NAMED_SKIPS = 5


class HistoryImportError(Exception):
    """The file cannot be loaded as asked; the message says why, for an operator."""


@dataclass
class RawRecord:
    """One record as read: its number in the file (from 1), its fields, its geometry."""

    number: int
    row: Row
    geometry: Any  # a GeoJSON-like dict, WKT text, or None
    srid: int


@dataclass
class HistorySummary:
    council: str
    source: str
    file_name: str
    format: str
    read: int = 0
    loaded: int = 0
    replaced: int = 0
    repaired: int = 0
    # reason -> "record N (reference): detail" for each record skipped for it
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # the register's words for decisions we do not know, kept as "other"
    unknown_decisions: Counter = field(default_factory=Counter)
    by_decision: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def skipped_count(self) -> int:
        return sum(len(records) for records in self.skipped.values())

    def lines(self) -> list[str]:
        decisions = ", ".join(f"{n} {d}" for d, n in sorted(self.by_decision.items()))
        lines = [
            f"{self.council} {self.source} ({self.format}): {self.file_name}: read {self.read}, "
            f"loaded {self.loaded}, skipped {self.skipped_count}, repaired {self.repaired} "
            f"invalid outlines; replaced {self.replaced} earlier records in {self.seconds:.1f} s",
        ]
        if decisions:
            lines.append(f"  decisions: {decisions}")
        for reason, records in sorted(self.skipped.items()):
            named = "; ".join(records[:NAMED_SKIPS])
            more = f"; and {len(records) - NAMED_SKIPS} more" if len(records) > NAMED_SKIPS else ""
            lines.append(f"  skipped {len(records)}: {reason}: {named}{more}")
        if self.unknown_decisions:
            said = ", ".join(f"{text!r} x{n}" for text, n in self.unknown_decisions.most_common())
            lines.append(f"  kept as 'other' (decision words not known): {said}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


class HistoryImporter:
    def __init__(
        self,
        *,
        council: Council,
        history_format: HistoryFormat,
        path: Path,
        source: str | None = None,
        srid: int | None = None,
        progress: bool = False,
    ):
        self.council = council
        self.format = history_format
        self.path = Path(path)
        self.source = source or history_format.name
        if not _SOURCE_NAME.match(self.source):
            raise HistoryImportError(
                f"Source {self.source!r}: use lower-case letters, digits and hyphens."
            )
        if self.source == THIS_SERVICE:
            raise HistoryImportError(
                f"{THIS_SERVICE!r} is this service's own decisions: name the file's source."
            )
        self.srid = srid
        self.progress = progress

    # --- reading -------------------------------------------------------------------------

    def read(self) -> list[RawRecord]:
        if self.path.is_dir():
            if self.format.name != "london-datahub":
                raise HistoryImportError(
                    f"{self.path.name} is a folder: only the Datahub's record files come so."
                )
            records: list[RawRecord] = []
            for file in sorted(self.path.rglob("*.json")):
                records += self._datahub_records(_json(file), start=len(records))
            return records
        if not self.path.is_file():
            raise HistoryImportError(f"No such file: {self.path}")
        suffix = self.path.suffix.lower()
        if suffix not in self.format.suffixes:
            raise HistoryImportError(
                f"Cannot read {self.path.name} as {self.format.description}: expected "
                f"{' or '.join(self.format.suffixes)}."
            )
        if suffix == ".csv":
            return self._csv()
        data = _json(self.path)
        if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature"):
            return self._geojson(data)
        if self.format.name == "london-datahub":
            return self._datahub_records(data)
        raise HistoryImportError(f"{self.path.name} is not GeoJSON (no FeatureCollection).")

    def _csv(self) -> list[RawRecord]:
        try:
            with self.path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except (UnicodeDecodeError, csv.Error) as error:
            raise HistoryImportError(f"Cannot read {self.path.name} as CSV: {error}") from error
        if not rows:
            raise HistoryImportError(f"{self.path.name} has no records.")
        columns = set(rows[0])
        reference = self.format.fields.reference
        if isinstance(reference, str) and reference not in columns:
            raise HistoryImportError(f"{self.path.name} has no {reference!r} column.")
        if not columns & {"geometry", "point"}:
            raise HistoryImportError(
                f"{self.path.name} has no 'geometry' or 'point' column of WKT."
            )
        return [
            RawRecord(
                number,
                row,
                (row.get("geometry") or "").strip() or (row.get("point") or "").strip() or None,
                self.srid or WGS84,
            )
            for number, row in enumerate(rows, start=1)
        ]

    def _geojson(self, data: dict) -> list[RawRecord]:
        srid = _geojson_srid(data, self.path.name)
        if self.srid is not None and srid not in (self.srid, WGS84):
            raise HistoryImportError(
                f"{self.path.name} says its CRS is EPSG:{srid}, not EPSG:{self.srid}."
            )
        srid = self.srid or srid
        features = data.get("features") if data["type"] == "FeatureCollection" else [data]
        if not isinstance(features, list):
            raise HistoryImportError(f"{self.path.name}: 'features' is not a list.")
        records = []
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                records.append(RawRecord(number, {}, None, srid))
                continue
            properties = feature.get("properties")
            records.append(
                RawRecord(
                    number,
                    properties if isinstance(properties, dict) else {},
                    feature.get("geometry"),
                    srid,
                )
            )
        return records

    def _datahub_records(self, data: Any, start: int = 0) -> list[RawRecord]:
        if isinstance(data, dict) and isinstance(data.get("hits"), dict):
            data = [hit.get("_source", {}) for hit in data["hits"].get("hits", [])]
        elif isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise HistoryImportError(
                f"{self.path.name}: expected a Datahub record, a list of them or a search response."
            )
        return [
            RawRecord(start + number, *_datahub_geometry(row))
            for number, row in enumerate(data, start=1)
        ]

    # --- mapping -------------------------------------------------------------------------

    def records(self, raw: list[RawRecord], summary: HistorySummary) -> Iterator[PastApplication]:
        """Unsaved records, counting each skip (with its reason) into `summary`."""
        fields = self.format.fields
        seen: dict[str, int] = {}
        now = timezone.now()
        for record in tqdm(
            raw,
            desc=f"{self.council.code} {self.source}",
            unit="record",
            disable=not self.progress,
        ):
            summary.read += 1
            try:
                past = self._record(record, summary)
            except SkipRecord as skip:
                reference = _text(_value(record.row, fields.reference)) if record.row else ""
                where = f"record {record.number}" + (f" ({reference})" if reference else "")
                summary.skipped[skip.reason].append(
                    f"{where}: {skip.detail}" if skip.detail else where
                )
                continue
            first = seen.get(past.reference)
            if first is not None:
                summary.skipped["the reference appears more than once"].append(
                    f"record {record.number} ({past.reference}): first at record {first}"
                )
                continue
            seen[past.reference] = record.number
            past.loaded_at = now
            summary.by_decision[past.decision] += 1
            yield past

    def _record(self, record: RawRecord, summary: HistorySummary) -> PastApplication:
        fields, row = self.format.fields, record.row
        if not isinstance(row, dict) or not row:
            raise SkipRecord("not a record (no properties)")
        reference = _text(_value(row, fields.reference))
        if not reference:
            raise SkipRecord("no reference")
        if len(reference) > 100:
            raise SkipRecord("the reference is longer than 100 characters")
        geometry = self._geometry(record, summary)
        decision_text = _text(_value(row, fields.decision))
        decision = decision_from(decision_text, fields.decisions)
        if decision == PastDecision.OTHER:
            summary.unknown_decisions[decision_text] += 1
        kind = _text(_value(row, fields.kind)).lower()
        return PastApplication(
            council=self.council,
            reference=reference,
            address=_text(_value(row, fields.address))[:500],
            description=_text(_value(row, fields.description), lines=True),
            application_type=_text(_value(row, fields.application_type))[:200],
            kind=PastKind.ENFORCEMENT if kind == PastKind.ENFORCEMENT else PastKind.APPLICATION,
            decision=decision,
            decision_text=decision_text[:200],
            decision_date=_date(row, fields.decision_date, fields.date_format, "decision date"),
            received_date=_date(row, fields.received_date, fields.date_format, "received date"),
            appeal_decision=_text(_value(row, fields.appeal_decision))[:100],
            uprn=_text(_value(row, fields.uprn))[:12],
            geometry=geometry,
            area_m2=geometry.area if geometry.dims == 2 else 0.0,
            source=self.source,
            source_id=_text(_value(row, fields.source_id))[:100],
        )

    def _geometry(self, record: RawRecord, summary: HistorySummary) -> GEOSGeometry:
        raw = record.geometry
        if raw is None or raw == "" or raw == {}:
            raise SkipRecord("no site outline or point")
        try:
            if isinstance(raw, str):
                shape = shapely.from_wkt(raw)
            elif isinstance(raw, dict):
                shape = shapely.geometry.shape(raw)
            else:
                raise SkipRecord("the geometry is neither WKT nor GeoJSON")
        except (shapely.errors.GEOSException, ValueError, TypeError, KeyError, IndexError) as e:
            raise SkipRecord("the geometry cannot be read", str(e)[:120]) from None
        shape = _areas_or_point(shape, summary)
        try:
            geometry = GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=record.srid)
            if record.srid != BNG_SRID:
                geometry.transform(_to_bng(record.srid))
        except (GEOSException, ValueError) as error:
            raise SkipRecord("the geometry cannot be reprojected", str(error)[:120]) from None
        x0, y0, x1, y1 = geometry.extent
        if x0 < GB_EXTENT[0] or y0 < GB_EXTENT[1] or x1 > GB_EXTENT[2] or y1 > GB_EXTENT[3]:
            raise SkipRecord(
                "the geometry lies outside Great Britain",
                f"EPSG:{record.srid} assumed; coordinates swapped or in another CRS?",
            )
        return geometry

    # --- loading -------------------------------------------------------------------------

    def run(self, *, strict: bool = False) -> HistorySummary:
        """Replace the source's records for the council with the file's, in one transaction.
        With `strict`, a file with any record skipped loads nothing."""
        started = time.monotonic()
        summary = HistorySummary(self.council.code, self.source, self.path.name, self.format.name)
        raw = self.read()
        records = list(self.records(raw, summary))
        if strict and summary.skipped_count:
            raise HistoryImportError(
                "Nothing loaded: --strict, and records were skipped:\n"
                + "\n".join(summary.lines()[1:])
            )
        if not records:
            raise HistoryImportError(
                f"Nothing loaded: no record of {self.path.name} could be used.\n"
                + "\n".join(summary.lines()[1:])
            )
        summary.replaced, summary.loaded = replace_source(self.council, self.source, records)
        summary.seconds = time.monotonic() - started
        return summary


class SkipRecord(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def replace_source(
    council: Council, source: str, records: list[PastApplication]
) -> tuple[int, int]:
    """Make the council's records of `source` exactly `records`, in one transaction: readers
    see the old records until the commit and the new ones after it. Returns (removed, added)."""
    with transaction.atomic():
        # Two imports for one council take turns instead of interleaving.
        Council.objects.select_for_update().filter(pk=council.pk).first()
        removed, _ = PastApplication.objects.filter(
            council=council, source=source, application__isnull=True
        ).delete()
        added = 0
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            PastApplication.objects.bulk_create(batch)
            added += len(batch)
    with connection.cursor() as cursor:
        # Fresh statistics, so the planner keeps using the GiST index on the outlines.
        cursor.execute("ANALYZE planning_pastapplication")
    return removed, added


# --- helpers ---------------------------------------------------------------------------------


@functools.cache
def _to_bng(srid: int) -> CoordTransform:
    # Built once per CRS: making one per record costs more than the reprojection itself.
    return CoordTransform(SpatialReference(srid), SpatialReference(BNG_SRID))


def _json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HistoryImportError(f"Cannot read {path.name} as JSON: {error}") from error


def _geojson_srid(data: dict, name: str) -> int:
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    if not crs:
        return WGS84
    code = crs.rsplit(":", 1)[-1]
    if code == "CRS84":
        return WGS84
    if not code.isdigit():
        raise HistoryImportError(f"{name}: unrecognised GeoJSON crs {crs!r}.")
    return int(code)


def _datahub_geometry(row: Any) -> tuple[Row, Any, int]:
    """A Datahub record's geometry: its British National Grid outline, else its WGS84 one,
    else its centroid (unless it is the Datahub's placeholder)."""
    if not isinstance(row, dict):
        return {}, None, WGS84
    if isinstance(row.get("polygon"), dict) and row["polygon"].get("type"):
        return row, row["polygon"], BNG_SRID
    if isinstance(row.get("wgs84_polygon"), dict) and row["wgs84_polygon"].get("type"):
        return row, row["wgs84_polygon"], WGS84
    centroid = row.get("centroid")
    if isinstance(centroid, dict):
        try:
            lon, lat = float(centroid["lon"]), float(centroid["lat"])
        except (KeyError, TypeError, ValueError):
            return row, None, WGS84
        if (round(lon, 5), round(lat, 5)) != tuple(round(v, 5) for v in DATAHUB_PLACEHOLDER):
            return row, {"type": "Point", "coordinates": [lon, lat]}, WGS84
    return row, None, WGS84


def _areas_or_point(shape: Any, summary: HistorySummary) -> Any:
    """A (Multi)Polygon or a Point: a collection's polygons put together, a self-crossing
    outline repaired keeping its areas."""
    if shape is None or shape.is_empty:
        raise SkipRecord("no site outline or point")
    shape = shapely.force_2d(shape)
    if shape.geom_type in ("Point", "MultiPoint"):
        return shape.centroid if shape.geom_type == "MultiPoint" else shape
    polygons = [
        part for part in shapely.get_parts(shape) if part.geom_type in ("Polygon", "MultiPolygon")
    ]
    if not polygons:
        raise SkipRecord("the geometry has no area and is not a point", shape.geom_type)
    flat = [p for polygon in polygons for p in shapely.get_parts(polygon)]
    result = shapely.multipolygons(flat)
    if not result.is_valid:
        summary.repaired += 1
        repaired = shapely.make_valid(result)
        kept = [
            p for p in shapely.get_parts(repaired) if p.geom_type in ("Polygon", "MultiPolygon")
        ]
        flat = [q for p in kept for q in shapely.get_parts(p)]
        if not flat:
            raise SkipRecord("the outline has no area once repaired")
        result = shapely.multipolygons(flat)
    if result.area <= 0:
        raise SkipRecord("the outline has no area")
    return result


def _value(row: Row, source_field: Field) -> Any:
    if source_field is None:
        return None
    if callable(source_field):
        return source_field(row)
    return row.get(source_field)


def _text(value: Any, *, lines: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub(" ", str(value))
    if lines:
        # Registers separate lines with \r: keep them as lines, trim each.
        return "\n".join(line.strip() for line in re.split(r"\r\n|\r|\n", text)).strip()
    return words(text)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _date(row: Row, source_field: Field, date_format: str | None, label: str):
    text = _text(_value(row, source_field))
    if not text:
        return None
    try:
        if _ISO.match(text):
            return datetime.date.fromisoformat(text[:10])
        if date_format:
            return datetime.datetime.strptime(text, date_format).date()
    except ValueError:
        pass
    expected = (
        f"like {datetime.date(2021, 9, 14).strftime(date_format)}" if date_format else "ISO 8601"
    )
    raise SkipRecord(f"the {label} is not a date", f"{text!r}, expected {expected}")
