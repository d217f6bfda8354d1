"""Importing a council's register through the command, on files shaped as each source
publishes them (values made up here), with bad records among good ones: each bad record is
skipped with its reason, a file that cannot be read loads nothing, and a reload replaces
only its own source."""

import csv
import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from planning.models import PastApplication, PastDecision, PastKind
from planning.site_history import importers
from tests.factories import PlanningApplicationFactory
from tests.history.factories import PastApplicationFactory

# A plot in Peckham, WGS84 (about 534000, 176000 in British National Grid).
PLOT_WKT = (
    "POLYGON((-0.0700 51.4700, -0.0697 51.4700, -0.0697 51.4702, -0.0700 51.4702, -0.0700 51.4700))"
)
PLOT = {
    "type": "Polygon",
    "coordinates": [
        [[-0.07, 51.47], [-0.0697, 51.47], [-0.0697, 51.4702], [-0.07, 51.4702], [-0.07, 51.47]]
    ],
}
PLANNING_DATA_COLUMNS = [
    "entity",
    "reference",
    "name",
    "description",
    "address-text",
    "planning-application-type",
    "planning-decision",
    "decision-date",
    "start-date",
    "geometry",
    "point",
    "organisation",
]


def load(path, council="E09000028", history_format="planning-data", *args):
    call_command(
        "load_planning_history",
        str(path),
        "--council",
        council,
        "--format",
        history_format,
        "--no-progress",
        *args,
    )


def planning_data_csv(tmp_path, rows):
    path = tmp_path / "planning-application.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, PLANNING_DATA_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: "" for column in PLANNING_DATA_COLUMNS} | row)
    return path


def platform_row(reference, **extra):
    return {
        "entity": f"1000{len(reference)}",
        "reference": reference,
        "description": "Erection of a rear dormer.",
        "address-text": "4 Bellenden Road, London SE15 4RF",
        "planning-application-type": "householder",
        "planning-decision": "refused",
        "decision-date": "2024-03-18",
        "start-date": "2024-01-09",
        "geometry": PLOT_WKT,
        "organisation": "local-authority:SWK",
    } | extra


def test_it_loads_the_national_platforms_csv_and_names_each_skipped_record(
    southwark, tmp_path, capsys
):
    path = planning_data_csv(
        tmp_path,
        [
            platform_row("24/AP/0100"),
            platform_row(
                "24/AP/0101",
                geometry="",
                point="POINT(-0.0699 51.4701)",
                **{"planning-decision": "approved"},
            ),
            platform_row("", description="No reference at all."),
            platform_row("24/AP/0103", geometry="POLYGON((oops))"),
            platform_row("24/AP/0104", geometry=""),
            platform_row("24/AP/0105", **{"decision-date": "31/02/2024"}),
            platform_row("24/AP/0100", description="The same reference again."),
            platform_row("24/AP/0107", geometry="POINT(51.4701 -0.0699)"),
            platform_row(
                "24/EN/0001",
                **{
                    "planning-application-type": "enforcement",
                    "planning-decision": "notice issued",
                },
            ),
            platform_row("24/AP/0108", **{"planning-decision": "Approve subject to s106"}),
        ],
    )

    load(path)

    out = capsys.readouterr().out
    assert "read 10, loaded 4, skipped 6" in out
    assert "skipped 1: no reference: record 3" in out
    assert "skipped 1: the geometry cannot be read: record 4 (24/AP/0103)" in out
    assert "skipped 1: no site outline or point: record 5 (24/AP/0104)" in out
    assert (
        "skipped 1: the decision date is not a date: record 6 (24/AP/0105): "
        "'31/02/2024', expected ISO 8601"
    ) in out
    assert "the reference appears more than once: record 7 (24/AP/0100): first at record 1" in out
    assert "the geometry lies outside Great Britain: record 8 (24/AP/0107)" in out
    assert "kept as 'other' (decision words not known): 'Approve subject to s106' x1" in out
    refused = PastApplication.objects.get(reference="24/AP/0100")
    assert refused.decision == PastDecision.REFUSED
    assert refused.decision_date == datetime.date(2024, 3, 18)
    assert refused.received_date == datetime.date(2024, 1, 9)
    assert refused.source == "planning-data"
    assert 530_000 < refused.geometry.centroid.x < 537_000
    point = PastApplication.objects.get(reference="24/AP/0101")
    assert point.geometry.geom_type == "Point" and point.area_m2 == 0
    enforcement = PastApplication.objects.get(reference="24/EN/0001")
    assert enforcement.kind == PastKind.ENFORCEMENT
    assert enforcement.decision == PastDecision.REFUSED


