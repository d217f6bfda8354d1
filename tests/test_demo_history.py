"""The demo's generated planning history, on a few sites: the same every time, in each
council's reference style, on the site and next door, and nothing from a real register."""

import datetime

from django.contrib.gis.geos import GEOSGeometry

from demo.site_history import DEMO_SOURCE, DemoSite, generate
from planning.site_history.lookup import site_history
from tests.history.factories import box


def sites(count: int) -> list[DemoSite]:
    return [
        DemoSite(
            f"26/AP/{n:04d}",
            GEOSGeometry(box(534000 + 200 * n, 176000)),
            householder=n % 3 != 0,
            description="Erection of a single storey rear extension.",
            received=datetime.date(2026, 10, 1),
        )
        for n in range(40)
    ][:count]


def test_it_is_the_same_history_every_time(southwark):
    first = generate(southwark, "southwark", sites(40))
    again = generate(southwark, "southwark", sites(40))

    assert [(r.reference, r.decision, r.decision_date) for r in first] == [
        (r.reference, r.decision, r.decision_date) for r in again
    ]
    assert all(r.source == DEMO_SOURCE and r.council == southwark for r in first)
    assert {r.decision for r in first} >= {"granted", "refused"}
    assert all(r.decision_date < datetime.date(2026, 10, 1) for r in first)
    assert len({r.reference for r in first}) == len(first)


def test_some_sites_have_decades_of_history_and_others_none(southwark):
    from planning.models import PastApplication

    PastApplication.objects.bulk_create(generate(southwark, "southwark", sites(40)))

    on_site = [
        [i for i in site_history(southwark, s.geometry, within_m=5) if i.on_site] for s in sites(40)
    ]
    assert sum(1 for found in on_site if not found) >= 5
    assert any(len({i.record.decided_on.year // 10 for i in found}) >= 3 for found in on_site)
    nearby = [i for s in sites(40) for i in site_history(southwark, s.geometry, within_m=5)]
    assert any(not item.on_site for item in nearby)  # the neighbours' applications


def test_references_follow_each_councils_style(southwark, trafford):
    southwark_refs = [r.reference for r in generate(southwark, "southwark", sites(40))]
    trafford_refs = [r.reference for r in generate(trafford, "trafford", sites(40))]

    assert any("/AP/" in ref for ref in southwark_refs)
    assert any(ref.startswith("H/") or "/HHA/" in ref for ref in trafford_refs)
