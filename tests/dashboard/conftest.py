"""A small cast for the pages: two councils, each with an officer, a manager and an admin,
and a Southwark application triaged for real (rules engine, a real layer, a real document)."""

import datetime

import pytest

from planning.models import Role
from tests.browser import Visit
from tests.factories import PlanningApplicationFactory, UserFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from triage import pipeline, runs

# Around tests.factories.SMALL_SITE_WKT (534000-534020, 176000-176030).
AROUND_SITE = "POLYGON((533900 175900, 534100 175900, 534100 176100, 533900 176100, 533900 175900))"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def people(southwark, trafford):
    return {
        "officer": UserFactory(
            username="olivia", first_name="Olivia", last_name="Okafor", council=southwark
        ),
        "officer2": UserFactory(
            username="priya", first_name="Priya", last_name="Patel", council=southwark
        ),
        "manager": UserFactory(
            username="mandla",
            first_name="Mandla",
            last_name="Moyo",
            council=southwark,
            role=Role.MANAGER,
        ),
        "admin": UserFactory(username="ada", council=southwark, role=Role.ADMIN, is_staff=True),
        "trafford_officer": UserFactory(username="terry", council=trafford),
        "trafford_manager": UserFactory(username="tamsin", council=trafford, role=Role.MANAGER),
    }


def triage_now(application):
    run = runs.start_triage(application, trigger="test")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()
    return run


@pytest.fixture
def conservation_layer(db, tmp_path):
    return load_polygon_layer(
        tmp_path, dataset="conservation-area", name="Camberwell Grove", wkt_27700=AROUND_SITE
    )


@pytest.fixture
def triaged(southwark, conservation_layer):
    """A householder application inside a conservation area whose statement says it is not."""
    application = PlanningApplicationFactory(
        council=southwark,
        reference="26/AP/0100",
        address="12 Camberwell Grove, London SE5 8RE",
        description="Single storey rear extension and a new roof light.",
        received_date=datetime.date(2026, 11, 2),
    )
    DocumentFactory(
        application=application,
        original_filename="design-and-access.txt",
        content=b"Design and access statement\n\nThe site is not within a conservation area.\n"
        b"The proposal is a single storey rear extension.",
    )
    triage_now(application)
    return application


@pytest.fixture
def visit(browser, live_server):
    """Opens pages in the session's Chromium as a person would (tests.browser.Visit); each
    visit's context is closed at the end of the test."""
    visits = []

    def open_visit(**options) -> Visit:
        opened = Visit(browser, live_server.url, **options)
        visits.append(opened)
        return opened

    yield open_visit
    for opened in visits:
        opened.close()
