"""Triage's reasoning as an officer sees it in a real browser: a specialist case in the queue
with its team, and its policy conflicts with the policy's text (the words that bite marked),
the site's evidence and the proposal's quote; missing documents naming their rule, and the
documents that met each requirement with how they were recognised. axe-core
checks each page; screenshots land in .local/screenshots."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser import Visit, assert_accessible, screenshot
from tests.dashboard.conftest import AROUND_SITE, PASSWORD
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from triage import pipeline, runs

pytestmark = pytest.mark.browser


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
    for name, kind, text in [
        ("location-plan.txt", "locationPlan", b"Location plan"),
        ("application-form.txt", "other", b"Certificate of Ownership - Certificate A."),
        ("heritage-statement.txt", "heritageStatement", b"Heritage statement."),
        ("design-and-access-statement.txt", "designAndAccessStatement", b"Design."),
        ("bng.txt", "biodiversityNetGain", b"Biodiversity net gain."),
        ("cil-form.txt", "other", b"CIL additional information."),
    ]:
        DocumentFactory(
            application=complete, original_filename=name, document_type=kind, content=text
        )
    for each in (application, complete):
        run = runs.start_triage(each)
        pipeline.execute_run(run.pk)
    return application


def test_an_officer_reads_a_specialist_cases_policy_conflicts(browser, live_server, garage):
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
        heading = page.locator("#group-conflicts")
        assert "Policy conflicts" in heading.inner_text()
        conflicts = page.locator('[data-test-id="policy-conflict"]')
        assert conflicts.count() == 4  # 212, 220, P20 and 219
        first = conflicts.first
        assert "great weight should be given to the asset" in first.locator("mark").inner_text()
        assert "Camberwell Grove" in first.locator('[data-test-id="site-evidence"]').inner_text()
        proposal = first.locator('[data-test-id="proposal-evidence"]').inner_text()
        assert "The existing garage will be demolished" in proposal
        missing = page.locator('[data-code="missing_document.heritage_statement"]').inner_text()
        assert "rule heritage-statement" in missing and "Camberwell Grove" in missing
        assert "For the heritage and conservation team" in page.content()
        assert_accessible(page, "application with policy conflicts")
        screenshot(page, "reasoning-application")

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
