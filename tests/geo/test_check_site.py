import csv
import json

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.test import override_settings

from geo.models import ConstraintFeature
from geo.services import check_site, layer_names, site_from_geojson
from tests.geo.conftest import ODP, odp_site
from tests.geo.factories import ConstraintFeatureFactory, ConstraintLayerFactory, rectangle

# The national platform's designation codes (as the ODP schema writes them) for the datasets
# our Southwark layers cover.
ODP_TO_DATASET = {
    "designated.conservationArea": "conservation-area",
    "listed": "listed-building",
    "articleFour": "article-4-direction-area",
    "tpo": "tree-preservation-zone",
}


def southwark_gold_rows():
    with (ODP / "odp_examples_gold_constraints.csv").open() as handle:
        return [row for row in csv.DictReader(handle) if row["lad"] == "Southwark"]


def checked_designations(example_file: str) -> dict[str, bool]:
    """What the national platform checked for this example, and whether it intersected."""
    example = json.loads((ODP / example_file).read_text())
    planning = example["data"]["property"].get("planning", {})
    return {d["value"]: d["intersects"] for d in planning.get("designations", [])}


def designated(hits, dataset):
    """Hits that put the site in the designation: overlapping and not a mere graze."""
    return [h for h in hits if h.dataset == dataset and h.relation != "nearby" and not h.grazes]


def test_it_agrees_with_the_national_platform_on_the_southwark_examples(southwark_layers):
    rows = southwark_gold_rows()
    assert {row["uprn"] for row in rows} == {"200003442431", "200003377200", "200003432951"}
    compared = set()
    for row in rows:
        hits = check_site(site_from_geojson(odp_site(row["file"])))
        names = {}
        for pair in filter(None, row["designation_entities"].split(";")):
            code, name = pair.split(":", 1)
            names.setdefault(code, set()).add(name)
        for code, intersects in checked_designations(row["file"]).items():
            dataset = ODP_TO_DATASET.get(code)
            if dataset is None:
                continue  # a layer we do not hold for Southwark (flood zones, monuments...)
            found = designated(hits, dataset)
            compared.add((row["uprn"], dataset))
            if intersects:
                assert found, f"{row['address']}: missed {dataset}"
                assert names.get(code, set()) <= {h.name for h in found}, row["address"]
            else:
                assert not found, f"{row['address']}: {dataset} {[h.name for h in found]}"
    # Woodwarde Road and Colby Road were checked for all four of our datasets; the Globe
    # example carries no designations to compare.
    assert len(compared) == 8


def test_it_flags_the_tree_preservation_sliver_at_woodwarde_road_as_a_graze(southwark_layers):
    file = "examples/application/planningPermission/fullHouseholderInConservationArea.json"
    hits = check_site(site_from_geojson(odp_site(file)))
    conservation = [h for h in hits if h.dataset == "conservation-area"]
    assert [(h.name, h.relation, h.site_share_pct) for h in conservation] == [
        ("Dulwich Village", "site-inside", 100.0)
    ]
    trees = [h for h in hits if h.dataset == "tree-preservation-zone"]
    assert trees, "the graze is reported, not dropped"
    for hit in trees:
        assert hit.relation == "overlaps"
        assert hit.grazes
        assert 0 < hit.overlap_area_m2 < 10
        assert hit.site_share_pct < 5


# --- relations, measured on squares we draw ----------------------------------------------


@pytest.fixture
def block(db):
    """A 100 m square conservation area at (534000, 176000)-(534100, 176100)."""
    return ConstraintFeatureFactory(name="Test Square")


def only_hit(site, **kwargs):
    hits = check_site(site, **kwargs)
    assert len(hits) == 1, hits
    return hits[0]


def test_it_reports_a_site_inside_a_feature(block):
    hit = only_hit(rectangle(534010, 176010, 534030, 176040))
    assert hit.relation == "site-inside"
    assert hit.overlap_area_m2 == 600.0
    assert hit.site_share_pct == 100.0
    assert hit.distance_m == 0.0
    assert not hit.grazes
    assert (hit.dataset, hit.source, hit.name) == ("conservation-area", "test", "Test Square")
    assert hit.feature_id == block.pk


def test_it_reports_a_feature_inside_a_site(block):
    hit = only_hit(rectangle(533900, 175900, 534200, 176200))
    assert hit.relation == "feature-inside"
    assert hit.overlap_area_m2 == 10000.0
    assert hit.site_share_pct == pytest.approx(100 * 10000 / 90000, abs=0.01)


def test_it_measures_a_partial_overlap(block):
    hit = only_hit(rectangle(534080, 176000, 534120, 176050))  # half in, half out
    assert hit.relation == "overlaps"
    assert hit.overlap_area_m2 == 1000.0
    assert hit.site_share_pct == 50.0
    assert not hit.grazes


def test_it_flags_a_sliver_along_the_boundary_as_a_graze(block):
    # 30 m of the site's edge reaches 0.5 m over the line: 15 m², 1.25% of the site.
    hit = only_hit(rectangle(534099.5, 176000, 534139.5, 176030))
    assert hit.relation == "overlaps"
    assert hit.overlap_area_m2 == 15.0
    assert hit.grazes


