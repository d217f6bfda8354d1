"""The deadline bands (planning.deadlines): one definition, in Python, as a filter and as a
database expression, and the three always agree."""

import datetime

import pytest

from planning import deadlines
from planning.deadlines import DeadlineBand
from planning.models import ApplicationStatus, PlanningApplication
from tests.factories import PlanningApplicationFactory

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("days", "band"),
    [(-1, "overdue"), (0, "at-risk"), (9, "at-risk"), (10, "soon"), (20, "soon"), (21, "later")],
)
def test_the_band_counts_days_to_the_deadline(settings, days, band):
    settings.AT_RISK_DAYS = 10
    deadline = TODAY + datetime.timedelta(days=days)
    assert deadlines.band(deadline, TODAY) == band
    assert deadlines.band(None, TODAY) == "none"
    assert deadlines.band(deadline, TODAY, is_open=False) == "none"
    assert deadlines.band(None, TODAY, valid=False) == "not-valid"


def test_its_words_name_the_threshold(settings):
    settings.AT_RISK_DAYS = 7
    assert deadlines.label(DeadlineBand.AT_RISK) == "At risk (under 7 days left)"
    assert deadlines.label(DeadlineBand.OVERDUE) == "Overdue"


def test_the_filter_and_the_expression_agree_with_the_function(db, settings):
    settings.AT_RISK_DAYS = 10
    made = {}
    for days in (-3, 0, 9, 10, 20, 21, 60):
        valid = TODAY - datetime.timedelta(days=30)
        application = PlanningApplicationFactory(status=ApplicationStatus.VALID, valid_date=valid)
        deadline = TODAY + datetime.timedelta(days=days)
        PlanningApplication.objects.filter(pk=application.pk).update(
            determination_deadline=deadline
        )
        made[application.pk] = deadlines.band(deadline, TODAY)
    not_valid = PlanningApplicationFactory(status=ApplicationStatus.RECEIVED, valid_date=None)
    made[not_valid.pk] = DeadlineBand.NOT_VALID
    decided = PlanningApplicationFactory(status=ApplicationStatus.DETERMINED)
    made[decided.pk] = DeadlineBand.NO_CLOCK

    bands = dict(
        PlanningApplication.objects.annotate(band=deadlines.band_case(TODAY)).values_list(
            "pk", "band"
        )
    )
    assert bands == made
    for band in DeadlineBand:
        chosen = set(
            PlanningApplication.objects.filter(deadlines.band_filter(band, TODAY)).values_list(
                "pk", flat=True
            )
        )
        assert chosen == {pk for pk, its in made.items() if its == band}, band
