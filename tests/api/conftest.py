import copy
import datetime

import pytest
from rest_framework.test import APIClient

from tests.factories import CouncilApiKeyFactory

# 140 Woodwarde Road, Southwark: the Land Registry title boundary from the Open Digital
# Planning example submission (data/odp), GeoJSON in WGS84. ODP gives its area as 321.66 m².
WOODWARDE_ROAD_SITE = {
    "type": "MultiPolygon",
    "coordinates": [
        [
            [
                [-0.082375, 51.451423],
                [-0.082071, 51.451786],
                [-0.082162, 51.451815],
                [-0.082465, 51.451452],
                [-0.082375, 51.451423],
            ]
        ]
    ],
}
WOODWARDE_ROAD_AREA_M2 = 321.66


@pytest.fixture(autouse=True)
def media_of_our_own(settings, tmp_path):
    # Stored documents land in this test's own folder, not a media root shared by every run.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def southwark_key(southwark):
    return CouncilApiKeyFactory(council=southwark, name="Southwark portal")


@pytest.fixture
def trafford_key(trafford):
    return CouncilApiKeyFactory(council=trafford, name="Trafford back office")


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def southwark_api(southwark_key):
    return client_for(southwark_key.key)


@pytest.fixture
def trafford_api(trafford_key):
    return client_for(trafford_key.key)


@pytest.fixture
def submission():
    """A householder application as a council's portal would send it."""
    return copy.deepcopy(
        {
            "reference": "26/AP/0417",
            "application_type": "pp.full.householder",
            "description": "Single storey rear extension.",
            "address": "140, Woodwarde Road, London, SE22 8UR",
            "uprn": "200003442431",
            "site": WOODWARDE_ROAD_SITE,
            "received_date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
            "reported_constraints": [
                {"dataset": "conservation-area", "intersects": True, "names": ["Dulwich Village"]}
            ],
        }
    )


def problem(response, status: int) -> dict:
    """The RFC 9457 problem in `response`, checked to be one, with `status`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def errors_at(body: dict) -> dict[str, str]:
    """A problem's errors by where they point (a body pointer, or a query parameter)."""
    found: dict[str, str] = {}
    for error in body.get("errors", []):
        where = error.get("pointer", error.get("parameter", error.get("header")))
        found[where] = f"{found.get(where, '')} {error['detail']}".strip()
    return found
