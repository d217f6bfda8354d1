"""Factories for triage tests: documents with real files, and constraint layers loaded through
the geo importer from a GeoJSON file made on the fly."""

import hashlib
import json
from pathlib import Path

import factory
from django.contrib.gis.geos import GEOSGeometry
from django.core.files.base import ContentFile

from geo import services as geo_services
from planning.models import Document
from tests.factories import PlanningApplicationFactory


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        exclude = ("content",)

    application = factory.SubFactory(PlanningApplicationFactory)
    content = b"The site lies within the Camberwell Grove Conservation Area."
    original_filename = "planning-statement.txt"
    content_type = "text/plain"
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    size_bytes = factory.LazyAttribute(lambda o: len(o.content))
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.original_filename))


def load_polygon_layer(tmp_path: Path, *, dataset: str, name: str, wkt_27700: str, **props):
    """Load a one-feature layer (a polygon given in EPSG:27700) through geo's importer."""
    geometry = GEOSGeometry(wkt_27700, srid=27700)
    geometry.transform(4326)
    feature = {
        "type": "Feature",
        "properties": {"entity": f"{dataset}-1", "name": name, "reference": "R1", **props},
        "geometry": json.loads(geometry.geojson),
    }
    path = tmp_path / f"{dataset}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return geo_services.load_layer(dataset=dataset, source="test", path=path)
