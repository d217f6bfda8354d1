"""The verbs of the geo app: load a constraint layer, check a site against the layers.

Triage calls `check_site` and `layer_names`; the management commands call these too.
"""

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSException,
    GEOSGeometry,
    MultiPolygon,
)
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from geo.datasets import POINT_MIN_BUFFER_M, datasets_with_rules, rule_for
from geo.importers import ImportSummary, LayerImporter, file_sha256
from geo.models import BNG_SRID, ConstraintFeature, ConstraintFeaturePart, ConstraintLayer
from geo.signals import layer_loaded
from geo.sources import source_named

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The demo layers shipped in geo/fixtures (see the LICENCE file there): dataset, source, file.
DEMO_LAYERS = [
    ("conservation-area", "southwark", "southwark/conservation-area.geojson"),
    ("listed-building", "southwark", "southwark/listed-building.geojson"),
    ("article-4-direction-area", "southwark", "southwark/article-4-direction-area.geojson"),
    ("tree-preservation-zone", "southwark", "southwark/tree-preservation-zone.geojson"),
    ("conservation-area", "trafford", "trafford/trafford_conservation_areas.geojson"),
    ("listed-building", "trafford", "trafford/trafford_listed_buildings.geojson"),
    ("scheduled-monument", "trafford", "trafford/trafford_scheduled_monuments.geojson"),
    (
        "site-of-special-scientific-interest",
        "trafford",
        "trafford/trafford_sites_of_special_scientific_interest.geojson",
    ),
    ("local-nature-reserve", "trafford", "trafford/trafford_local_nature_reserves.geojson"),
    ("greenspace", "trafford", "trafford/trafford_greenspace_sites.geojson"),
    ("woodland", "trafford", "trafford/trafford_woodland.geojson"),
]


# --- loading -------------------------------------------------------------------------------


def load_layer(
    *,
    dataset: str,
    source: str,
    path: Path | str,
    srid: int | None = None,
    progress: bool = False,
    skip_unchanged: bool = False,
) -> ImportSummary:
    """Load (or atomically replace) the layer `dataset` from `source` with the file at `path`.

    With `skip_unchanged`, a layer already loaded from a file with the same SHA-256 is left
    alone. Raises geo.importers.LayerImportError for a file that cannot be loaded.
    """
    path = Path(path)
    importer = LayerImporter(
        dataset=dataset, source=source_named(source), path=path, srid=srid, progress=progress
    )
    if skip_unchanged and path.is_file():
        loaded = ConstraintLayer.objects.filter(
            dataset=dataset, source=source, file_sha256=file_sha256(path), loaded_at__isnull=False
        ).exists()
        if loaded:
            return ImportSummary(dataset, source, path.name, unchanged=True)
    summary = importer.run()
    transaction.on_commit(
        lambda: layer_loaded.send(sender=ConstraintLayer, dataset=dataset, source=source)
    )
    return summary


def load_demo_layers(*, progress: bool = False) -> list[ImportSummary]:
    """The Southwark and Trafford layers shipped with the project; unchanged ones are skipped."""
    return [
        load_layer(
            dataset=dataset,
            source=source,
            path=FIXTURES / relative,
            progress=progress,
            skip_unchanged=True,
        )
        for dataset, source, relative in DEMO_LAYERS
    ]


# --- checking a site -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConstraintHit:
    dataset: str  # national slug, e.g. "conservation-area", "listed-building"
    source: str  # the loaded source name, e.g. "southwark"
    feature_id: int  # our ConstraintFeature pk
    entity: str  # entity id or source reference (e.g. NHLE list entry "1385834")
    name: str
    reference: str
    attributes: dict  # grade / type / other mapped attributes, e.g. {"grade": "II"}
    # "site-inside" (site within the feature), "feature-inside" (feature within the site),
    # "overlaps", or "nearby" (no overlap, within the dataset's buffer)
    relation: str
    overlap_area_m2: float  # 0.0 when nearby
    site_share_pct: float  # overlap as % of the site area
    distance_m: float  # 0.0 when they intersect
    grazes: bool  # tiny overlap: likely the neighbour's land, a false positive to flag


SITE_INSIDE = "site-inside"
FEATURE_INSIDE = "feature-inside"
OVERLAPS = "overlaps"
NEARBY = "nearby"

