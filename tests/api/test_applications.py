import threading

import pytest
from django.db import connection

from planning.models import PlanningApplication
from planning.signals import application_submitted
from tests.api.conftest import WOODWARDE_ROAD_AREA_M2, client_for, errors_at, problem
from tests.factories import PlanningApplicationFactory

URL = "/api/v1/applications/"


@pytest.fixture
def submitted_signals():
    received = []

    def listener(sender, application, **kwargs):
        received.append(application.pk)

    application_submitted.connect(listener)
    yield received
    application_submitted.disconnect(listener)


def test_it_accepts_an_application_and_keeps_the_site_in_british_national_grid(
    southwark_api, submission
):
    response = southwark_api.post(URL, submission, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == f"{URL}{body['id']}/"
    assert body["council"] == "E09000028"
    assert body["status"] == "received"
    assert body["source_format"] == "native"
    assert body["reported_constraints"] == submission["reported_constraints"]
    # Our own area, measured in metres, agrees with the figure the portal computed.
    assert body["site_area_m2"] == pytest.approx(WOODWARDE_ROAD_AREA_M2, rel=0.01)
    returned = body["site"]["coordinates"][0][0]
    sent = submission["site"]["coordinates"][0][0]
    for (lon, lat), (sent_lon, sent_lat) in zip(returned, sent, strict=True):
        assert lon == pytest.approx(sent_lon, abs=1e-7)
        assert lat == pytest.approx(sent_lat, abs=1e-7)

    stored = PlanningApplication.objects.get(pk=body["id"])
    assert stored.site.srid == 27700
    assert stored.site.area == pytest.approx(WOODWARDE_ROAD_AREA_M2, rel=0.01)


def test_it_accepts_a_geojson_feature_or_polygon_and_no_site(southwark_api, submission):
    feature = {"type": "Feature", "properties": {"source": "title"}, "geometry": submission["site"]}
    polygon = {"type": "Polygon", "coordinates": submission["site"]["coordinates"][0]}
    for number, site in enumerate([feature, polygon, None]):
        payload = {**submission, "reference": f"26/AP/{number}", "site": site}
        response = southwark_api.post(URL, payload, format="json")
        assert response.status_code == 201, response.json()
        assert (response.json()["site"] is None) == (site is None)


def test_it_tells_listeners_once_the_application_is_committed(
    southwark_api, submission, submitted_signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = southwark_api.post(URL, submission, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        southwark_api.post(URL, submission, format="json")

    assert submitted_signals == [first.json()["id"]]


def test_it_answers_a_retry_with_the_record_it_already_holds(southwark_api, submission):
    first = southwark_api.post(URL, submission, format="json")
    again = southwark_api.post(URL, submission, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert PlanningApplication.objects.filter(reference=submission["reference"]).count() == 1


def test_it_refuses_a_different_application_under_a_reference_already_used(
    southwark_api, submission
):
    first = southwark_api.post(URL, submission, format="json")
    changed = {**submission, "description": "Two storey side extension."}

    response = southwark_api.post(URL, changed, format="json")

    body = problem(response, 409)
    assert body["type"] == "/api/v1/problems/reference-conflict"
    assert body["differing_fields"] == ["description"]
    assert body["existing"] == first["Location"]
    assert PlanningApplication.objects.get().description == submission["description"]


def test_it_lets_two_councils_use_the_same_reference(southwark_api, trafford_api, submission):
    assert southwark_api.post(URL, submission, format="json").status_code == 201
    trafford_site = {
        **submission,
        "site": None,
        "address": "1 Talbot Road, Stretford",
    }
    assert trafford_api.post(URL, trafford_site, format="json").status_code == 201
    assert PlanningApplication.objects.filter(reference=submission["reference"]).count() == 2


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"applicant_name": "D. Bowie"}, "/applicant_name", "Extra inputs"),
        ({"description": ""}, "/description", "at least 1 character"),
        ({"received_date": "2999-01-01"}, "/received_date", "future"),
        ({"received_date": "0001-01-01"}, "/received_date", "1948"),
        ({"uprn": "UPRN-1"}, "/uprn", "pattern"),
        ({"application_type": "Householder!"}, "/application_type", "pattern"),
        ({"reference": "26/AP\t/1"}, "/reference", "pattern"),
        ({"proposed_dwellings": -1}, "/proposed_dwellings", "greater than or equal"),
        ({"proposed_dwellings": "9"}, "/proposed_dwellings", "valid integer"),
        ({"eia_required": 0}, "/eia_required", "valid boolean"),
        ({"project_types": ["new residential"]}, "/project_types/0", "pattern"),
        ({"site_crs": "EPSG:3857"}, "/site_crs", "EPSG:27700"),
        ({"site": {"type": "Point", "coordinates": [-0.08, 51.45]}}, "/site", "Polygon or Multi"),
    ],
)
def test_it_names_the_field_that_is_wrong(southwark_api, submission, change, field, words):
    response = southwark_api.post(URL, {**submission, **change}, format="json")

    errors = errors_at(problem(response, 400))
    assert field in errors, errors
    assert words in errors[field]
    assert not PlanningApplication.objects.exists()


def test_it_refuses_a_site_with_latitude_and_longitude_swapped(southwark_api, submission):
    ring = submission["site"]["coordinates"][0][0]
    swapped = {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in ring]]}

    response = southwark_api.post(URL, {**submission, "site": swapped}, format="json")

    assert "[longitude, latitude]" in errors_at(problem(response, 400))["/site/coordinates"]


