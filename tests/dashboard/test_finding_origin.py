"""Every finding says where it came from in a field of its own (triage.vocabulary.Origin), not
in its engine's name: the map, the rules, the cross-checks, the model, or an officer."""

from tests.api.conftest import client_for
from tests.factories import CouncilApiKeyFactory
from triage import reviews
from triage.models import Finding
from triage.vocabulary import Origin


def test_each_finding_of_a_run_names_its_origin(triaged, people):
    found = {(f.code, f.origin) for f in Finding.objects.filter(application=triaged)}

    assert ("spatial.conservation-area", Origin.SPATIAL) in found
    assert ("constraint.conservation_area", Origin.RULES) in found
    # The statement says "not in a conservation area"; the map says it is: a cross-check.
    assert ("conflict.constraint_claim", Origin.CHECK) in found
    assert all(origin in Origin.values for _, origin in found)


def test_an_officers_finding_is_theirs_and_the_api_names_them(triaged, people, southwark):
    officer = people["officer"]
    southwark_api = client_for(CouncilApiKeyFactory(council=southwark).key)
    added = reviews.add_officer_finding(
        triaged,
        code="constraint.article_4",
        title="Article 4 direction on this street",
        detail="The council's Article 4 map, sheet 3.",
        officer=officer,
    )

    assert added.origin == Origin.OFFICER
    body = southwark_api.get(f"/api/v1/applications/{triaged.pk}/").json()
    (by_officer,) = body["triage"]["officer_findings"]
    assert by_officer["by"] == officer.username
    origins = {f["origin"] for f in body["triage"]["result"]["findings"]}
    assert {Origin.SPATIAL, Origin.RULES, Origin.CHECK} <= origins <= set(Origin.values)
