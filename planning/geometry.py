"""Site boundaries: checking the GeoJSON a council sends, and moving geometries between WGS84
(what the API speaks by default) and British National Grid (what we store and measure in).

`geometry.transform(srid)` builds a GDAL coordinate transformation from the EPSG database
on every call: about 20 ms here, against 0.1 ms for the transformation itself. So each
thread keeps the transformations it has built (GDAL's are not safe to share across threads).
"""

import re
import threading

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSException, GEOSGeometry, LinearRing, MultiPolygon, Polygon

BRITISH_NATIONAL_GRID = 27700
WGS84 = 4326

_per_thread = threading.local()


def transformed(geometry: GEOSGeometry, srid: int) -> GEOSGeometry:
    """A copy of `geometry` in `srid`; `geometry` must carry its own SRID."""
    if geometry.srid == srid:
        return geometry.clone()
    cache = _per_thread.__dict__.setdefault("transforms", {})
    pair = (geometry.srid, srid)
    if pair not in cache:
        cache[pair] = CoordTransform(SpatialReference(geometry.srid), SpatialReference(srid))
    copy = geometry.transform(cache[pair], clone=True)
    copy.srid = srid
    return copy


# Longitude and latitude that cover Great Britain with a margin. A site outside is almost
# always a mistake (most often latitude and longitude swapped), never a real English site.
GB_LONGITUDE = (-9.0, 2.5)
GB_LATITUDE = (49.0, 61.5)
# The extent of British National Grid (EPSG:27700), in metres.
BNG_EASTING = (0.0, 700_000.0)
BNG_NORTHING = (0.0, 1_300_000.0)
# A planning site larger than 10 km² is a boundary drawn around the wrong thing (a ward, a
# borough) rather than an application; the largest real sites (new towns) are split up.
SITE_MAX_AREA_M2 = 10_000_000.0
SITE_MIN_AREA_M2 = 1.0

Path = tuple[str | int, ...]
_POINT_IN_REASON = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)")


class SiteInvalid(ValueError):
    """A site boundary we cannot use. `path` leads from the geometry to the bad part
    (e.g. ("coordinates", 0, 3)), for a JSON Pointer in the answer."""

    def __init__(self, message: str, path: Path = ()):
        super().__init__(message)
        self.path = path


def site_geometry(kind: str, coordinates: list, *, srid: int) -> MultiPolygon:
    """GeoJSON Polygon or MultiPolygon coordinates in `srid` (WGS84 or British National Grid)
    as a valid MultiPolygon in British National Grid.

    Raises SiteInvalid with a sentence a council's developer can act on, and where.
    """
    multi = kind == "MultiPolygon"
    polygons = coordinates if multi else [coordinates]

    def at(*parts: int) -> Path:
        # Positions of a Polygon sit one level higher than those of a MultiPolygon.
        return ("coordinates", *(parts if multi else parts[1:]))

    if not polygons or any(not rings for rings in polygons):
        raise SiteInvalid(
            "The site is empty: give at least one ring of [longitude, latitude] positions.",
            ("coordinates",),
        )
    _check_positions(polygons, srid, at)
    shapes = []
    for p, rings in enumerate(polygons):
        for r, ring in enumerate(rings):
            if ring[0][:2] != ring[-1][:2]:
                raise SiteInvalid(
                    f"{_ring_name(p, r, multi)} is not closed: its last position "
                    f"{ring[-1][:2]} must repeat its first {ring[0][:2]} (RFC 7946 3.1.6).",
                    at(p, r),
                )
        try:
            shape = Polygon(*[LinearRing([tuple(pos[:2]) for pos in ring]) for ring in rings])
        except (GEOSException, TypeError, ValueError) as error:
            raise SiteInvalid(f"Polygon {p} is not readable: {error}", at(p)) from None
        if not shape.valid:
            raise SiteInvalid(_invalid_reason(shape, srid, f"polygon {p}" if multi else ""), at(p))
        shapes.append(shape)
    site = MultiPolygon(*shapes, srid=srid)
    if not site.valid:
        raise SiteInvalid(_invalid_reason(site, srid, "the polygons together"), ("coordinates",))
    site = transformed(site, BRITISH_NATIONAL_GRID)
    if site.area > SITE_MAX_AREA_M2:
        raise SiteInvalid(
            f"The site covers {site.area / 1_000_000:,.1f} km²; the largest accepted is "
            f"{SITE_MAX_AREA_M2 / 1_000_000:,.0f} km². Draw the application's red line, "
            "not the area around it.",
            ("coordinates",),
        )
    if site.area < SITE_MIN_AREA_M2:
        raise SiteInvalid(
            f"The site encloses {site.area:.2f} m²; the smallest accepted is "
            f"{SITE_MIN_AREA_M2:.0f} m². Are the positions in the stated coordinate system?",
            ("coordinates",),
        )
    return site


