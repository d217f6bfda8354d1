"""Triage's reasoning as an officer sees it in a real browser: a specialist case in the queue
with its team, the policies to consider apart from the possible policy conflicts, each with the
policy's text (the words that bite marked), the site's evidence and the proposal's quote;
missing documents naming their rule, and the documents that met each requirement with how they
were recognised. axe-core checks each page; screenshots land in .local/screenshots."""

from io import StringIO

import pytest
from django.core.management import call_command

from planning.models import PlanningApplication
from tests.browser import Visit, assert_accessible, screenshot
from tests.dashboard.conftest import AROUND_SITE, PASSWORD
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from triage import pipeline, runs

pytestmark = pytest.mark.browser

# Every document the national and local lists ask of these cases.
EVERY_DOCUMENT = [
    ("location-plan.txt", "locationPlan", b"Location plan"),
    (
        "application-form.txt",
        "other",
        b"Application form. Certificate of Ownership - Certificate A.",
    ),
    ("heritage-statement.txt", "heritageStatement", b"Heritage statement."),
    ("design-and-access-statement.txt", "designAndAccessStatement", b"Design."),
    ("bng.txt", "biodiversityNetGain", b"Biodiversity net gain."),
    ("cil-form.txt", "other", b"CIL additional information."),
]


@pytest.fixture
def garage(southwark, people, tmp_path):
    call_command("load_policies", stdout=StringIO())
    load_polygon_layer(
        tmp_path, dataset="conservation-area", name="Camberwell Grove", wkt_27700=AROUND_SITE
    )
    application = PlanningApplicationFactory(
        council=southwark,
        reference="26/AP/0900",
        address="14 Grove Lane, London SE5 8SY",
        description="Demolition of the detached garage and erection of a two storey house.",
        application_type="pp.full.minor",
    )
    DocumentFactory(
        application=application,
        original_filename="planning-statement.txt",
        content=b"Planning statement. The site lies within the Camberwell Grove Conservation "
        b"Area. The existing garage will be demolished to make way for the new house.",
    )
    # The same case with every document the lists ask for: it goes to the heritage team.
    complete = PlanningApplicationFactory(
        council=southwark,
        reference="26/AP/0901",
        address="16 Grove Lane, London SE5 8SY",
        description=application.description,
        application_type="pp.full.minor",
    )
    # A new house in the garden, in the Green Belt too: a conflict beside the policies to weigh.
    load_polygon_layer(tmp_path, dataset="green-belt", name="Green Belt", wkt_27700=AROUND_SITE)
    in_the_garden = PlanningApplicationFactory(
        council=southwark,
        reference="26/AP/0902",
        address="18 Grove Lane, London SE5 8SY",
        description="Erection of a two storey house in the rear garden.",
        application_type="pp.full.minor",
        proposed_dwellings=1,
    )
    for name, kind, text in EVERY_DOCUMENT:
        DocumentFactory(
            application=in_the_garden, original_filename=name, document_type=kind, content=text
        )
    for name, kind, text in EVERY_DOCUMENT:
        DocumentFactory(
            application=complete, original_filename=name, document_type=kind, content=text
        )
    for each in (application, complete, in_the_garden):
        run = runs.start_triage(each)
        pipeline.execute_run(run.pk)
    return application


def in_the_garden_of(garage):
    return PlanningApplication.objects.get(council=garage.council, reference="26/AP/0902")


def test_an_officer_reads_a_specialist_cases_policies(browser, live_server, garage):
    visit = Visit(browser, live_server.url)
    try:
        visit.sign_in("olivia", PASSWORD)
        page = visit.go("/?tab=open")
        rows = page.locator('[data-test-id="queue"] tbody tr')
        assert "Needs attention" in rows.nth(0).inner_text()
        assert "Specialist: heritage" in rows.nth(1).inner_text()
        assert_accessible(page, "queue")
        screenshot(page, "reasoning-queue")

        page = visit.go(f"/applications/{garage.pk}/")
        # Demolishing a garage and building a house in a conservation area (and the Green Belt:
        # a replacement) is to be weighed, not a conflict.
        assert page.locator("#group-conflicts").count() == 0
        heading = page.locator("#group-engaged")
        assert "Policies to consider" in heading.inner_text()
        engaged = page.locator('[data-test-id="policy-engaged"]')
        assert engaged.count() == 6  # 212, 220, P20, 219; 153 and 154
        assert page.locator('[data-test-id="policy-conflict"]').count() == 0
        first = engaged.first
        assert "great weight should be given to the asset" in first.locator("mark").inner_text()
        assert "Camberwell Grove" in first.locator('[data-test-id="site-evidence"]').inner_text()
        proposal = first.locator('[data-test-id="proposal-evidence"]').inner_text()
        assert "The existing garage will be demolished" in proposal
        missing = page.locator('[data-code="missing_document.heritage_statement"]').inner_text()
        assert "rule heritage-statement" in missing and "Camberwell Grove" in missing
        assert "For the heritage and conservation team" in page.content()
        assert_accessible(page, "application with policies to consider")
        screenshot(page, "reasoning-application")

        page = visit.go(f"/applications/{in_the_garden_of(garage).pk}/")
        groups = [h.inner_text() for h in page.locator("h3.govuk-heading-m").all()]
        conflicts_at = next(i for i, h in enumerate(groups) if h.startswith("Possible policy"))
        engaged_at = next(i for i, h in enumerate(groups) if h.startswith("Policies to consider"))
        assert conflicts_at < engaged_at  # what runs against a policy first
        conflicts = page.locator('[data-test-id="policy-conflict"]')
        assert conflicts.count() == 2  # NPPF 153 and 154
        conflict = page.locator('[data-code="conflict.policy"]').first.inner_text()
        assert "inappropriate development" in conflict
        assert page.locator('[data-test-id="policy-engaged"]').count() == 3  # 212, 219, P20
        assert_accessible(page, "application with a policy conflict")
        screenshot(page, "reasoning-application-conflict")

        # The complete case shows which document met each requirement, and how it was known.
        complete = garage.council.applications.get(reference="26/AP/0901")
        page = visit.go(f"/applications/{complete.pk}/")
        assert page.locator("#group-missing").count() == 0
        found = page.locator("#group-found")
        assert "Documents found" in found.inner_text()
        table = page.locator('[data-test-id="documents-found"]')
        plan = table.locator('[data-requirement="requirement_met.location_plan"]').inner_text()
        assert "Location plan\tlocation-plan.txt" in plan
        assert "Its title “Location plan”" in plan
        certificate = table.locator('[data-requirement="requirement_met.ownership_certificate"]')
        assert "Certificate of Ownership" in certificate.inner_text()
        # Why each applies, and the review of each, one click away (no script needed).
        page.get_by_text("Why each applies, and review them").click()
        card = page.locator('[data-code="requirement_met.location_plan"]').inner_text()
        assert "Required by\tNational list, rule location-plan" in card
        certificate.get_by_role("link", name="application-form.txt").click()
        assert "Certificate of Ownership - Certificate A" in page.locator("mark").inner_text()
        page = visit.go(f"/applications/{complete.pk}/")
        assert_accessible(page, "application with the documents found")
        screenshot(page, "documents-found")
        assert visit.failed == [] and visit.outside_requests() == []
    finally:
        visit.close()
