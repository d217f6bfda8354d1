"""Consultees for an officer, through HTTP: the application page lists each suggestion with its
rules and evidence and what could not be checked; the officer confirms one and dismisses
another with a reason; a re-run keeps both decisions; the page's CSV and the council API carry
the same list; another council's list is never shown."""

import csv
import io

import pytest
from django.core.management import call_command

from tests.api.conftest import client_for
from tests.dashboard.conftest import triage_now
from tests.factories import CouncilApiKeyFactory
from triage.models import Finding
from triage.vocabulary import CONSULTEE, CONSULTEE_UNCHECKED


@pytest.fixture
def lists(southwark):
    call_command("load_consultations", stdout=io.StringIO())


@pytest.fixture
def officer_client(client, people):
    client.force_login(people["officer"])
    return client


@pytest.fixture
def consulted(triaged, lists):
    """The triaged householder application in a conservation area, triaged again now that the
    consultation lists are loaded."""
    triage_now(triaged)
    return triaged


def suggestion(application, consultee, code=CONSULTEE):
    return Finding.objects.filter(application=application, code=code, value=consultee).latest("id")


def decide(client, application, finding, decision, reason=""):
    prefix = f"f{finding.pk}-"
    return client.post(
        f"/applications/{application.pk}/findings/{finding.pk}/review",
        {prefix + "decision": decision, prefix + "reason": reason, prefix + "amended_value": ""},
    )


def test_the_page_lists_each_consultee_with_its_rule_evidence_and_what_was_not_checked(
    officer_client, consulted
):
    page = officer_client.get(f"/applications/{consulted.pk}/").content.decode()

    table = page.split('data-test-id="consultees"', 1)[1].split("</table>", 1)[0]
    row = table.split('data-consultee="design-and-conservation"', 1)[1].split("</tr>", 1)[0]
    assert "Design and conservation team" in row
    assert "Rule conservation-officer-area (London Borough of Southwark consultation list" in row
    assert "Camberwell Grove" in row  # the evidence: the layer's feature
    assert "To confirm" in row
    # No flood, river or nature layer is loaded for this site: said, not left out.
    folded = page.split('data-test-id="consultees-unchecked"', 1)[1].split("</details>", 1)[0]
    assert "consultees could not be checked" in folded
    unchecked = folded.split('data-consultee="environment-agency"', 1)[1].split("</tr>", 1)[0]
    assert "Could not be checked" in unchecked and "main river" in unchecked
    assert "Confirm: send the proposal to them" in page
    assert "Download the consultees (CSV)" in page


def test_the_officer_confirms_one_and_dismisses_another_and_a_rerun_keeps_both(
    officer_client, consulted
):
    team = suggestion(consulted, "design-and-conservation")
    agency = suggestion(consulted, "environment-agency", CONSULTEE_UNCHECKED)

    assert decide(officer_client, consulted, team, "accepted").status_code == 302
    refused = decide(officer_client, consulted, agency, "rejected")
    assert refused.status_code == 422
    assert "Enter your reason for rejecting the finding." in refused.content.decode()
    decide(officer_client, consulted, agency, "rejected", "No river within a mile.")
    triage_now(consulted)

    page = officer_client.get(f"/applications/{consulted.pk}/").content.decode()
    table = page.split('data-test-id="consultees"', 1)[1].split("</table>", 1)[0]
    assert "Confirmed" in table.split('data-consultee="design-and-conservation"')[1][:2000]
    assert "No river within a mile." in page.split('data-test-id="consultees-unchecked"')[1]
    assert "Carried over from an earlier run" in page
    timeline = page.split('data-test-id="timeline"', 1)[1]
    assert "Accepted: Consult Design and conservation team" in timeline

    download = officer_client.get(f"/applications/{consulted.pk}/consultees.csv")
    rows = list(csv.DictReader(io.StringIO(download.getvalue().decode("utf-8-sig"))))
    by_consultee = {row["consultee"]: row for row in rows}
    assert download["Content-Disposition"] == (
        'attachment; filename="E09000028-26ap0100-consultees.csv"'
    )
    assert by_consultee["design-and-conservation"]["send"] == "yes"
    assert by_consultee["design-and-conservation"]["status"] == "confirmed"
    assert by_consultee["environment-agency"]["status"] == "dismissed"
    assert by_consultee["environment-agency"]["review_reason"] == "No river within a mile."


def test_the_council_api_carries_the_consultees_and_the_history(consulted, southwark, trafford):
    from tests.history.factories import PastApplicationFactory

    PastApplicationFactory(council=southwark, reference="09/AP/1234")
    # Another council's register at the very same place is not this council's history.
    PastApplicationFactory(council=trafford, reference="TRAFFORD/1")
    api = client_for(CouncilApiKeyFactory(council=southwark).key)

    detail = api.get(f"/api/v1/applications/{consulted.pk}/").json()
    download = api.get(f"/api/v1/applications/{consulted.pk}/consultees.csv")

    names = {row["consultee"]: row for row in detail["consultees"]}
    team = names["design-and-conservation"]
    assert (team["status"], team["send"], team["checked"]) == ("to-confirm", False, True)
    assert team["rules"] == ["conservation-officer-area"]
    assert names["environment-agency"]["status"] == "not-checked"
    history = detail["planning_history"]
    assert [row["reference"] for row in history] == ["09/AP/1234"]
    assert history[0]["relation"] == "on-site" and history[0]["decision"] == "granted"
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "design-and-conservation" in download.getvalue().decode()


def test_another_councils_consultees_are_not_found_through_the_api(consulted, trafford):
    theirs = client_for(CouncilApiKeyFactory(council=trafford).key)

    response = theirs.get(f"/api/v1/applications/{consulted.pk}/consultees.csv")
    nobody = theirs.get("/api/v1/applications/999999/consultees.csv")

    assert response.status_code == nobody.status_code == 404
    assert "design-and-conservation" not in response.content.decode()
    assert theirs.get(f"/api/v1/applications/{consulted.pk}/").status_code == 404


def test_a_river_within_twenty_metres_sends_it_to_the_environment_agency(
    officer_client, triaged, lists, tmp_path
):
    from tests.triage.factories import load_polygon_layer

    river = "POLYGON((534034 175900, 534040 175900, 534040 176100, 534034 176100, 534034 175900))"
    load_polygon_layer(tmp_path, dataset="main-river", name="River Peck", wkt_27700=river)
    triage_now(triaged)

    agency = suggestion(triaged, "environment-agency")

    assert agency.attributes["rules"] == "main-river"
    assert "main river (Environment Agency) River Peck 14 m away" in agency.attributes["why"]