def _ring_name(p: int, r: int, multi: bool) -> str:
    ring = "the outer ring" if r == 0 else f"hole {r}"
    return f"Polygon {p}: {ring} (ring {r})" if multi else f"Ring {r} ({ring})"


def _invalid_reason(shape, srid: int, which: str) -> str:
    reason = shape.valid_reason
    where = f" of {which}" if which else ""
    point = _POINT_IN_REASON.search(reason)
    if reason.startswith("Self-intersection") or reason.startswith("Ring Self-intersection"):
        place = _place(point, srid)
        return (
            f"The boundary{where} crosses itself{place}: redraw it so that no edge crosses another."
        )
    return f"The boundary{where} is not a valid polygon: {reason}."


def _place(point, srid: int) -> str:
    if point is None:
        return ""
    x, y = float(point.group(1)), float(point.group(2))
    if srid == WGS84:
        return f" at longitude {x:.6f}, latitude {y:.6f}"
    return f" at easting {x:.1f}, northing {y:.1f}"


def _check_positions(polygons: list, srid: int, at) -> None:
    located = [
        (pos[0], pos[1], at(p, r, i))
        for p, rings in enumerate(polygons)
        for r, ring in enumerate(rings)
        for i, pos in enumerate(ring)
    ]
    if srid == WGS84:
        outside = [(x, y, path) for x, y, path in located if not _in_great_britain(x, y)]
        if not outside:
            return
        if all(_in_great_britain(y, x) for x, y, _ in located):
            raise SiteInvalid(
                "The site looks like [latitude, longitude]: GeoJSON positions are "
                "[longitude, latitude] in WGS84.",
                ("coordinates",),
            )
        x, y, path = outside[0]
        if all(_looks_like_metres(x, y) for x, y, _ in located):
            raise SiteInvalid(
                "The positions look like British National Grid metres: state "
                '"site_crs": "EPSG:27700", or send WGS84 [longitude, latitude].',
                ("coordinates",),
            )
        raise SiteInvalid(
            f"The site is not in Great Britain: [{x}, {y}] is outside it. Give GeoJSON in "
            "WGS84 (EPSG:4326), positions as [longitude, latitude].",
            path,
        )
    outside = [(x, y, path) for x, y, path in located if not _in_national_grid(x, y)]
    if not outside:
        return
    if all(_in_great_britain(x, y) or _in_great_britain(y, x) for x, y, _ in located):
        raise SiteInvalid(
            "The positions look like degrees, not British National Grid metres: send them "
            'with "site_crs": "EPSG:4326" (the default) or as [easting, northing].',
            ("coordinates",),
        )
    # Only when no position makes sense as given: a real site in the north of Scotland has
    # northings beyond any easting, so a swap shows there; in the south it cannot be told.
    if len(outside) == len(located) and all(_in_national_grid(y, x) for x, y, _ in located):
        raise SiteInvalid(
            "The site looks like [northing, easting]: British National Grid positions are "
            "[easting, northing].",
            ("coordinates",),
        )
    x, y, path = outside[0]
    raise SiteInvalid(
        f"[{x}, {y}] is outside British National Grid (eastings 0 to 700,000 m, northings "
        "0 to 1,300,000 m).",
        path,
    )


def _in_great_britain(longitude: float, latitude: float) -> bool:
    return (
        GB_LONGITUDE[0] <= longitude <= GB_LONGITUDE[1]
        and GB_LATITUDE[0] <= latitude <= GB_LATITUDE[1]
    )


def _in_national_grid(easting: float, northing: float) -> bool:
    return (
        BNG_EASTING[0] <= easting <= BNG_EASTING[1]
        and BNG_NORTHING[0] <= northing <= BNG_NORTHING[1]
    )


def _looks_like_metres(easting: float, northing: float) -> bool:
    return _in_national_grid(easting, northing) and max(easting, northing) > 1_000
