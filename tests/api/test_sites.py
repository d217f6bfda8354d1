"""Site boundaries as councils send them: WGS84 by default, British National Grid when stated,
and every kind of broken boundary refused with where and why."""

import pytest

from planning.models import PlanningApplication
from tests.api.conftest import WOODWARDE_ROAD_AREA_M2, errors_at, problem

URL = "/api/v1/applications/"
# A 60 m x 50 m plot in Peckham, British National Grid metres.
BNG_RING = [
    [534000, 176000],
    [534060, 176000],
    [534060, 176050],
    [534000, 176050],
    [534000, 176000],
]
GOOD_RING = [
    [-0.0824, 51.4514],
    [-0.0820, 51.4514],
    [-0.0820, 51.4518],
    [-0.0824, 51.4518],
    [-0.0824, 51.4514],
]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def test_it_accepts_a_site_in_british_national_grid_when_told(southwark_api, submission):
    payload = {**submission, "site_crs": "EPSG:27700", "site": polygon(BNG_RING)}

    response = southwark_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    stored = PlanningApplication.objects.get().site
    assert stored.srid == 27700
    assert stored.area == pytest.approx(3000, rel=1e-9)
    assert stored.extent == pytest.approx((534000, 176000, 534060, 176050))
    # Shown back in WGS84, as the API speaks it.
    lon, lat = response.json()["site"]["coordinates"][0][0][0]
    assert -0.1 < lon < -0.05 and 51.4 < lat < 51.5


@pytest.mark.parametrize(
    "name", ["EPSG:27700", "urn:ogc:def:crs:EPSG::27700"], ids=["short", "urn"]
)
def test_it_reads_a_legacy_geojson_crs_member(southwark_api, submission, name):
    site = {**polygon(BNG_RING), "crs": {"type": "name", "properties": {"name": name}}}
    feature = {"type": "Feature", "properties": {}, "geometry": site}

    response = southwark_api.post(URL, {**submission, "site": feature}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["site_area_m2"] == pytest.approx(3000, rel=1e-6)


def test_it_keeps_the_wgs84_default(southwark_api, submission):
    response = southwark_api.post(URL, submission, format="json")
    assert response.json()["site_area_m2"] == pytest.approx(WOODWARDE_ROAD_AREA_M2, rel=0.01)


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (
            {"site": polygon([*GOOD_RING[:-1], [-0.0824, 51.4517]])},
            "/site/coordinates/0",
            "Ring 0 (the outer ring) is not closed",
        ),
        (
            {
                "site": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [GOOD_RING],
                        [GOOD_RING, [*GOOD_RING[:-1], [-0.0823, 51.4515]]],
                    ],
                }
            },
            "/site/coordinates/1/1",
            "Polygon 1: hole 1 (ring 1) is not closed",
        ),
        ({"site": polygon()}, "/site/coordinates", "The site is empty"),
        ({"site": {"type": "MultiPolygon", "coordinates": []}}, "/site/coordinates", "empty"),
        (
            {"site": {"type": "LineString", "coordinates": [[-0.08, 51.45], [-0.07, 51.46]]}},
            "/site",
            "must be a GeoJSON Polygon or MultiPolygon",
        ),
        (
            {"site": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 51]}}},
            "/site/geometry",
            "found 'Point'",
        ),
        (
            # 0.1 degree square in Kent: about 48 km².
            {"site": polygon([[0.5, 51.2], [0.6, 51.2], [0.6, 51.3], [0.5, 51.3], [0.5, 51.2]])},
            "/site/coordinates",
            "the largest accepted is 10 km²",
        ),
        (
            {
                "site": polygon(
                    [[-0.08, 51.45], [-0.0800001, 51.45], [-0.08, 51.4500001], [-0.08, 51.45]]
                )
            },
            "/site/coordinates",
            "the smallest accepted is 1 m²",
        ),
        (
            {"site": polygon(BNG_RING)},
            "/site/coordinates",
            'look like British National Grid metres: state "site_crs": "EPSG:27700"',
        ),
        (
            {"site_crs": "EPSG:27700", "site": polygon(GOOD_RING)},
            "/site/coordinates",
            "look like degrees",
        ),
        (
            # Inverness, whose northings are beyond any easting in Great Britain.
            {
                "site_crs": "EPSG:27700",
                "site": polygon([[y + 669000, x - 268000] for x, y in BNG_RING]),
            },
            "/site/coordinates",
            "[northing, easting]",
        ),
        (
            {
                "site_crs": "EPSG:27700",
                "site": polygon(
                    [[534000, 176000], [934000, 176000], [934000, 176050], [534000, 176000]]
                ),
            },
            "/site/coordinates/0/1",
            "outside British National Grid",
        ),
        (
            {
                "site_crs": "EPSG:4326",
                "site": {
                    **polygon(BNG_RING),
                    "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
                },
            },
            "/site/crs",
            "name different coordinate systems",
        ),
        (
            {
                "site": {
                    **polygon(GOOD_RING),
                    "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                }
            },
            "/site/crs/properties/name",
            "EPSG:27700",
        ),
    ],
    ids=[
        "unclosed-ring",
        "unclosed-hole",
        "empty-polygon",
        "empty-multipolygon",
        "linestring",
        "feature-point",
        "too-large",
        "too-small",
        "metres-as-wgs84",
        "degrees-as-bng",
        "bng-swapped",
        "outside-bng",
        "crs-disagree",
        "crs-unknown",
    ],
)
def test_it_refuses_a_broken_site_saying_where(southwark_api, submission, change, pointer, words):
    response = southwark_api.post(URL, {**submission, **change}, format="json")

    errors = errors_at(problem(response, 400))
    assert pointer in errors, errors
    assert words in errors[pointer]
    assert not PlanningApplication.objects.exists()


def test_it_says_where_a_bng_boundary_crosses_itself(southwark_api, submission):
    bow_tie = [
        [534000, 176000],
        [534060, 176050],
        [534060, 176000],
        [534000, 176050],
        [534000, 176000],
    ]
    payload = {**submission, "site_crs": "EPSG:27700", "site": polygon(bow_tie)}

    errors = errors_at(problem(southwark_api.post(URL, payload, format="json"), 400))

    assert "crosses itself at easting 534030.0, northing 176025.0" in errors["/site/coordinates"]
