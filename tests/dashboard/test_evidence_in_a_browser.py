"""What supports each finding, on the application page in a real browser: the evidence strength
on every finding, what each strength means and how often it was right on real documents, the
findings from indirect evidence folded away, and a form whose tick boxes were lost said to be
so. axe-core checks the page; screenshots land in .local/screenshots."""

import datetime

import pytest

from policies.models import Policy, PolicyFramework
from tests.browser import Visit, assert_accessible, screenshot
from tests.dashboard.conftest import PASSWORD, triage_now
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from triage.models import Finding, FindingSource
from triage.vocabulary import MEASURED_PRECISION, READING_LIMITED, Origin, Strength

pytestmark = pytest.mark.browser

FORM = (
    b"Application for Householder Planning Permission\n"
    b"Publication of applications on planning authority websites\n"
    b"Is the site within a conservation area?\nYes\nNo\n"
    b"Are there any protected trees on the site?\nYes\nNo\n"
    b"Description of Proposed Works\n"
    b"Erection of a single storey rear extension.\n"
)
STATEMENT = (
    b"1. The proposal\n\nThe proposal is a single storey rear extension.\n\n"
    b"2. Introduction\n\nThe works include the demolition of the old shed.\n\n"
    b"The site lies within the Camberwell Grove Conservation Area.\n"
)


@pytest.fixture
def application(southwark):
    application = PlanningApplicationFactory(
        council=southwark,
        reference="26/AP/0300",
        address="40 Camberwell Grove, London SE5 8RE",
        description="Single storey rear extension.",
        received_date=datetime.date(2026, 11, 2),
    )
    DocumentFactory(application=application, original_filename="form.txt", content=FORM)
    DocumentFactory(application=application, original_filename="statement.txt", content=STATEMENT)
    triage_now(application)
    return application


def test_each_finding_says_what_supports_it_and_indirect_ones_are_folded(
    browser, live_server, people, application
):
    indirect = Finding.objects.get(application=application, code="proposal.demolition")
    direct = Finding.objects.get(application=application, code="constraint.conservation_area")
    assert (indirect.strength, direct.strength) == (Strength.INDIRECT, Strength.DIRECT)
    visit = Visit(browser, live_server.url)
    try:
        visit.sign_in("olivia", PASSWORD)
        page = visit.go(f"/applications/{application.pk}/")

        card = page.locator(f"#finding-{direct.pk}")
        assert "Evidence: Stated in a document about this site or proposal" in card.inner_text()
        # Indirect findings wait, folded, under their group: closed until asked for.
        folded = page.locator('[data-test-id="weak-findings"]')
        assert folded.count() == 1
        assert "1 more from indirect evidence" in folded.locator("> summary").inner_text()
        assert not page.locator(f"#finding-{indirect.pk}").is_visible()
        folded.locator("> summary").click()
        assert page.locator(f"#finding-{indirect.pk}").is_visible()
        assert "Implied, or said in passing" in page.locator(f"#finding-{indirect.pk}").inner_text()

        # What each strength means, with how often it was right where that was measured.
        guide = page.locator('[data-test-id="strength-guide"]')
        guide.locator("> summary").click()
        right, found = MEASURED_PRECISION[Strength.FORM]
        assert f"Right {right} times in {found}" in guide.inner_text()

        # The form's lost answers are said to be lost, quoting the first question.
        limited = Finding.objects.get(application=application, code=READING_LIMITED)
        reading = page.locator("#group-reading")
        assert "could not show" in reading.inner_text()
        card = page.locator(f"#finding-{limited.pk}")
        assert "the answers to 2 of the form's questions are lost" in card.inner_text()
        assert "Is the site within a conservation area?" in card.inner_text()

        assert_accessible(page, "application with its evidence explained")
        screenshot(page, "evidence-strength")
    finally:
        visit.close()


def test_cited_policies_say_which_local_plans_they_are_recognised_from(visit, people, application):
    plan = PolicyFramework.objects.create(
        council=application.council,
        slug="southwark-plan-2022",
        name="Southwark Plan 2022",
        citation="Policy",
    )
    Policy.objects.create(framework=plan, reference="P13", text="Design of places", version=1)
    Finding.objects.create(
        application=application,
        run=application.triage_runs.get(),
        code="policy.local",
        value="P13",
        title="Southwark Plan policy P13 (cited)",
        source=FindingSource.DOCUMENT,
        origin=Origin.RULES,
        strength=Strength.DIRECT,
    )
    officer = visit()
    officer.sign_in("olivia", PASSWORD)
    page = officer.go(f"/applications/{application.pk}/")

    group = page.locator("#group-policies + p")
    assert "Local policies are recognised from Southwark Plan 2022" in group.inner_text()
    assert_accessible(page, "application with cited policies")
    group.scroll_into_view_if_needed()
    screenshot(page, "cited-policies")