def test_it_refuses_a_site_outside_great_britain(southwark_api, submission):
    # Paris.
    ring = [[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]
    payload = {**submission, "site": {"type": "Polygon", "coordinates": [ring]}}

    response = southwark_api.post(URL, payload, format="json")

    # The pointer names the first position outside, and the message quotes it.
    errors = errors_at(problem(response, 400))
    assert "not in Great Britain: [2.35, 48.85]" in errors["/site/coordinates/0/0"]


def test_it_refuses_a_self_intersecting_boundary(southwark_api, submission):
    bow_tie = [
        [-0.0824, 51.4514],
        [-0.0820, 51.4518],
        [-0.0820, 51.4514],
        [-0.0824, 51.4518],
        [-0.0824, 51.4514],
    ]
    payload = {**submission, "site": {"type": "Polygon", "coordinates": [bow_tie]}}

    response = southwark_api.post(URL, payload, format="json")

    # Where it crosses itself, in the coordinates the client sent.
    errors = errors_at(problem(response, 400))
    assert (
        "crosses itself at longitude -0.082200, latitude 51.451600" in errors["/site/coordinates"]
    )


def test_it_refuses_malformed_json(southwark_api):
    response = southwark_api.post(URL, "{not json", content_type="application/json")
    assert "JSON parse error" in problem(response, 400)["detail"]


def test_it_shows_a_council_only_its_own_applications(southwark_api, southwark, trafford):
    own = PlanningApplicationFactory(council=southwark, reference="SWK/1")
    theirs = PlanningApplicationFactory(council=trafford, reference="TRF/1")

    listing = southwark_api.get(URL).json()
    assert [row["reference"] for row in listing["results"]] == ["SWK/1"]
    assert southwark_api.get(f"{URL}{own.pk}/").status_code == 200
    # Someone else's record is not found, rather than forbidden: its existence is not told.
    problem(southwark_api.get(f"{URL}{theirs.pk}/"), 404)
    problem(southwark_api.get(f"{URL}{theirs.pk}/documents/"), 404)


def test_it_filters_the_list_by_reference_and_status(southwark_api, southwark):
    PlanningApplicationFactory(council=southwark, reference="SWK/1")
    PlanningApplicationFactory(council=southwark, reference="SWK/2", status="valid")

    by_reference = southwark_api.get(URL, {"reference": "SWK/2"}).json()["results"]
    by_status = southwark_api.get(URL, {"status": "received"}).json()["results"]

    assert [row["reference"] for row in by_reference] == ["SWK/2"]
    assert [row["reference"] for row in by_status] == ["SWK/1"]
    lost = problem(southwark_api.get(URL, {"status": "lost"}), 400)
    assert "received" in errors_at(lost)["status"]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_record_when_two_copies_of_a_submission_race(southwark_key, submission):
    barrier = threading.Barrier(2)
    statuses = []

    def submit():
        barrier.wait()
        try:
            statuses.append(client_for(southwark_key.key).post(URL, submission, format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(response.status_code for response in statuses) == [200, 201]
    assert len({response.json()["id"] for response in statuses}) == 1
    assert PlanningApplication.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_application_when_a_listener_fails_after_commit(southwark_key, submission):
    def broken_listener(sender, application, **kwargs):
        raise ConnectionError("broker unreachable")

    heard = []

    def good_listener(sender, application, **kwargs):
        heard.append(application.pk)

    application_submitted.connect(broken_listener)
    application_submitted.connect(good_listener)
    try:
        response = client_for(southwark_key.key).post(URL, submission, format="json")
    finally:
        application_submitted.disconnect(broken_listener)
        application_submitted.disconnect(good_listener)

    # The record is committed, so the submitter must not be told to try again.
    assert response.status_code == 201
    assert PlanningApplication.objects.filter(reference=submission["reference"]).exists()
    # One listener failing does not keep the news from the others.
    assert heard == [response.json()["id"]]


def test_it_filters_the_list_by_type_and_received_dates(southwark_api, southwark):
    dates = {"SWK/1": "2026-10-01", "SWK/2": "2026-10-15", "SWK/3": "2026-11-01"}
    for reference, received in dates.items():
        PlanningApplicationFactory(
            council=southwark,
            reference=reference,
            received_date=received,
            application_type="pp.full.minor" if reference == "SWK/2" else "pp.full.householder",
        )

    def references(**query):
        response = southwark_api.get(URL, query)
        assert response.status_code == 200, response.json()
        return sorted(row["reference"] for row in response.json()["results"])

    assert references(type="pp.full.minor") == ["SWK/2"]
    assert references(received_from="2026-10-15") == ["SWK/2", "SWK/3"]
    assert references(received_to="2026-10-15") == ["SWK/1", "SWK/2"]
    assert references(received_from="2026-10-02", received_to="2026-10-31") == ["SWK/2"]
    assert references(type="pp.full.householder", received_from="2026-10-02") == ["SWK/3"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"received_from": "01/10/2026"}, "received_from"),
        ({"received_to": "2026-13-01"}, "received_to"),
        ({"received_from": "2026-11-01", "received_to": "2026-10-01"}, "received_to"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"recieved_from": "2026-10-01"}, "recieved_from"),
    ],
)
def test_it_names_a_bad_query_parameter(southwark_api, query, parameter):
    body = problem(southwark_api.get(URL, query), 400)
    assert parameter in errors_at(body)


def test_it_pages_the_list(southwark_api, southwark):
    for number in range(5):
        PlanningApplicationFactory(council=southwark, reference=f"SWK/{number}")

    first = southwark_api.get(URL, {"page_size": 2}).json()
    last = southwark_api.get(URL, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    assert len(last["results"]) == 1 and last["next"] is None
    problem(southwark_api.get(URL, {"page_size": 2, "page": 4}), 404)
