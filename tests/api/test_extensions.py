"""Other apps add sections and filters to the application API (as triage does) without
planning importing them. These tests register their own, made of planning's parts only."""

import pytest

from planning.api import extensions
from tests.factories import PlanningApplicationFactory

URL = "/api/v1/applications/"


def documents_held(application):
    return {"count": application.documents.count()}


def with_uprn(applications, wanted):
    return applications.exclude(uprn="") if wanted == "yes" else applications.filter(uprn="")


@pytest.fixture
def registered():
    extensions.register_detail_section("document_summary", documents_held)
    extensions.register_list_filter("has_uprn", with_uprn)
    yield
    extensions.unregister("document_summary")
    extensions.unregister("has_uprn")


def test_it_shows_a_registered_section_in_the_detail(registered, southwark_api, southwark):
    application = PlanningApplicationFactory(council=southwark)

    body = southwark_api.get(f"{URL}{application.pk}/").json()

    assert body["document_summary"] == {"count": 0}
    assert body["reference"] == application.reference


def test_it_applies_a_registered_filter_within_the_councils_own_applications(
    registered, southwark_api, southwark, trafford
):
    PlanningApplicationFactory(council=southwark, reference="SWK/1", uprn="200003442431")
    PlanningApplicationFactory(council=southwark, reference="SWK/2")
    PlanningApplicationFactory(council=trafford, reference="TRF/1", uprn="100012345678")

    with_one = southwark_api.get(URL, {"has_uprn": "yes"}).json()["results"]
    without = southwark_api.get(URL, {"has_uprn": "no"}).json()["results"]

    assert [row["reference"] for row in with_one] == ["SWK/1"]
    assert [row["reference"] for row in without] == ["SWK/2"]


def test_it_refuses_a_filter_nobody_registered(southwark_api):
    assert southwark_api.get(URL, {"has_uprn": "yes"}).status_code == 400


def test_it_publishes_registered_filters_in_the_schema(registered, client):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    names = [p["name"] for p in document["paths"][URL]["get"]["parameters"]]
    assert "has_uprn" in names


def test_it_stops_two_apps_claiming_one_name(registered):
    extensions.register_list_filter("has_uprn", with_uprn)  # the same again: harmless
    with pytest.raises(ValueError, match="has_uprn"):
        extensions.register_list_filter("has_uprn", lambda applications, value: applications)
    with pytest.raises(ValueError, match="status"):
        extensions.register_list_filter("status", with_uprn)