def test_it_loads_the_platforms_geojson(southwark, tmp_path):
    path = tmp_path / "planning-application.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": PLOT,
                        "properties": platform_row("19/AP/0001") | {"geometry": None},
                    },
                    {"type": "Feature", "geometry": None, "properties": platform_row("19/AP/2")},
                ],
            }
        )
    )

    load(path)

    assert list(PastApplication.objects.values_list("reference", flat=True)) == ["19/AP/0001"]


def datahub_record(reference, **extra):
    """A record in the Datahub's own shape (its field names; the values are made up)."""
    return {
        "id": f"Southwark-{reference.replace('/', '_')}",
        "lpa_app_no": reference,
        "lpa_name": "Southwark",
        "site_name": "Flat B\r12 Example Road\rLondon\r\r",
        "description": "Rear roof extension.",
        "application_type": "Householder",
        "application_type_full": "Householder planning permission",
        "decision": "Approved",
        "decision_date": "05/07/2022",
        "valid_date": "10/05/2022",
        "appeal_decision": None,
        "centroid": {"lat": 51.4701, "lon": -0.0699},
        "polygon": {
            "type": "geometrycollection",
            "geometries": [
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[534000, 176000], [534020, 176000], [534020, 176030], [534000, 176000]]
                    ],
                }
            ],
        },
        "wgs84_polygon": PLOT,
    } | extra


def test_it_reads_datahub_records_one_list_or_a_search_response(southwark, tmp_path, capsys):
    placeholder = {"lat": 49.766807, "lon": -7.55716}
    records = [
        datahub_record("22/AP/0001"),
        datahub_record("22/AP/0002", polygon=None, wgs84_polygon=None),
        datahub_record("22/AP/0003", polygon=None, wgs84_polygon=None, centroid=placeholder),
        datahub_record("22/AP/0004", decision_date="2022-13-40"),
    ]
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"hits": {"hits": [{"_source": r} for r in records]}}))

    load(path, "E09000028", "london-datahub")

    out = capsys.readouterr().out
    assert "read 4, loaded 2, skipped 2" in out
    assert "no site outline or point: record 3 (22/AP/0003)" in out
    first = PastApplication.objects.get(reference="22/AP/0001")
    assert first.address == "Flat B, 12 Example Road, London"
    assert first.application_type == "Householder planning permission"
    assert first.decision_date == datetime.date(2022, 7, 5)
    # The British National Grid outline is used as it is, not reprojected.
    assert first.geometry.extent == (534000.0, 176000.0, 534020.0, 176030.0)
    assert PastApplication.objects.get(reference="22/AP/0002").geometry.geom_type == "Point"


