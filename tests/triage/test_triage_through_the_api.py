"""A council's system reads the triage result through the application API."""

from tests.api.conftest import client_for
from tests.factories import CouncilApiKeyFactory, PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.test_runs import run_now


def test_it_shows_the_triage_result_with_evidence_in_the_application_detail(southwark):
    application = PlanningApplicationFactory(council=southwark)
    DocumentFactory(application=application, content=b"The site is in Flood Zone 3.")
    run = run_now(application)
    api = client_for(CouncilApiKeyFactory(council=southwark).key)

    body = api.get(f"/api/v1/applications/{application.pk}/").json()

    result = body["triage"]["result"]
    assert result["version"] == run.version and result["lane"] == run.lane
    flood = next(f for f in result["findings"] if f["code"] == "constraint.flood_zone")
    assert flood["evidence"]["quote"] == "The site is in Flood Zone 3."
    assert flood["review"] is None


def test_it_filters_the_council_list_by_lane_and_never_shows_another_council(southwark, trafford):
    ours = PlanningApplicationFactory(council=southwark)
    theirs = PlanningApplicationFactory(council=trafford)
    run_now(ours)  # no documents: the location plan is missing, so it needs attention
    run_now(theirs)
    api = client_for(CouncilApiKeyFactory(council=southwark).key)

    listed = api.get("/api/v1/applications/?lane=needs-attention").json()
    references = [row["reference"] for row in listed["results"]]
    assert references == [ours.reference]
    assert api.get("/api/v1/applications/?lane=fast-track").json()["results"] == []


def test_it_rejects_an_unknown_lane_with_a_problem(southwark):
    api = client_for(CouncilApiKeyFactory(council=southwark).key)
    response = api.get("/api/v1/applications/?lane=quick")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "fast-track" in response.content.decode()