# One round trip: the GiST index on the parts finds candidates within the largest buffer,
# each part is tested against its own dataset's buffer, then the pieces of a subdivided
# feature are added back together. A part that covers the whole site skips the intersection.
# A site that only touches a polygon along an edge has no overlap and is "nearby" at 0 m.
# `hit` is MATERIALIZED so that, whatever the table statistics say, the per-feature sums are
# worked out once and then joined, never again for every feature row.
CHECK_SQL = """
WITH site AS (SELECT ST_GeomFromEWKB(%(site)s) AS g),
piece AS (
    SELECT p.feature_id,
           CASE
               WHEN NOT ST_Intersects(p.geometry, s.g) THEN NULL
               WHEN ST_Covers(p.geometry, s.g) THEN s.g
               ELSE ST_Intersection(p.geometry, s.g)
           END AS overlap,
           ST_Distance(p.geometry, s.g) AS distance_m
    FROM geo_constraintfeaturepart p, site s
    WHERE p.geometry && ST_Expand(s.g, %(reach)s)
      AND (%(all_datasets)s OR p.dataset = ANY(%(datasets)s))
      AND ST_DWithin(p.geometry, s.g, CASE
              WHEN ST_Dimension(p.geometry) = 0 THEN GREATEST({buffer}, %(point_min)s)
              ELSE {buffer} END)
),
hit AS MATERIALIZED (
    SELECT feature_id,
           COALESCE(SUM(ST_Area(overlap)), 0) AS overlap_m2,
           -- The pieces of one feature are glued back before measuring the outline, so
           -- the cuts ST_Subdivide made do not count as edges.
           CASE WHEN COUNT(overlap) > 1 THEN ST_Perimeter(ST_Union(overlap))
                ELSE COALESCE(SUM(ST_Perimeter(overlap)), 0) END AS overlap_perimeter_m,
           MIN(distance_m) AS distance_m
    FROM piece
    GROUP BY feature_id
)
SELECT f.id, l.dataset, l.source, f.entity, f.name, f.reference, f.attributes,
       f.dimension, f.area_m2, h.overlap_m2, h.overlap_perimeter_m, h.distance_m,
       CASE WHEN f.dimension < 2 AND h.distance_m = 0 THEN ST_CoveredBy(f.geometry, s.g)
            ELSE false END AS covered
FROM hit h
JOIN geo_constraintfeature f ON f.id = h.feature_id
JOIN geo_constraintlayer l ON l.id = f.layer_id
CROSS JOIN site s
ORDER BY l.dataset, h.distance_m, h.overlap_m2 DESC, f.id
"""


def _buffer_case(datasets: Iterable[str]) -> tuple[str, dict[str, Any], float]:
    """SQL for each part's own buffer, its parameters, and the largest buffer in play."""
    whens: list[str] = []
    params: dict[str, str | float] = {}
    reach = POINT_MIN_BUFFER_M
    for i, dataset in enumerate(sorted(set(datasets))):
        buffer_m = rule_for(dataset).buffer_m
        if buffer_m > 0:
            whens.append(f"WHEN %(ds{i})s THEN %(buf{i})s::float8")
            params[f"ds{i}"], params[f"buf{i}"] = dataset, buffer_m
            reach = max(reach, buffer_m)
    if not whens:
        return "0::float8", params, reach
    return f"(CASE p.dataset {' '.join(whens)} ELSE 0::float8 END)", params, reach


def as_site(site: GEOSGeometry) -> GEOSGeometry:
    """The site as a valid (Multi)Polygon in EPSG:27700, or ValueError saying what is wrong."""
    if site.srid is None:
        raise ValueError("The site geometry has no SRID; give EPSG:27700 or WGS84 (4326).")
    if site.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"A site must be a Polygon or MultiPolygon, not a {site.geom_type}.")
    if site.srid != BNG_SRID:
        site = site.transform(BNG_SRID, clone=True)
    if not site.valid:
        # A self-crossing red line is common in hand-drawn boundaries: keep its areas.
        repaired = site.make_valid()
        pieces = _parts(repaired) if repaired.geom_type == "GeometryCollection" else [repaired]
        polygons = _flatten([g for g in pieces if g.geom_type in ("Polygon", "MultiPolygon")])
        if not polygons:
            raise ValueError("The site has no area.")
        site = MultiPolygon(*polygons, srid=BNG_SRID)
    if site.empty or site.area <= 0:
        raise ValueError("The site has no area.")
    return site


def _parts(collection: GEOSGeometry) -> list[GEOSGeometry]:
    return list(cast(GeometryCollection, collection))


def _flatten(polygons: list[GEOSGeometry]) -> list[GEOSGeometry]:
    return [p for g in polygons for p in (_parts(g) if g.geom_type == "MultiPolygon" else [g])]


def check_site(site: GEOSGeometry, *, datasets: Iterable[str] | None = None) -> list[ConstraintHit]:
    """Every loaded constraint feature that overlaps the site, or lies within its dataset's
    buffer of it, one hit per feature, ordered by dataset then distance."""
    return check_site_against(PARTS_TABLE, site, datasets=datasets)


PARTS_TABLE = "geo_constraintfeaturepart"


