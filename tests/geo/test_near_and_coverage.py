"""What consultation rules ask of the layers: features within a distance of a site, and
whether a dataset has a layer around the site at all (else a rule cannot be checked)."""

from django.contrib.gis.geos import GEOSGeometry

from geo.services import COVERAGE_RADIUS_M, datasets_covering, features_near
from tests.factories import SMALL_SITE_WKT
from tests.triage.factories import load_polygon_layer

SITE = GEOSGeometry(SMALL_SITE_WKT)  # 534000-534020, 176000-176030
# A strip of river bank 14 m east of the site.
RIVER = "POLYGON((534034 175900, 534040 175900, 534040 176100, 534034 176100, 534034 175900))"


def test_it_finds_features_within_each_datasets_distance(db, tmp_path):
    load_polygon_layer(tmp_path, dataset="main-river", name="River Peck", wkt_27700=RIVER)

    near = features_near(SITE, {"main-river": 20})
    too_far = features_near(SITE, {"main-river": 10})

    assert [(n.dataset, n.name, n.distance_m) for n in near] == [("main-river", "River Peck", 14.0)]
    assert too_far == []


def test_a_dataset_covers_a_site_only_where_a_layer_of_it_is_loaded_around(db, tmp_path):
    load_polygon_layer(tmp_path, dataset="main-river", name="River Peck", wkt_27700=RIVER)
    far_away = GEOSGeometry(SMALL_SITE_WKT.replace("534", "434"))  # 100 km west

    assert datasets_covering(SITE, ["main-river", "flood-risk-zone"]) == {"main-river"}
    assert datasets_covering(far_away, ["main-river"]) == set()
    assert COVERAGE_RADIUS_M == 15_000
