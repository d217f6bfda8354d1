import json
from io import StringIO

import geopandas
import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import Point, box

from geo.models import ConstraintFeature
from tests.geo.conftest import CONSTRAINTS, odp_site
from tests.geo.factories import ConstraintFeatureFactory, ConstraintLayerFactory

GLOBE = "examples/application/priorApproval/solarPanels.json"


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def globe_site(tmp_path):
    path = tmp_path / "globe.geojson"
    path.write_text(json.dumps(odp_site(GLOBE)))
    return path


def test_it_prints_the_hits_for_a_site_as_text(southwark_layers, globe_site):
    out = run("check_site", geojson=str(globe_site))
    assert out.startswith("Site area 4,249.2 m²")
    assert "article-4-direction-area" in out
    assert "site-inside" in out
    assert "Article 4: offices in the Central Activities Zone" in out
    # The listed buildings next to the Globe are its neighbours: reported with a distance.
    assert "Cardinals Wharf, and railings at door (grade II) #470551" in out
    assert "1.1 m away" in out


def test_it_prints_the_hits_for_a_site_as_json(southwark_layers, globe_site):
    result = json.loads(run("check_site", geojson=str(globe_site), json=True))
    assert result["site_area_m2"] == pytest.approx(4249.19, abs=0.01)
    hits = result["hits"]
    assert {h["dataset"] for h in hits} == {"article-4-direction-area", "listed-building"}
    listed = [h for h in hits if h["dataset"] == "listed-building"]
    assert all(h["relation"] == "nearby" and h["distance_m"] <= 50 for h in listed)
    assert set(hits[0]) == {
        "dataset", "source", "feature_id", "entity", "name", "reference", "attributes",
        "relation", "overlap_area_m2", "site_share_pct", "distance_m", "grazes",
    }  # fmt: skip
    only_listed = json.loads(
        run("check_site", geojson=str(globe_site), json=True, dataset=["listed-building"])
    )
    assert {h["dataset"] for h in only_listed["hits"]} == {"listed-building"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read"),
        ("not json", "is not JSON"),
        ('{"type": "Point", "coordinates": [-0.1, 51.5]}', "Polygon or MultiPolygon"),
        ('{"type": "FeatureCollection", "features": []}', "no polygon"),
        ('{"hello": 1}', "Not GeoJSON"),
    ],
)
def test_it_rejects_a_bad_site_file_clearly(db, tmp_path, content, message):
    path = tmp_path / "site.geojson"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("check_site", geojson=str(path))


@pytest.mark.parametrize(
    ("name", "content", "dataset", "message"),
    [
        ("missing.geojson", None, "conservation-area", "No such file"),
        ("layer.txt", "hello", "conservation-area", "expected GeoJSON"),
        ("broken.geojson", '{"type": "FeatureCol', "conservation-area", "Cannot read"),
        ("no-geometry.csv", "entity,name\n1,A\n", "conservation-area", "no 'geometry' column"),
        ("layer.geojson", '{"type": "FeatureCollection", "features": []}', "not-a-dataset",
         "Unknown dataset"),
    ],
)  # fmt: skip
def test_it_rejects_a_bad_layer_file_clearly(db, tmp_path, name, content, dataset, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("load_constraints", str(path), dataset=dataset, source="test", no_progress=True)
    assert not ConstraintFeature.objects.exists()


def test_it_loads_the_national_platform_csv_with_wkt_and_points(db, tmp_path):
    path = tmp_path / "listed-building.csv"
    path.write_text(
        "dataset,entity,name,reference,listed-building-grade,start-date,end-date,geometry,point\n"
        'listed-building,31000001,Church of St Mary,1385834,I,1950-03-02,,"POLYGON((-0.1 51.5,'
        ' -0.0999 51.5, -0.0999 51.5001, -0.1 51.5001, -0.1 51.5))",POINT(-0.09995 51.50005)\n'
        "listed-building,31000002,Milestone,1385835,II,,,,POINT(-0.2 51.4)\n"
        "listed-building,31000003,Lost record,1385836,II,,,,\n"
    )
    out = run("load_constraints", str(path), dataset="listed-building", source="planning-data",
              no_progress=True)  # fmt: skip
    assert "read 3, loaded 2" in out
    assert "skipped 1 empty" in out
    church = ConstraintFeature.objects.get(entity="31000001")
    assert church.reference == "1385834"
    assert church.attributes == {"grade": "I"}
    assert church.start_date.isoformat() == "1950-03-02"
    assert church.geometry.srid == 27700
    assert church.geometry.geom_type == "Polygon"
    assert ConstraintFeature.objects.get(entity="31000002").geometry.geom_type == "Point"


@pytest.mark.parametrize(("suffix", "driver"), [(".gpkg", "GPKG"), (".shp", "ESRI Shapefile")])
def test_it_loads_geopackages_and_shapefiles_in_their_own_crs(db, tmp_path, suffix, driver):
    frame = geopandas.GeoDataFrame(
        {"entity": ["1", "2", "3"], "name": ["Bow Creek", "Broken", "Dock"]},
        geometry=[
            box(534000, 176000, 534100, 176100),
            # A bow-tie: invalid, repaired rather than dropped.
            geopandas.GeoSeries.from_wkt(["POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))"]).translate(
                534200, 176000
            )[0],
            Point(534500, 176500).buffer(20),
        ],
        crs="EPSG:27700",
    )
    path = tmp_path / f"flood{suffix}"
    frame.to_file(path, driver=driver)
    out = run("load_constraints", str(path), dataset="flood-risk-zone", source="test",
              no_progress=True)  # fmt: skip
    assert "loaded 3, repaired 1 invalid" in out
    bow = ConstraintFeature.objects.get(entity="2")
    assert bow.geometry.valid
    assert bow.area_m2 == pytest.approx(50.0)
    creek = ConstraintFeature.objects.get(name="Bow Creek")
    assert creek.geometry.extent == pytest.approx((534000, 176000, 534100, 176100))


def test_it_skips_an_unchanged_file_only_when_asked(db):
    path = CONSTRAINTS / "trafford" / "trafford_scheduled_monuments.geojson"
    options = {"dataset": "scheduled-monument", "source": "trafford", "no_progress": True}
    assert "loaded 1" in run("load_constraints", str(path), **options)
    assert "unchanged, skipped" in run("load_constraints", str(path), if_changed=True, **options)
    assert "loaded 1" in run("load_constraints", str(path), **options)
    assert ConstraintFeature.objects.count() == 1


def test_it_runs_the_benchmark_small_and_ends_with_a_result_line(db):
    ConstraintFeatureFactory(layer=ConstraintLayerFactory(dataset="green-belt"))
    out = run("bench_spatial", features=2000, large=2, sites=20, naive_sites=10)
    last = out.strip().splitlines()[-1]
    fields = dict(pair.split("=") for pair in last.removeprefix("RESULT ").split())
    assert last.startswith("RESULT ")
    assert set(fields) == {"features", "sites", "p50_ms", "p95_ms", "naive_p95_ms", "speedup"}
    assert fields["features"] == "2000"
    assert fields["sites"] == "20"
    assert float(fields["p95_ms"]) > 0
    # The real layers are untouched and the synthetic schema is gone.
    assert ConstraintFeature.objects.count() == 1
