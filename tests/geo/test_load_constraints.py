from collections import Counter

import pytest
from django.core.management import call_command

from geo.models import ConstraintFeature, ConstraintFeaturePart, ConstraintLayer
from tests.geo.conftest import load

# Published counts (shared/data/README.md): features that have a geometry.
TRAFFORD_LAYERS = [
    ("conservation-area", "trafford/trafford_conservation_areas.geojson", 21),
    ("listed-building", "trafford/trafford_listed_buildings.geojson", 265),
    ("scheduled-monument", "trafford/trafford_scheduled_monuments.geojson", 1),
    (
        "site-of-special-scientific-interest",
        "trafford/trafford_sites_of_special_scientific_interest.geojson",
        2,
    ),
    ("local-nature-reserve", "trafford/trafford_local_nature_reserves.geojson", 2),
    ("greenspace", "trafford/trafford_greenspace_sites.geojson", 427),
    ("woodland", "trafford/trafford_woodland.geojson", 756),
]


def features(dataset, source):
    return ConstraintFeature.objects.filter(layer__dataset=dataset, layer__source=source)


def test_it_loads_the_southwark_layers_with_the_published_counts(southwark_layers):
    assert features("conservation-area", "southwark").count() == 53
    listed = features("listed-building", "southwark")
    assert listed.count() == 911
    grades = Counter(f.attributes.get("grade") for f in listed)
    assert grades == {"I": 4, "II*": 29, "II": 878}
    assert listed.filter(entity="470656", name="The George Inn").exists()

    article_4 = features("article-4-direction-area", "southwark")
    assert article_4.count() == 478
    directions = set(article_4.values_list("name", flat=True))
    assert len(directions) == 9
    # Named from the layer, since the direction text is wrong for Class ZA in the source.
    assert "Article 4: Class ZA Demolition of commercial" in directions

    # 594 in the file, 11 of them without a geometry: skipped and counted, not loaded.
    assert features("tree-preservation-zone", "southwark").count() == 583
    assert "read 594, loaded 583" in southwark_layers["tree-preservation-zone"]
    assert "skipped 11 empty" in southwark_layers["tree-preservation-zone"]
    # Invalid footprints are repaired and counted, not dropped.
    assert "repaired 4 invalid" in southwark_layers["listed-building"]

    layer = ConstraintLayer.objects.get(dataset="listed-building", source="southwark")
    assert layer.feature_count == 911
    assert layer.loaded_at is not None
    assert len(layer.file_sha256) == 64
    assert "London Borough of Southwark" in layer.attribution
    assert layer.licence == "Open Government Licence v3.0"


@pytest.mark.parametrize(("dataset", "path", "count"), TRAFFORD_LAYERS)
def test_it_loads_the_trafford_layers_with_the_published_counts(db, dataset, path, count):
    load(dataset, "trafford", path)
    assert features(dataset, "trafford").count() == count
    assert ConstraintLayer.objects.get(dataset=dataset, source="trafford").feature_count == count


def test_it_stores_trafford_listed_buildings_as_points_with_their_grade(trafford_listed_buildings):
    listed = features("listed-building", "trafford")
    assert set(listed.values_list("dimension", flat=True)) == {0}
    assert all(f.geometry.geom_type == "Point" for f in listed)
    assert all(f.attributes.get("grade") in {"I", "II*", "II"} for f in listed)
    assert listed.filter(entity="1067598").exists()


def test_it_cuts_large_polygons_into_indexed_parts_of_bounded_size(db):
    load("conservation-area", "trafford", "trafford/trafford_conservation_areas.geojson")
    layer_features = features("conservation-area", "trafford")
    parts = ConstraintFeaturePart.objects.filter(feature__in=layer_features)
    assert parts.count() > layer_features.count()
    assert max(p.geometry.num_points for p in parts) <= 256
    biggest = max(layer_features, key=lambda f: f.geometry.num_points)
    assert biggest.geometry.num_points > 256
    pieces = parts.filter(feature=biggest)
    assert pieces.count() > 1
    assert sum(p.geometry.area for p in pieces) == pytest.approx(biggest.geometry.area)


def test_it_loads_the_demo_layers_once_and_skips_them_when_unchanged(db):
    from io import StringIO

    first, second = StringIO(), StringIO()
    call_command("load_demo_constraints", no_progress=True, stdout=first)
    count = ConstraintFeature.objects.count()
    call_command("load_demo_constraints", no_progress=True, stdout=second)
    assert count == 53 + 911 + 478 + 583 + 21 + 265 + 1 + 2 + 2 + 427 + 756
    assert ConstraintFeature.objects.count() == count
    assert "loaded 911" in first.getvalue()
    assert second.getvalue().count("unchanged, skipped") == 11
