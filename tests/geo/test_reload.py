"""Reloading a layer replaces it in one transaction: a reader never sees it empty or doubled."""

import json

import psycopg
import pytest
from django.db import connection, transaction

from geo.models import ConstraintFeature, ConstraintFeaturePart
from geo.services import load_layer


def write_layer(path, names):
    features = [
        {
            "type": "Feature",
            "properties": {"entity": str(i), "name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[-0.1 + i * 0.01, 51.5], [-0.099 + i * 0.01, 51.5],
                     [-0.099 + i * 0.01, 51.501], [-0.1 + i * 0.01, 51.5]]
                ],
            },
        }
        for i, name in enumerate(names)
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def other_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )


def names_seen_by(reader) -> list[str]:
    rows = reader.execute(
        "SELECT f.name FROM geo_constraintfeature f JOIN geo_constraintlayer l "
        "ON l.id = f.layer_id WHERE l.dataset = 'conservation-area' ORDER BY f.name"
    ).fetchall()
    return [name for (name,) in rows]


@pytest.mark.django_db(transaction=True)
def test_it_replaces_a_layer_atomically_for_a_concurrent_reader(tmp_path):
    old = write_layer(tmp_path / "old.geojson", ["Old A", "Old B", "Old C"])
    new = write_layer(tmp_path / "new.geojson", ["New A", "New B"])
    load_layer(dataset="conservation-area", source="test", path=old)

    with other_connection() as reader:
        assert names_seen_by(reader) == ["Old A", "Old B", "Old C"]
        with transaction.atomic():
            load_layer(dataset="conservation-area", source="test", path=new)
            # Loaded but not committed: the reader still sees exactly the old layer.
            assert names_seen_by(reader) == ["Old A", "Old B", "Old C"]
            assert sorted(ConstraintFeature.objects.values_list("name", flat=True)) == [
                "New A",
                "New B",
            ]
        assert names_seen_by(reader) == ["New A", "New B"]

    assert ConstraintFeaturePart.objects.count() == 2
    assert set(ConstraintFeaturePart.objects.values_list("feature__name", flat=True)) == {
        "New A",
        "New B",
    }


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_old_layer_when_a_reload_fails(tmp_path):
    old = write_layer(tmp_path / "old.geojson", ["Old A"])
    load_layer(dataset="conservation-area", source="test", path=old)
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feat')
    with pytest.raises(Exception, match="Cannot read"):
        load_layer(dataset="conservation-area", source="test", path=broken)
    assert list(ConstraintFeature.objects.values_list("name", flat=True)) == ["Old A"]
