"""Reading constraint layers from files into PostGIS.

`LayerImporter` owns everything that is the same for every source: reading GeoJSON,
GeoPackage, shapefiles and the national platform's CSV (WKT in a `geometry` column),
reprojecting to British National Grid, repairing invalid geometries, skipping empty ones,
the progress bar, and replacing the layer in one transaction. What differs per source is
only its field names, declared in geo.sources.
"""

import datetime
import hashlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from geo.datasets import KNOWN_DATASETS
from geo.models import BNG_SRID, ConstraintFeature, ConstraintLayer
from geo.sources import Field, FieldMap, Source

# ST_Subdivide's limit: small enough that an intersection with one piece is cheap, large
# enough that a typical building or conservation area stays whole.
SUBDIVIDE_VERTICES = 256
BATCH_SIZE = 1000
OGR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb"}


class LayerImportError(Exception):
    """The file cannot be loaded as asked; the message says why, for an operator."""


@dataclass
class ImportSummary:
    dataset: str
    source: str
    file_name: str
    read: int = 0
    loaded: int = 0
    repaired: int = 0
    skipped_empty: int = 0
    parts: int = 0
    seconds: float = 0.0
    unchanged: bool = False

    def __str__(self) -> str:
        if self.unchanged:
            return f"{self.dataset} ({self.source}): {self.file_name} unchanged, skipped"
        return (
            f"{self.dataset} ({self.source}): read {self.read}, loaded {self.loaded}, "
            f"repaired {self.repaired} invalid, skipped {self.skipped_empty} empty; "
            f"{self.parts} indexed parts in {self.seconds:.1f} s"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class LayerImporter:
    def __init__(
        self,
        *,
        dataset: str,
        source: Source,
        path: Path,
        srid: int | None = None,
        progress: bool = False,
    ):
        if dataset not in KNOWN_DATASETS:
            raise LayerImportError(
                f"Unknown dataset {dataset!r}. Use a national slug, e.g. "
                f"conservation-area, listed-building ({', '.join(sorted(KNOWN_DATASETS))})."
            )
        self.dataset = dataset
        self.source = source
        self.field_map: FieldMap = source.field_map(dataset)
        self.path = Path(path)
        self.srid = srid
        self.progress = progress

    # --- reading -------------------------------------------------------------------------

    def read(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The attribute table and an array of shapely geometries in EPSG:27700."""
        if not self.path.is_file():
            raise LayerImportError(f"No such file: {self.path}")
        suffix = self.path.suffix.lower()
        if suffix == ".csv":
            return self._read_csv()
        if suffix in OGR_SUFFIXES:
            return self._read_ogr()
        raise LayerImportError(
            f"Cannot read {self.path.name}: expected GeoJSON, GeoPackage, a shapefile or the "
            "national platform's CSV."
        )

    def _read_ogr(self) -> tuple[pd.DataFrame, np.ndarray]:
        import geopandas
        import pyogrio.errors

        try:
            frame = geopandas.read_file(self.path, engine="pyogrio")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as e:
            raise LayerImportError(f"Cannot read {self.path.name}: {e}") from e
        if not isinstance(frame, geopandas.GeoDataFrame) or frame.geometry is None:
            raise LayerImportError(f"{self.path.name} has no geometry column.")
        if frame.crs is None:
            if self.srid is None:
                raise LayerImportError(f"{self.path.name} does not say its CRS: pass --srid.")
            frame = frame.set_crs(epsg=self.srid)
        elif self.srid is not None and frame.crs.to_epsg() != self.srid:
            raise LayerImportError(
                f"{self.path.name} says its CRS is {frame.crs.to_string()}, not EPSG:{self.srid}."
            )
        geometries = frame.geometry.to_crs(epsg=BNG_SRID).values
        return pd.DataFrame(frame.drop(columns=frame.geometry.name)), np.asarray(geometries)

    def _read_csv(self) -> tuple[pd.DataFrame, np.ndarray]:
        import geopandas

        try:
            frame = pd.read_csv(self.path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
            raise LayerImportError(f"Cannot read {self.path.name} as CSV: {e}") from e
        if "geometry" not in frame.columns:
            raise LayerImportError(f"{self.path.name} has no 'geometry' column of WKT.")
        wkt = [text if text.strip() else None for text in frame["geometry"]]
        # The platform gives only a `point` for many listed buildings.
        if "point" in frame.columns:
            wkt = [
                w or (p if p.strip() else None) for w, p in zip(wkt, frame["point"], strict=True)
            ]
        geometries = shapely.from_wkt(np.array(wkt, dtype=object), on_invalid="ignore")
        # The platform publishes WKT in WGS84.
        series = geopandas.GeoSeries(geometries, crs=f"EPSG:{self.srid or 4326}")
        attributes = frame.drop(columns=[c for c in ("geometry", "point") if c in frame])
        return attributes, np.asarray(series.to_crs(epsg=BNG_SRID).values)

    # --- mapping -------------------------------------------------------------------------

    def features(self, table: pd.DataFrame, geometries: np.ndarray, summary: ImportSummary):
        """Unsaved ConstraintFeature rows, counting repairs and skips into `summary`."""
        records = table.to_dict("records")
        rows = tqdm(
            zip(records, geometries, strict=True),
            total=len(records),
            desc=f"{self.dataset} ({self.source.name})",
            unit="feature",
            disable=not self.progress,
        )
        for row, geometry in rows:
            summary.read += 1
            geometry = _prepare_geometry(geometry, summary)
            if geometry is None:
                summary.skipped_empty += 1
                continue
            yield self._feature(row, geometry)

    def _feature(self, row: dict, geometry: shapely.Geometry) -> ConstraintFeature:
        fields = self.field_map
        entity = _text(_value(row, fields.entity))
        reference = _text(_value(row, fields.reference))
        attributes = {}
        for key, source_field in fields.attributes.items():
            value = _json_value(_value(row, source_field))
            if value not in (None, ""):
                attributes[key] = value
        return ConstraintFeature(
            entity=entity or reference,
            name=_text(_value(row, fields.name))[:500],
            reference=reference[:200],
            attributes=attributes,
            geometry=GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=BNG_SRID),
            dimension=shapely.get_dimensions(geometry),
            area_m2=float(shapely.area(geometry)),
            start_date=_date(_value(row, fields.start_date), fields.date_format),
            end_date=_date(_value(row, fields.end_date), fields.date_format),
        )

    # --- loading -------------------------------------------------------------------------

    def run(self) -> ImportSummary:
        started = time.monotonic()
        summary = ImportSummary(self.dataset, self.source.name, self.path.name)
        table, geometries = self.read()
        sha256 = file_sha256(self.path)
        with transaction.atomic():
            layer = _lock_layer(self.dataset, self.source.name)
            replace_layer_features(layer, self.features(table, geometries, summary), summary)
            layer.publisher = self.source.publisher
            layer.licence = self.source.licence
            layer.attribution = self.source.attribution
            layer.file_name = self.path.name
            layer.file_sha256 = sha256
            layer.feature_count = summary.loaded
            layer.loaded_at = timezone.now()
            layer.save()
        with connection.cursor() as cursor:
            # Fresh statistics, so the planner keeps using the GiST index on the parts.
            cursor.execute(
                "ANALYZE geo_constraintlayer, geo_constraintfeature, geo_constraintfeaturepart"
            )
        summary.seconds = time.monotonic() - started
        return summary


def _lock_layer(dataset: str, source: str) -> ConstraintLayer:
    # The row lock makes two reloads of one layer take turns instead of interleaving.
    ConstraintLayer.objects.get_or_create(dataset=dataset, source=source)
    return ConstraintLayer.objects.select_for_update().get(dataset=dataset, source=source)


def replace_layer_features(
    layer: ConstraintLayer, features: Iterator[ConstraintFeature], summary: ImportSummary
) -> None:
    """Insert the new features and their parts, then delete the old ones.

    Call inside a transaction holding the layer's row lock: readers keep seeing the old
    features until the commit and the new ones after it, never none and never both. New ids
    come from the sequence after the lock was taken, so they are all above `old_max`.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM geo_constraintfeature WHERE layer_id = %s", [layer.pk])
        old_max = cursor.fetchone()[0] or 0
        batch: list[ConstraintFeature] = []
        for feature in features:
            feature.layer = layer
            batch.append(feature)
            if len(batch) >= BATCH_SIZE:
                ConstraintFeature.objects.bulk_create(batch)
                summary.loaded += len(batch)
                batch = []
        if batch:
            ConstraintFeature.objects.bulk_create(batch)
            summary.loaded += len(batch)
        summary.parts = index_parts(layer, after_id=old_max)
        cursor.execute(
            """
            DELETE FROM geo_constraintfeaturepart p USING geo_constraintfeature f
            WHERE p.feature_id = f.id AND f.layer_id = %s AND f.id <= %s
            """,
            [layer.pk, old_max],
        )
        cursor.execute(
            "DELETE FROM geo_constraintfeature WHERE layer_id = %s AND id <= %s",
            [layer.pk, old_max],
        )


def index_parts(layer: ConstraintLayer, *, after_id: int = 0) -> int:
    """Cut the layer's features with ids above `after_id` into GiST-indexed parts."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO geo_constraintfeaturepart (feature_id, dataset, geometry)
            SELECT f.id, %s, ST_Subdivide(f.geometry, %s)
            FROM geo_constraintfeature f
            WHERE f.layer_id = %s AND f.id > %s
            """,
            [layer.dataset, SUBDIVIDE_VERTICES, layer.pk, after_id],
        )
        return cursor.rowcount


def _prepare_geometry(geometry: Any, summary: ImportSummary) -> shapely.Geometry | None:
    if geometry is None or shapely.is_empty(geometry):
        return None
    geometry = shapely.force_2d(geometry)
    if not shapely.is_valid(geometry):
        summary.repaired += 1
        geometry = _repair(geometry)
    if geometry is None or shapely.is_empty(geometry):
        return None
    return geometry


def _repair(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """make_valid, keeping only parts of the original's dimension: a self-touching polygon
    must not come back as a collection holding a stray line."""
    repaired = shapely.make_valid(geometry)
    dimension = shapely.get_dimensions(geometry)
    parts = [p for p in shapely.get_parts(repaired) if shapely.get_dimensions(p) == dimension]
    if not parts:
        return None
    if dimension == 2:
        return shapely.multipolygons([q for p in parts for q in shapely.get_parts(p)]).normalize()
    return shapely.union_all(parts)


def _value(row: dict, source_field: Field) -> Any:
    if source_field is None:
        return None
    if callable(source_field):
        return source_field(row)
    return row.get(source_field)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        return str(int(value))  # "470656", not "470656.0": ids read as floats by GDAL
    if isinstance(value, pd.Timestamp | datetime.date):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    return str(value).strip()


def _json_value(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.floating | float):
        return int(value) if float(value).is_integer() else float(value)
    return _text(value)


def _date(value: Any, date_format: str | None) -> datetime.date | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        if date_format:
            return datetime.datetime.strptime(text, date_format).date()
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        # Sources write "TBA" and the like in date columns; an unknown date is not an error.
        return None
