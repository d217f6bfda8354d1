from planning.models import PastApplication
from tests.history.factories import PastApplicationFactory


def test_a_past_application_is_a_plot_in_british_national_grid(db):
    record = PastApplicationFactory()

    stored = PastApplication.objects.get(pk=record.pk)
    assert stored.geometry.srid == 27700
    assert stored.area_m2 == 600.0
    assert str(stored) == f"{record.reference} (granted)"