def test_a_councils_own_geojson_is_read_through_its_mapping(trafford, tmp_path, capsys):
    mapping = tmp_path / "columns.toml"
    mapping.write_text(
        """
[columns]
reference = "APP_REF"
address = "SITE_ADDR"
description = "PROPOSAL"
decision = "DECISION"
decision_date = "DEC_DATE"
application_type = "APP_TYPE"

[dates]
format = "%d/%m/%Y"

[decisions]
"Grant with conditions" = "granted"
"Refuse permission" = "refused"

[enforcement]
column = "APP_TYPE"
values = ["Enforcement"]
"""
    )
    path = tmp_path / "register.geojson"
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.31, 53.44]}}
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    feature
                    | {
                        "properties": {
                            "APP_REF": "98765/HHA/19",
                            "SITE_ADDR": "1 Talbot Road",
                            "PROPOSAL": "Porch",
                            "DECISION": "Refuse permission",
                            "DEC_DATE": "02/09/2019",
                            "APP_TYPE": "HHA",
                        }
                    },
                    feature
                    | {
                        "properties": {
                            "APP_REF": "ENF/19/0042",
                            "DECISION": "Notice issued",
                            "DEC_DATE": "11/11/2019",
                            "APP_TYPE": "Enforcement",
                        }
                    },
                    feature
                    | {
                        "properties": {
                            "APP_REF": "98766/HHA/19",
                            "DECISION": "Grant with conditions",
                            "DEC_DATE": "2019-10-01",
                        }
                    },
                ],
            }
        )
    )

    load(path, "E08000009", "council-geojson", "--mapping", str(mapping), "--source", "trafford")

    assert "read 3, loaded 3, skipped 0" in capsys.readouterr().out
    refused = PastApplication.objects.get(reference="98765/HHA/19")
    assert (refused.decision, refused.decision_date) == ("refused", datetime.date(2019, 9, 2))
    assert refused.source == "trafford" and refused.council == trafford
    assert PastApplication.objects.get(reference="ENF/19/0042").kind == PastKind.ENFORCEMENT
    assert PastApplication.objects.get(reference="98766/HHA/19").decision == "granted"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("[columns]\naddress = 'ADDR'\n", "reference is required"),
        ("[columns]\nreference = 'R'\nwho = 'X'\n", "unknown fields who"),
        ("[columns]\nreference = 'R'\n[decisions]\n'Yes' = 'approved'\n", "use one of granted"),
        ("[columns\n", "columns.toml"),
    ],
)
def test_a_bad_mapping_loads_nothing_and_says_why(southwark, tmp_path, mapping, message):
    path = tmp_path / "columns.toml"
    path.write_text(mapping)
    data = tmp_path / "register.geojson"
    data.write_text('{"type": "FeatureCollection", "features": []}')

    with pytest.raises(CommandError, match=message):
        load(data, "E09000028", "council-geojson", "--mapping", str(path))
    assert not PastApplication.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.csv", "reference,name\n1,x\n", "no 'geometry' or 'point' column"),
        ("register.csv", "name,geometry\nx,POINT(0 51)\n", "no 'reference' column"),
        ("register.geojson", "{not json", "Cannot read register.geojson as JSON"),
        ("register.txt", "hello", "expected .csv or .geojson or .json"),
    ],
)
def test_a_file_that_cannot_be_read_loads_nothing(southwark, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        load(path)
    assert not PastApplication.objects.exists()


def test_an_unknown_council_and_a_reserved_source_are_refused(southwark, tmp_path):
    path = planning_data_csv(tmp_path, [platform_row("24/AP/0100")])
    with pytest.raises(CommandError, match="No council with the code E09999999"):
        load(path, "E09999999")
    with pytest.raises(CommandError, match="this service's own decisions"):
        load(path, "E09000028", "planning-data", "--source", "this-service")


def test_strict_loads_nothing_when_a_record_is_skipped(southwark, tmp_path):
    path = planning_data_csv(tmp_path, [platform_row("24/AP/0100"), platform_row("")])

    with pytest.raises(CommandError, match="--strict, and records were skipped"):
        load(path, "E09000028", "planning-data", "--strict")
    assert not PastApplication.objects.exists()


def test_a_reload_replaces_its_source_only(southwark, tmp_path):
    ours = PlanningApplicationFactory(council=southwark, reference="26/AP/0001")
    PastApplicationFactory(council=southwark, source="other-register", reference="88/0001")
    PastApplicationFactory(
        council=southwark, source="this-service", reference="26/AP/0001", application=ours
    )
    load(planning_data_csv(tmp_path, [platform_row("24/AP/0100"), platform_row("24/AP/0101")]))

    load(planning_data_csv(tmp_path, [platform_row("24/AP/0102")]))

    assert sorted(PastApplication.objects.values_list("reference", flat=True)) == [
        "24/AP/0102",
        "26/AP/0001",
        "88/0001",
    ]


def test_a_load_that_fails_part_way_leaves_the_earlier_records(southwark, tmp_path, monkeypatch):
    load(planning_data_csv(tmp_path, [platform_row("24/AP/0100")]))
    monkeypatch.setattr(importers, "BATCH_SIZE", 1)
    calls = []
    original = PastApplication.objects.bulk_create

    def failing(batch, *args, **kwargs):
        calls.append(batch)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(batch, *args, **kwargs)

    monkeypatch.setattr(PastApplication.objects, "bulk_create", failing)
    rows = [platform_row(f"25/AP/{n:04d}") for n in range(3)]

    with pytest.raises(RuntimeError):
        load(planning_data_csv(tmp_path, rows))

    assert list(PastApplication.objects.values_list("reference", flat=True)) == ["24/AP/0100"]
