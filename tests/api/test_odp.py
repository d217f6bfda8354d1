import copy
import json
from pathlib import Path

import pytest

from planning.models import PlanningApplication
from tests.api.conftest import errors_at, problem

URL = "/api/v1/applications/odp/"
EXAMPLES = Path(__file__).parent / "data" / "odp"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["fullHouseholderInConservationArea", "major"])
def test_it_reads_an_odp_application_as_planx_sends_it(southwark_api, name):
    odp = example(name)
    proposal, site_area = odp["data"]["proposal"], odp["data"]["proposal"]["boundary"]["area"]

    response = southwark_api.post(URL, odp, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source_format"] == "odp"
    assert body["reference"] == odp["metadata"]["id"]
    assert body["application_type"] == odp["data"]["application"]["type"]["value"]
    assert body["description"] == proposal["description"]
    assert body["received_date"] == odp["metadata"]["submittedAt"][:10]
    assert body["uprn"] == odp["data"]["property"]["address"].get("uprn", "")
    assert body["proposed_dwellings"] == proposal.get("units", {}).get("total")
    # Our measure of the boundary agrees with the portal's own.
    assert body["site_area_m2"] == pytest.approx(site_area["squareMetres"], rel=0.005)
    found = {
        d["value"] for d in odp["data"]["property"]["planning"]["designations"] if d["intersects"]
    }
    assert {c["dataset"] for c in body["reported_constraints"]} == found
    assert PlanningApplication.objects.get().source_format == "odp"


def test_it_reads_the_prototype_schema_with_the_type_at_the_top(southwark_api):
    odp = example("fullHouseholderInConservationArea")
    odp["applicationType"] = odp["data"]["application"].pop("type")["value"]

    response = southwark_api.post(URL, odp, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["application_type"] == odp["applicationType"]


def test_it_asks_for_the_type_when_neither_shape_gives_it(southwark_api):
    odp = example("fullHouseholderInConservationArea")
    del odp["data"]["application"]["type"]

    response = southwark_api.post(URL, odp, format="json")

    assert "applicationType" in errors_at(problem(response, 400))[""]


def test_it_keeps_the_names_of_the_designations_planx_found(southwark_api):
    response = southwark_api.post(URL, example("major"), format="json")

    green_belt = response.json()["reported_constraints"]
    assert green_belt == [
        {"dataset": "greenBelt", "intersects": True, "names": ["Buckinghamshire"]}
    ]


def test_it_answers_a_resent_odp_application_with_the_record_it_holds(southwark_api):
    odp = example("fullHouseholderInConservationArea")
    first = southwark_api.post(URL, odp, format="json")
    again = southwark_api.post(URL, odp, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert PlanningApplication.objects.count() == 1


def test_it_names_what_is_missing_or_wrong(southwark_api):
    odp = example("fullHouseholderInConservationArea")
    broken = copy.deepcopy(odp)
    del broken["data"]["property"]["address"]
    broken["metadata"]["submittedAt"] = "yesterday"

    response = southwark_api.post(URL, broken, format="json")

    errors = errors_at(problem(response, 400))
    assert "Field required" in errors["/data/property/address"]
    assert "ISO 8601" in errors["/metadata/submittedAt"]


def test_it_refuses_a_submission_time_before_the_planning_system(southwark_api):
    odp = example("major")
    # Found by fuzzing: converting year 1 to London time used to overflow into a 500.
    odp["metadata"]["submittedAt"] = "0001-01-01T00:00:01.0Z"

    response = southwark_api.post(URL, odp, format="json")

    assert "1948" in errors_at(problem(response, 400))["/metadata/submittedAt"]


def test_it_checks_the_odp_site_as_strictly_as_a_native_one(southwark_api):
    odp = example("fullHouseholderInConservationArea")
    ring = odp["data"]["proposal"]["boundary"]["site"]["geometry"]["coordinates"][0][0]
    odp["data"]["proposal"]["boundary"]["site"]["geometry"]["coordinates"][0][0] = [
        [lat, lon] for lon, lat in ring
    ]

    response = southwark_api.post(URL, odp, format="json")

    # The pointer leads into the ODP document, not into our own shape.
    errors = errors_at(problem(response, 400))
    assert "[longitude, latitude]" in errors["/data/proposal/boundary/site/geometry/coordinates"]


def test_it_refuses_a_designation_name_it_cannot_keep(southwark_api):
    odp = example("fullHouseholderInConservationArea")
    # Found by fuzzing: a designation value outside the dataset pattern used to be a 500.
    odp["data"]["property"]["planning"]["designations"] = [{"value": "¿", "intersects": True}]

    response = southwark_api.post(URL, odp, format="json")

    # The published schema holds the value to the dataset pattern, so the error points at it.
    errors = errors_at(problem(response, 400))
    assert "pattern" in errors["/data/property/planning/designations/0/value"]
