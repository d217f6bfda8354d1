"""Factories for constraint layers. Geometries are WKT in British National Grid; a feature's
indexed parts are cut as the importer cuts them, so check_site sees it."""

import factory
from django.contrib.gis.geos import GEOSGeometry

from geo.importers import index_parts
from geo.models import ConstraintFeature, ConstraintLayer

# A 100 m square in Peckham, south-west corner at (534000, 176000).
SQUARE_WKT = (
    "SRID=27700;POLYGON((534000 176000, 534100 176000, 534100 176100, "
    "534000 176100, 534000 176000))"
)


def square(x: float, y: float, size: float) -> GEOSGeometry:
    return GEOSGeometry(
        f"SRID=27700;POLYGON(({x} {y}, {x + size} {y}, {x + size} {y + size}, "
        f"{x} {y + size}, {x} {y}))"
    )


def rectangle(x0: float, y0: float, x1: float, y1: float) -> GEOSGeometry:
    return GEOSGeometry(
        f"SRID=27700;MULTIPOLYGON((({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0})))"
    )


class ConstraintLayerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConstraintLayer
        django_get_or_create = ("dataset", "source")

    dataset = "conservation-area"
    source = "test"
    publisher = "Test Borough Council"
    licence = "Open Government Licence v3.0"


class ConstraintFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConstraintFeature
        skip_postgeneration_save = True

    layer = factory.SubFactory(ConstraintLayerFactory)
    entity = factory.Sequence(lambda n: str(1000000 + n))
    name = factory.Sequence(lambda n: f"Test feature {n}")
    reference = factory.LazyAttribute(lambda o: o.entity)
    geometry = factory.LazyFunction(lambda: GEOSGeometry(SQUARE_WKT))
    dimension = factory.LazyAttribute(lambda o: o.geometry.dims)
    area_m2 = factory.LazyAttribute(lambda o: o.geometry.area)

    @factory.post_generation
    def parts(obj, create, extracted, **kwargs):
        if create:
            index_parts(obj.layer, after_id=obj.pk - 1)
