"""A site's history: what is on it, what is near, what is only the neighbour's boundary,
newest first, the council's own only; this service's decisions join it as they are made."""

import datetime

from django.contrib.gis.geos import GEOSGeometry

from planning.models import ApplicationStatus, PastApplication, PastDecision
from planning.services import record_decision, update_application
from planning.site_history.lookup import NEARBY, ON_SITE, site_history
from tests.factories import PlanningApplicationFactory
from tests.history.factories import PastApplicationFactory, box

SITE = GEOSGeometry(box(534000, 176000))  # 20 m x 30 m


def test_it_lists_the_site_and_its_neighbours_newest_first(southwark):
    old = PastApplicationFactory(council=southwark, decision_date=datetime.date(1988, 3, 1))
    refused = PastApplicationFactory(
        council=southwark,
        decision=PastDecision.REFUSED,
        decision_date=datetime.date(2024, 2, 1),
        geometry=GEOSGeometry(box(534005, 176005, 10, 10)),  # a small scheme inside the site
    )
    next_door = PastApplicationFactory(
        council=southwark, geometry=GEOSGeometry(box(534020, 176000)), reference="NEXT"
    )
    sliver = PastApplicationFactory(
        council=southwark, geometry=GEOSGeometry(box(533980.5, 176000)), reference="SLIVER"
    )
    across = PastApplicationFactory(
        council=southwark, geometry=GEOSGeometry(box(534060, 176000)), reference="ACROSS"
    )
    PastApplicationFactory(council=southwark, geometry=GEOSGeometry(box(534200, 176000)))

    found = site_history(southwark, SITE, within_m=50)

    assert [item.record for item in found] == [refused, next_door, sliver, across, old]
    by_reference = {item.record.reference: item for item in found}
    assert found[0].relation == ON_SITE and found[0].stands_out
    assert found[0].why == "Covers 17% of this site (100 m²)"
    assert by_reference["NEXT"].relation == NEARBY
    assert by_reference["NEXT"].why == "Next to this site (the outlines touch)"
    # Half a metre over the fence is the neighbour's land, not this site.
    assert by_reference["SLIVER"].relation == NEARBY and by_reference["SLIVER"].overlap_m2 == 15
    assert by_reference["ACROSS"].why == "40 m from this site"
    assert by_reference[old.reference].why == "Covers 100% of this site (600 m²)"


def test_the_council_sets_how_far_nearby_reaches(southwark):
    PastApplicationFactory(council=southwark, geometry=GEOSGeometry(box(534060, 176000)))
    southwark.history_distance_m = 30
    southwark.save()

    assert site_history(southwark, SITE) == []


def test_another_councils_history_is_not_this_councils(southwark, trafford):
    PastApplicationFactory(council=trafford)

    assert site_history(southwark, SITE, within_m=50) == []


def test_a_decision_recorded_here_joins_the_history_and_is_not_its_own_history(southwark):
    application = PlanningApplicationFactory(
        council=southwark, reference="26/AP/0001", valid_date=datetime.date(2026, 11, 3)
    )
    application.status = ApplicationStatus.VALID
    application.save()

    record_decision(application, outcome="refused", decision_date=datetime.date(2026, 11, 20))

    record = PastApplication.objects.get(application=application)
    assert (record.reference, record.decision, record.source) == (
        "26/AP/0001",
        PastDecision.REFUSED,
        "this-service",
    )
    assert record.decision_date == datetime.date(2026, 11, 20)
    later = PlanningApplicationFactory(council=southwark, reference="27/AP/0001")
    assert [
        item.record
        for item in site_history(southwark, later.site, within_m=50, exclude_application=later.pk)
    ] == [record]
    assert (
        site_history(southwark, application.site, within_m=50, exclude_application=application.pk)
        == []
    )


def test_a_withdrawal_joins_the_history(southwark):
    application = PlanningApplicationFactory(council=southwark)

    update_application(application, withdrawn=True)

    assert PastApplication.objects.get(application=application).decision == "withdrawn"


def test_an_application_without_a_site_leaves_no_record(southwark):
    application = PlanningApplicationFactory(council=southwark, site=None)

    update_application(application, withdrawn=True)

    assert not PastApplication.objects.exists()
