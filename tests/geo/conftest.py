import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
CONSTRAINTS = SHARED_DATA / "constraints"
ODP = SHARED_DATA / "odp"

SOUTHWARK_LAYERS = {
    "conservation-area": "southwark/conservation-area.geojson",
    "listed-building": "southwark/listed-building.geojson",
    "article-4-direction-area": "southwark/article-4-direction-area.geojson",
    "tree-preservation-zone": "southwark/tree-preservation-zone.geojson",
}


def load(dataset: str, source: str, relative: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(
        "load_constraints",
        str(CONSTRAINTS / relative),
        dataset=dataset,
        source=source,
        no_progress=True,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def southwark_layers(db):
    return {dataset: load(dataset, "southwark", path) for dataset, path in SOUTHWARK_LAYERS.items()}


@pytest.fixture
def trafford_listed_buildings(db):
    return load("listed-building", "trafford", "trafford/trafford_listed_buildings.geojson")


def odp_site(file: str) -> dict:
    """The site boundary (a GeoJSON Feature in WGS84) of one Open Digital Planning example."""
    boundaries = json.loads((ODP / "odp_examples_site_boundaries.geojson").read_text())
    return next(f for f in boundaries["features"] if f["properties"]["file"] == file)
