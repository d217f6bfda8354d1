"""The site's planning history for an officer: on the application page (on the site, nearby,
refusals marked), on its map, in the score's reasons and the queue's "refused on this site
before" filter, all through HTTP; another council's history never shows."""

import datetime

import pytest
from django.contrib.gis.geos import GEOSGeometry

from planning.models import PastDecision, PastKind
from tests.dashboard.conftest import triage_now
from tests.factories import PlanningApplicationFactory
from tests.history.factories import PastApplicationFactory, box
from triage import site_history
from triage.vocabulary import HISTORY_ENFORCEMENT, HISTORY_REFUSED


@pytest.fixture
def officer_client(client, people):
    client.force_login(people["officer"])
    return client


@pytest.fixture
def history(southwark, trafford):
    """On the site: a refusal in 2021 and a grant in 1987; next door, a grant; and Trafford's
    record at the very same place (another council's register)."""
    return {
        "refused": PastApplicationFactory(
            council=southwark,
            reference="21/AP/2555",
            description="Erection of a two storey rear extension.",
            decision=PastDecision.REFUSED,
            decision_text="Refused",
            decision_date=datetime.date(2021, 9, 14),
        ),
        "old": PastApplicationFactory(
            council=southwark,
            reference="8701234",
            description="Conversion into two flats.",
            decision_date=datetime.date(1987, 4, 2),
        ),
        "next-door": PastApplicationFactory(
            council=southwark,
            reference="19/AP/0100",
            description="Roof terrace.",
            geometry=GEOSGeometry(box(534030, 176000)),
            decision_date=datetime.date(2019, 5, 5),
        ),
        "theirs": PastApplicationFactory(
            council=trafford, reference="TRAFFORD/1", description="Somebody else's register."
        ),
    }


def test_the_page_lists_the_history_on_the_site_and_nearby(officer_client, triaged, history):
    page = officer_client.get(f"/applications/{triaged.pk}/").content.decode()

    on_site = page.split('data-test-id="history-on-site"', 1)[1].split("</table>", 1)[0]
    assert on_site.index("21/AP/2555") < on_site.index("8701234")  # newest first
    assert "app-history__row--stands-out" in on_site.split("8701234")[0]
    assert "govuk-tag--red" in on_site and "14 September 2021" in on_site
    assert "Covers 100% of this site (600 m²)" in on_site
    nearby = page.split('data-test-id="history-nearby"', 1)[1].split("</table>", 1)[0]
    assert "19/AP/0100" in nearby and "10 m from this site" in nearby
    assert "1 refusal or enforcement case on this site" in page
    assert "Planning history (3)" in page
    assert "TRAFFORD/1" not in page and "Somebody else" not in page


def test_the_map_draws_the_earlier_outlines(officer_client, triaged, history):
    collection = officer_client.get(f"/applications/{triaged.pk}/map.geojson").json()

    drawn = [
        f["properties"] for f in collection["features"] if f["properties"]["kind"] == "history"
    ]
    assert {p["reference"] for p in drawn} == {"21/AP/2555", "8701234", "19/AP/0100"}
    refused = next(p for p in drawn if p["reference"] == "21/AP/2555")
    assert refused["refused"] is True and refused["year"] == 2021
    assert drawn[-1]["reference"] == "21/AP/2555"  # the newest on top


def test_an_application_without_history_says_so(officer_client, triaged):
    page = officer_client.get(f"/applications/{triaged.pk}/").content.decode()

    assert "No earlier application is recorded on this site." in page
    assert "No earlier application is recorded within 50 m." in page


def test_a_recent_refusal_on_the_site_is_a_score_reason_and_a_finding(
    officer_client, triaged, history
):
    run = triage_now(triaged)

    assert "Refused 2021 on this site (21/AP/2555)" in run.reasons
    # The grant of 1987 and the one next door do not move the case.
    assert [f.value for f in run.findings.filter(code__startswith="history.")] == ["21/AP/2555"]
    page = officer_client.get(f"/applications/{triaged.pk}/").content.decode()
    assert "Refused or enforced on this site before" in page
    assert "Refused 2021 on this site (21/AP/2555)" in page


def test_refusals_older_than_ten_years_and_enforcement_are_told_apart(southwark):
    application = PlanningApplicationFactory(
        council=southwark, received_date=datetime.date(2026, 11, 2)
    )
    PastApplicationFactory(
        council=southwark, decision=PastDecision.REFUSED, decision_date=datetime.date(2016, 11, 1)
    )
    PastApplicationFactory(
        council=southwark,
        reference="ENF/24/0001",
        kind=PastKind.ENFORCEMENT,
        decision=PastDecision.REFUSED,
        decision_date=datetime.date(2024, 1, 5),
    )

    findings = site_history.history_findings(application)

    assert [(f.code, f.value) for f in findings] == [(HISTORY_ENFORCEMENT, "ENF/24/0001")]
    assert findings[0].title == "Enforcement 2024 on this site (ENF/24/0001)"


def test_the_queue_filters_what_was_refused_on_its_site_before(
    officer_client, triaged, history, southwark
):
    triage_now(triaged)
    elsewhere = PlanningApplicationFactory(
        council=southwark,
        reference="26/AP/0200",
        site=GEOSGeometry(box(535000, 177000)),
    )
    triage_now(elsewhere)

    everything = officer_client.get("/?tab=open").content.decode()
    refused = officer_client.get("/?tab=open&history=refused-here").content.decode()

    assert 'Refused on this site before <span class="app-filter-count">(1)</span>' in everything
    assert "26/AP/0200" in everything
    assert "26/AP/0100" in refused and "26/AP/0200" not in refused.split('data-test-id="queue"')[1]
    assert HISTORY_REFUSED == "history.refused"
