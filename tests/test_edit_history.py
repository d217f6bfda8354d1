"""The edit history of councils, people, applications and keys: who changed what, through
the admin, the officers' pages and the API; what is left out (docs/decisions/0009)."""

import datetime

import pytest
from django.urls import reverse

from planning.models import CouncilApiKey, PlanningApplication, Role, User
from planning.services import ensure_user
from policies.models import ValidationRequirement
from tests.api.conftest import client_for
from tests.factories import CouncilApiKeyFactory, PlanningApplicationFactory, UserFactory

PASSWORD = "demo-password-123"


@pytest.fixture
def council_admin(southwark):
    return ensure_user("southwark-admin", council=southwark, role=Role.ADMIN, password=PASSWORD)


def admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def latest(record):
    return record.history.order_by("-history_date", "-history_id").first()


def test_it_records_an_admin_edit_and_who_made_it(client, council_admin, southwark):
    application = PlanningApplicationFactory(council=southwark)
    officer = UserFactory(council=southwark, username="southwark-officer-1")
    client.force_login(council_admin)

    client.post(
        admin_url(application),
        {
            "assigned_officer": officer.pk,
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )

    change = latest(application)
    assert (change.history_type, change.history_user) == ("~", council_admin)
    assert change.assigned_officer_id == officer.pk
    assert application.history.count() == 2  # created, then assigned


def test_it_records_an_officer_taking_work_from_the_queue(client, southwark):
    application = PlanningApplicationFactory(council=southwark)
    officer = UserFactory(council=southwark, username="southwark-officer-1")
    client.force_login(officer)

    client.post(reverse("dashboard:assign-to-me", args=[application.pk]), {"next": "/"})

    change = latest(application)
    assert change.history_user == officer
    assert change.assigned_officer_id == officer.pk


def test_it_names_the_council_system_whose_key_made_a_change(southwark):
    key = CouncilApiKeyFactory(council=southwark, name="Southwark portal")
    application = PlanningApplicationFactory(
        council=southwark, received_date=datetime.date(2025, 1, 3)
    )

    response = client_for(key.key).patch(
        f"/api/v1/applications/{application.pk}/", {"valid_date": "2025-01-06"}, format="json"
    )

    assert response.status_code == 200
    change = latest(application)
    assert change.valid_date == datetime.date(2025, 1, 6)
    assert change.history_user is None
    assert change.history_change_reason == "Council system: Southwark portal (E09000028)"


def test_it_records_a_key_revoked_in_the_admin(client, southwark):
    key = CouncilApiKeyFactory(council=southwark)
    root = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)

    client.post(
        reverse("admin:planning_councilapikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )

    change = latest(key)
    assert change.revoked_at is not None
    assert change.history_user == root


def test_it_keeps_no_password_hash_nor_key_digest(southwark):
    person = UserFactory(council=southwark)
    key = CouncilApiKeyFactory(council=southwark)
    person.set_password("another-password-456")
    person.save()

    history_fields = {field.name for field in person.history.model._meta.fields}
    assert "password" not in history_fields
    assert "last_login" not in history_fields
    assert "digest" not in {field.name for field in key.history.model._meta.fields}
    assert person.history.count() == 3  # created, its password set by the factory, and again


def test_signing_in_and_using_a_key_add_no_history(client, southwark):
    person = ensure_user(
        "southwark-officer", council=southwark, role=Role.OFFICER, password=PASSWORD
    )
    key = CouncilApiKeyFactory(council=southwark)
    people_rows, key_rows = person.history.count(), key.history.count()

    client.post("/sign-in/", {"username": person.username, "password": PASSWORD})
    client_for(key.key).get("/api/v1/applications/")

    assert "_auth_user_id" in client.session
    assert CouncilApiKey.objects.get(pk=key.pk).last_used_at is not None
    assert (person.history.count(), key.history.count()) == (people_rows, key_rows)


def test_update_leaves_no_history_row(southwark):
    """Bookkeeping written by QuerySet.update() is not history (the timeline tells it)."""
    application = PlanningApplicationFactory(council=southwark)

    PlanningApplication.objects.filter(pk=application.pk).update(last_activity="Looked at")

    assert application.history.count() == 1


def test_a_councils_admin_reads_the_history_of_the_national_list_and_their_own(
    client, council_admin, southwark
):
    national = ValidationRequirement.objects.create(
        key="location-plan", document="location_plan", title="Location plan", reason="Always."
    )
    own = ValidationRequirement.objects.create(
        council=southwark, key="cil", document="cil_form", title="CIL form", reason="CIL."
    )
    own.title = "CIL additional information form"
    own.save()
    client.force_login(council_admin)

    for requirement in (national, own):
        page = client.get(admin_url(requirement, "history"))
        assert page.status_code == 200
        listed = page.context["page_obj"].object_list
        assert [row.title for row in listed] == [row.title for row in requirement.history.all()]


def test_an_admin_assignment_goes_through_the_service_as_the_pages_do(
    client, council_admin, southwark
):
    application = PlanningApplicationFactory(council=southwark)
    officer = UserFactory(council=southwark, username="southwark-officer-1", first_name="Sam")
    client.force_login(council_admin)
    revision = application.revision

    client.post(
        admin_url(application),
        {
            "assigned_officer": officer.pk,
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )

    application.refresh_from_db()
    assert application.assigned_officer == officer
    # A change like any other: a page open meanwhile is told someone else changed it.
    assert application.revision == revision + 1
    event = application.events.get(kind="assigned")
    assert event.summary == f"Assigned to {officer.get_full_name()}"
    assert event.actor == council_admin
