"""Factories for the core models. Geometries are WKT in British National Grid."""

import datetime

import factory
from django.contrib.gis.geos import GEOSGeometry

from planning.keys import issue_api_key
from planning.models import Council, CouncilApiKey, PlanningApplication, Role, User

# A 20 m x 30 m plot in Southwark (Peckham), EPSG:27700.
SMALL_SITE_WKT = (
    "SRID=27700;MULTIPOLYGON(((534000 176000, 534020 176000, 534020 176030, "
    "534000 176030, 534000 176000)))"
)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E07{n:06d}")
    name = factory.Sequence(lambda n: f"Test District Council {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    council = factory.SubFactory(CouncilFactory)
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PlanningApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanningApplication

    council = factory.SubFactory(CouncilFactory)
    reference = factory.Sequence(lambda n: f"26/AP/{n:04d}")
    application_type = "pp.full.householder"
    description = "Single storey rear extension to a dwelling house."
    site = factory.LazyFunction(lambda: GEOSGeometry(SMALL_SITE_WKT))
    site_area_m2 = 600.0
    received_date = factory.LazyFunction(lambda: datetime.date(2026, 11, 2))


class CouncilApiKeyFactory(factory.django.DjangoModelFactory):
    """A live key; the clear key, known only at issue, is on the record as `.key`."""

    class Meta:
        model = CouncilApiKey

    council = factory.SubFactory(CouncilFactory)
    name = "Submission portal"

    @classmethod
    def _create(cls, model_class, council, name, **kwargs):
        issued = issue_api_key(council, name)
        issued.record.key = issued.key
        return issued.record


class ReadOnlyCouncilApiKeyFactory(CouncilApiKeyFactory):
    """A live key that may read but not write; the clear key is on the record as `.key`."""

    @classmethod
    def _create(cls, model_class, council, name, **kwargs):
        issued = issue_api_key(council, name, read_only=True)
        issued.record.key = issued.key
        return issued.record
