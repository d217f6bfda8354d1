"""Every application the Open Digital Planning schema ships imports, keeping what it says:
description, type, site, address and UPRN, proposed units, new floorspace, project types and
the designations PlanX reported."""

import json
from pathlib import Path

import pytest

URL = "/api/v1/applications/odp/"
EXAMPLES = Path(__file__).parent / "data" / "odp"
FILES = sorted(
    path.relative_to(EXAMPLES).as_posix()
    for folder in ("application", "prototypeApplication")
    for path in (EXAMPLES / folder).rglob("*.json")
)


def expected_dwellings(proposal: dict) -> int | None:
    units = proposal.get("units") or {}
    if "total" in units:
        return units["total"]
    if "newDwellings" in proposal:
        return proposal["newDwellings"]["newBuild"]["count"]
    residential = units.get("residential")
    if isinstance(residential, dict):
        groups = residential.get("proposed", []) + residential.get("rebuilt", [])
        return sum(group["identicalUnits"] for group in groups) or None
    return None


def test_it_has_every_shipped_example():
    assert len([name for name in FILES if name.startswith("application/")]) == 13
    assert len(FILES) >= 26


@pytest.mark.parametrize("name", FILES)
def test_it_imports_every_shipped_odp_application(southwark_api, name):
    odp = json.loads((EXAMPLES / name).read_text())
    data, proposal = odp["data"], odp["data"]["proposal"]
    address = data["property"]["address"]

    response = southwark_api.post(URL, odp, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == odp["metadata"]["id"]
    application_type = odp.get("applicationType") or data["application"]["type"]["value"]
    assert body["application_type"] == application_type
    if "description" in proposal:
        assert body["description"] == proposal["description"].strip()
    else:
        # Advertisement consent and hedgerow removal have none: what they do say is kept.
        said = proposal.get("reason") or next(iter(proposal.get("advertisementDetails", {})))
        assert said in body["description"]
    assert body["uprn"] == address.get("uprn", "")
    assert body["address"] == (address.get("singleLine") or address.get("title", ""))
    assert body["proposed_dwellings"] == expected_dwellings(proposal)
    extension = (proposal.get("extend") or {}).get("area", {}).get("squareMetres")
    assert body["floorspace_m2"] == extension
    project_types = [
        kind if isinstance(kind, str) else kind["value"] for kind in proposal.get("projectType", [])
    ]
    assert body["project_types"] == project_types
    boundary = proposal.get("boundary") or data["property"].get("boundary")
    if boundary and "site" in boundary:
        assert body["site"]["type"] == "MultiPolygon"
        area = boundary.get("area", {}).get("squareMetres")
        if area:
            assert body["site_area_m2"] == pytest.approx(area, rel=0.01)
    designations = (data["property"].get("planning") or {}).get("designations", [])
    assert {c["dataset"] for c in body["reported_constraints"]} == {
        d["value"] for d in designations if d["intersects"]
    }
    assert body["category"] and body["category_reason"]