def check_site_against(
    parts_table: str, site: GEOSGeometry, *, datasets: Iterable[str] | None = None
) -> list[ConstraintHit]:
    """check_site on another table of (feature_id, dataset, geometry): the benchmark runs
    the very same query on whole, unsubdivided geometries to compare."""
    site = as_site(site)
    site_area = site.area
    wanted = sorted(set(datasets)) if datasets is not None else []
    buffer_sql, params, reach = _buffer_case(
        wanted if datasets is not None else datasets_with_rules()
    )
    params.update(
        site=bytes(site.ewkb),
        reach=reach,
        all_datasets=datasets is None,
        datasets=wanted,
        point_min=POINT_MIN_BUFFER_M,
    )
    sql = CHECK_SQL.format(buffer=buffer_sql).replace(PARTS_TABLE, parts_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_hit(row, site_area) for row in rows]


def within_reach_of_layer(queryset: QuerySet, field: str, *, dataset: str, source: str):
    """The rows of `queryset` whose geometry `field` lies within reach of a feature of one layer
    (its dataset's buffer, at least POINT_MIN_BUFFER_M): the sites a reload of that layer may
    change the spatial facts of. Runs on the subdivided parts, so it stays index-backed."""
    reach = max(rule_for(dataset).buffer_m, POINT_MIN_BUFFER_M)
    parts = ConstraintFeaturePart.objects.filter(
        dataset=dataset,
        feature__layer__source=source,
        geometry__dwithin=(OuterRef(field), reach),
    )
    return queryset.filter(Exists(parts))


def _hit(row: tuple, site_area: float) -> ConstraintHit:
    (feature_id, dataset, source, entity, name, reference, attributes) = row[:7]
    dimension, feature_area, overlap, perimeter, distance, covered = row[7:]
    overlap = float(overlap or 0.0)
    distance = float(distance or 0.0)
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    if dimension == 2:
        if overlap <= 0:
            relation = NEARBY  # outside, or touching along an edge with no area in common
        elif overlap >= site_area - max(0.01, site_area * 1e-6):
            relation = SITE_INSIDE
        elif overlap >= feature_area - max(0.01, feature_area * 1e-6):
            relation = FEATURE_INSIDE
        else:
            relation = OVERLAPS
    elif distance > 0:
        relation = NEARBY
    else:
        relation = FEATURE_INSIDE if covered else OVERLAPS
    share = 100.0 * overlap / site_area
    rule = rule_for(dataset)
    # Mean width of the overlap (2 x area / perimeter): a sliver along the boundary is what
    # two surveys of one fence line look like.
    mean_width = 2 * overlap / perimeter if perimeter else 0.0
    grazes = (
        relation == OVERLAPS
        and dimension == 2
        and share < rule.graze_max_share_pct
        and (overlap < rule.graze_max_area_m2 or mean_width < rule.graze_max_width_m)
    )
    return ConstraintHit(
        dataset=dataset,
        source=source,
        feature_id=feature_id,
        entity=entity,
        name=name,
        reference=reference,
        attributes=attributes or {},
        relation=relation,
        overlap_area_m2=round(overlap, 2),
        site_share_pct=round(share, 2),
        distance_m=0.0 if relation != NEARBY else round(distance, 2),
        grazes=grazes,
    )


@dataclass(frozen=True)
class NearFeature:
    """A feature within a distance asked for, and how far it is (0 when it touches)."""

    dataset: str
    feature_id: int
    name: str
    distance_m: float


NEAR_SQL = """
WITH site AS (SELECT ST_GeomFromEWKB(%(site)s) AS g),
wanted AS (SELECT * FROM unnest(%(datasets)s::text[], %(distances)s::float8[]) AS w(dataset, d))
SELECT p.dataset, p.feature_id, MIN(ST_Distance(p.geometry, s.g)) AS distance_m
FROM geo_constraintfeaturepart p
JOIN wanted w ON w.dataset = p.dataset
CROSS JOIN site s
WHERE p.geometry && ST_Expand(s.g, %(reach)s) AND ST_DWithin(p.geometry, s.g, w.d)
GROUP BY p.dataset, p.feature_id
"""


def features_near(site: GEOSGeometry, distances: dict[str, float]) -> list[NearFeature]:
    """The features of each dataset within its distance of the site (as a rule about "within
    20 m of a main river" asks), nearest first. Runs on the subdivided parts' GiST index."""
    if not distances:
        return []
    site = as_site(site)
    datasets = sorted(distances)
    with connection.cursor() as cursor:
        cursor.execute(
            NEAR_SQL,
            {
                "site": bytes(site.ewkb),
                "datasets": datasets,
                "distances": [float(distances[d]) for d in datasets],
                "reach": max(distances.values()),
            },
        )
        rows = cursor.fetchall()
    names = dict(
        ConstraintFeature.objects.filter(pk__in=[row[1] for row in rows]).values_list("pk", "name")
    )
    found = [
        NearFeature(dataset, feature_id, names.get(feature_id, ""), round(float(distance), 1))
        for dataset, feature_id, distance in rows
    ]
    return sorted(found, key=lambda near: (near.dataset, near.distance_m, near.feature_id))


