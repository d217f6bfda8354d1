"""Past applications for tests, with WKT geometries in British National Grid."""

import datetime

import factory
from django.contrib.gis.geos import GEOSGeometry

from planning.models import PastApplication, PastDecision
from tests.factories import CouncilFactory


def box(x: float, y: float, width: float = 20, depth: float = 30) -> str:
    """A rectangle from (x, y), in EPSG:27700, as EWKT."""
    return (
        f"SRID=27700;MULTIPOLYGON((({x} {y}, {x + width} {y}, {x + width} {y + depth}, "
        f"{x} {y + depth}, {x} {y})))"
    )


class PastApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PastApplication

    council = factory.SubFactory(CouncilFactory)
    reference = factory.Sequence(lambda n: f"09/AP/{n:04d}")
    address = "12 Camberwell Grove, London SE5 8RE"
    description = "Erection of a single storey rear extension."
    application_type = "Householder planning permission"
    decision = PastDecision.GRANTED
    decision_text = "Approved"
    decision_date = datetime.date(2009, 6, 1)
    geometry = factory.LazyFunction(lambda: GEOSGeometry(box(534000, 176000)))
    area_m2 = factory.LazyAttribute(lambda record: record.geometry.area)
    source = "council-register"