def test_it_does_not_flag_a_real_strip_of_a_small_plot(block):
    # 3 m x 10 m inside a 10 m x 10 m plot: 30% of it is in the conservation area.
    hit = only_hit(rectangle(534097, 176000, 534107, 176010))
    assert hit.overlap_area_m2 == 30.0
    assert not hit.grazes


def test_it_reports_a_polygon_that_only_touches_as_nearby_at_zero_metres(block):
    hit = only_hit(rectangle(534100, 176000, 534120, 176020))
    assert hit.relation == "nearby"
    assert (hit.overlap_area_m2, hit.distance_m, hit.grazes) == (0.0, 0.0, False)


def test_it_ignores_a_polygon_a_metre_away_when_its_dataset_has_no_buffer(block):
    assert check_site(rectangle(534101, 176000, 534120, 176020)) == []


def test_it_merges_the_pieces_of_a_subdivided_feature_into_one_hit(db):
    # A circle of 4,000 vertices: ST_Subdivide cuts it into many parts.
    circle = Point(450000, 300000, srid=27700).buffer(5000, quadsegs=1000)
    feature = ConstraintFeatureFactory(
        layer=ConstraintLayerFactory(dataset="green-belt"), geometry=circle
    )
    assert feature.parts.count() > 10
    site = rectangle(449000, 299000, 451000, 301000)  # across many cuts, inside the circle
    hit = only_hit(site)
    assert hit.relation == "site-inside"
    assert hit.overlap_area_m2 == pytest.approx(4_000_000, abs=0.01)
    straddling = rectangle(454000, 299900, 456000, 300100)  # across the edge
    hit = only_hit(straddling)
    assert hit.relation == "overlaps"
    assert hit.overlap_area_m2 == pytest.approx(circle.intersection(straddling).area, abs=0.01)


def test_it_filters_by_dataset(block):
    ConstraintFeatureFactory(layer=ConstraintLayerFactory(dataset="tree-preservation-zone"))
    site = rectangle(534010, 176010, 534030, 176040)
    assert {h.dataset for h in check_site(site)} == {"conservation-area", "tree-preservation-zone"}
    hits = check_site(site, datasets=["tree-preservation-zone"])
    assert [h.dataset for h in hits] == ["tree-preservation-zone"]


def test_it_accepts_a_wgs84_site_and_rejects_what_is_not_an_area(block):
    site = rectangle(534010, 176010, 534030, 176040)
    wgs84 = site.transform(4326, clone=True)
    assert only_hit(wgs84).overlap_area_m2 == pytest.approx(600.0, abs=0.05)
    with pytest.raises(ValueError, match="Polygon"):
        check_site(Point(534010, 176010, srid=27700))
    with pytest.raises(ValueError, match="SRID"):
        check_site(GEOSGeometry("POLYGON((0 0, 1 0, 1 1, 0 0))"))


# --- points need a distance rule -----------------------------------------------------------


def test_it_finds_listed_building_points_within_their_setting(trafford_listed_buildings):
    building = ConstraintFeature.objects.get(layer__source="trafford", entity="1067598")
    x, y = building.geometry.x, building.geometry.y
    near = rectangle(x + 30, y - 10, x + 50, y + 10)  # 30 m east of the point
    hits = [h for h in check_site(near) if h.entity == "1067598"]
    assert len(hits) == 1
    assert hits[0].relation == "nearby"
    assert hits[0].distance_m == pytest.approx(30.0, abs=0.01)
    assert hits[0].attributes["grade"] == "II"

    far = rectangle(x + 60, y - 10, x + 80, y + 10)  # beyond the default 50 m setting
    assert "1067598" not in {h.entity for h in check_site(far)}
    with override_settings(GEO_DATASET_RULES={"listed-building": {"buffer_m": 100.0}}):
        assert "1067598" in {h.entity for h in check_site(far)}

    on_it = rectangle(x - 10, y - 10, x + 10, y + 10)
    hit = next(h for h in check_site(on_it) if h.entity == "1067598")
    assert (hit.relation, hit.distance_m, hit.overlap_area_m2) == ("feature-inside", 0.0, 0.0)


def test_it_gives_points_a_minimum_distance_even_in_a_dataset_without_a_buffer(db):
    ConstraintFeatureFactory(
        layer=ConstraintLayerFactory(dataset="tree-preservation-zone"),
        geometry=Point(534000, 176000, srid=27700),
    )
    assert len(check_site(rectangle(534005, 175990, 534020, 176010))) == 1
    assert check_site(rectangle(534020, 175990, 534040, 176010)) == []


def test_it_lists_distinct_feature_names_for_a_gazetteer(southwark_layers):
    names = layer_names("conservation-area")
    assert ("conservation-area", "Dulwich Village") in names
    assert len(names) == len(set(names))
    assert {dataset for dataset, _ in layer_names()} >= {"listed-building", "conservation-area"}


def test_it_repairs_a_self_crossing_site_boundary(block):
    bow_tie = GEOSGeometry(
        "SRID=27700;POLYGON((534010 176010, 534030 176030, 534030 176010, 534010 176030, "
        "534010 176010))"
    )
    assert not bow_tie.valid
    hit = only_hit(bow_tie)
    assert hit.relation == "site-inside"
    assert hit.overlap_area_m2 == 200.0