# A layer with no feature within this distance of a site is taken as not covering it: we
# cannot know the area a publisher meant a layer to cover, and a council's or a national layer
# has features within a few kilometres of any site it covers (a flood zone, an SSSI).
COVERAGE_RADIUS_M = 15_000


def datasets_covering(site: GEOSGeometry, datasets: Iterable[str]) -> set[str]:
    """Which of these datasets have a loaded layer around the site, so that finding nothing
    there means there is nothing, rather than that nobody loaded the data."""
    wanted = sorted(set(datasets))
    if not wanted:
        return set()
    site = as_site(site)
    covered = set()
    with connection.cursor() as cursor:
        for dataset in wanted:
            cursor.execute(
                """
                SELECT 1 FROM geo_constraintfeaturepart
                WHERE dataset = %s AND geometry && ST_Expand(ST_GeomFromEWKB(%s), %s) LIMIT 1
                """,
                [dataset, bytes(site.ewkb), COVERAGE_RADIUS_M],
            )
            if cursor.fetchone():
                covered.add(dataset)
    return covered


def layer_names(dataset: str | None = None) -> list[tuple[str, str]]:
    """(dataset, name) for every distinct non-empty feature name, for building a gazetteer."""
    features = ConstraintFeature.objects.exclude(name="")
    if dataset is not None:
        features = features.filter(layer__dataset=dataset)
    return [
        (ds, name)
        for ds, name in features.values_list("layer__dataset", "name")
        .distinct()
        .order_by("layer__dataset", "name")
    ]


def site_from_geojson(data: Any) -> GEOSGeometry:
    """A site from GeoJSON: a geometry, a Feature, or a FeatureCollection whose polygons are
    taken together. WGS84 unless a legacy `crs` member names another EPSG code."""
    if not isinstance(data, dict) or "type" not in data:
        raise ValueError("Not GeoJSON: expected an object with a 'type'.")
    srid = _geojson_srid(data)
    if data["type"] == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or []]
    elif data["type"] == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    polygons: list[GEOSGeometry] = []
    for geometry in geometries:
        if not geometry:
            continue
        try:
            parsed = GEOSGeometry(json.dumps(geometry))
        except (GEOSException, GDALException, ValueError, TypeError) as e:
            raise ValueError(f"Cannot read the GeoJSON geometry: {e}") from e
        if parsed.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"A site must be a Polygon or MultiPolygon, not a {parsed.geom_type}.")
        polygons.extend(_flatten([parsed]))
    if not polygons:
        raise ValueError("The GeoJSON holds no polygon.")
    site = MultiPolygon(*polygons, srid=srid)
    return as_site(site)


def _geojson_srid(data: dict) -> int:
    name = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    if not name:
        return 4326
    code = name.rsplit(":", 1)[-1]
    if code == "CRS84":
        return 4326
    if not code.isdigit():
        raise ValueError(f"Unrecognised GeoJSON crs {name!r}.")
    return int(code)


def hit_as_dict(hit: ConstraintHit) -> dict[str, Any]:
    return asdict(hit)


# --- the map around a site ---------------------------------------------------------------

MAP_WINDOW_M = 250  # how far around the site a map shows each feature (large ones are clipped)

MAP_FEATURES_SQL = """
SELECT f.id,
       ST_AsGeoJSON(ST_Transform(
           ST_SimplifyPreserveTopology(
               ST_Intersection(f.geometry, ST_Expand(%(site)s::geometry, %(window)s)), 0.2),
           4326), 6)
FROM geo_constraintfeature AS f
WHERE f.id = ANY(%(ids)s)
"""


def map_features(site: GEOSGeometry) -> list[dict[str, Any]]:
    """GeoJSON Features (WGS84) for every constraint feature the site touches or is near,
    clipped to a window around the site, with what check_site says about each."""
    site = as_site(site)
    hits = check_site(site)
    if not hits:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            MAP_FEATURES_SQL,
            {
                "site": bytes(site.ewkb),
                "window": MAP_WINDOW_M,
                "ids": [hit.feature_id for hit in hits],
            },
        )
        geometries = dict(cursor.fetchall())
    features = []
    for hit in hits:
        geometry = geometries.get(hit.feature_id)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {"kind": "constraint"} | hit_as_dict(hit),
            }
        )
    return features
