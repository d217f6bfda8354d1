"""The council API asks the database the same number of questions however many applications a
page lists and however many documents and findings an application has: an N+1 fails here. The
ceilings are today's counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PlanningApplicationFactory
from tests.history.factories import PastApplicationFactory
from tests.triage.factories import DocumentFactory
from triage import pipeline, runs

LIST_QUERIES = 4
# The application, its documents, findings and reviews, site history and consultees.
DETAIL_QUERIES = 13


def queries(api, url: str) -> int:
    # The key's first use in a while also records when it was used: not a question per row.
    api.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


def test_the_list_asks_as_many_questions_for_twenty_applications_as_for_two(
    southwark, southwark_api
):
    for number in range(2):
        PlanningApplicationFactory(council=southwark, reference=f"Q/{number}")
    few = queries(southwark_api, "/api/v1/applications/")
    for number in range(2, 20):
        PlanningApplicationFactory(council=southwark, reference=f"Q/{number}")
    many = queries(southwark_api, "/api/v1/applications/")

    assert many == few
    assert many <= LIST_QUERIES, many


def triaged_with(southwark, documents: int):
    application = PlanningApplicationFactory(council=southwark)
    for _ in range(documents):  # as many earlier applications on the site
        PastApplicationFactory(council=southwark, geometry=application.site)
    for number in range(documents):
        DocumentFactory(
            application=application,
            original_filename=f"statement-{number}.txt",
            content=f"The proposal is a {number + 2} storey extension.".encode(),
        )
    pipeline.execute_run(runs.start_triage(application, engine="rules").pk)
    return application


def test_the_detail_asks_as_many_questions_for_ten_documents_and_past_applications_as_for_one(
    southwark, southwark_api
):
    one = triaged_with(southwark, 1)
    ten = triaged_with(southwark, 10)
    few = queries(southwark_api, f"/api/v1/applications/{one.pk}/")
    many = queries(southwark_api, f"/api/v1/applications/{ten.pk}/")

    assert many == few
    assert many <= DETAIL_QUERIES, many
