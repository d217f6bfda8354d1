"""Every admin screen as another council's administrator: none shows, opens or changes a
record of another council, even with every Django permission granted (so what is tested is
tenancy, not permissions), and none loads a map library from the internet."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from planning.models import PlanningApplication, Role, User
from planning.services import ensure_role_groups, ensure_user
from policies.models import Policy, PolicyFramework, ValidationRequirement
from tests.factories import CouncilApiKeyFactory, PlanningApplicationFactory, UserFactory
from tests.triage.factories import DocumentFactory
from triage import pipeline, runs
from triage.models import Finding, FindingReview, TriageRun

SECRET = "TRAFFORD-SECRET"


@pytest.fixture
def theirs(trafford, monkeypatch):
    """One of each record for Trafford, each named so a page that shows it gives it away."""
    monkeypatch.setattr(runs, "enqueue_run", lambda run_id: None)
    application = PlanningApplicationFactory(council=trafford, reference=f"{SECRET}/1")
    document = DocumentFactory(application=application, original_filename=f"{SECRET}.txt")
    user = UserFactory(username=f"{SECRET.lower()}-officer", council=trafford)
    key = CouncilApiKeyFactory(council=trafford, name=f"{SECRET} key")
    run = runs.start_triage(application)
    pipeline.execute_run(run.pk)
    finding = Finding.objects.filter(run=run).first() or Finding.objects.create(
        application=application, run=run, code="proposal.storeys", value="3", title="t"
    )
    review = FindingReview.objects.create(
        finding=finding, decision="accepted", reason=SECRET, reviewer=user
    )
    framework = PolicyFramework.objects.create(
        council=trafford, slug="secret-plan", name=f"{SECRET} plan", citation="Policy"
    )
    policy = Policy.objects.create(
        framework=framework, reference="S1", title=SECRET, text=SECRET, text_sha256="0", version=1
    )
    requirement = ValidationRequirement.objects.create(
        council=trafford, key="secret", document="secret_report", title=SECRET, reason=SECRET
    )
    return {
        PolicyFramework: framework,
        Policy: policy,
        ValidationRequirement: requirement,
        PlanningApplication: application,
        type(document): document,
        User: user,
        type(key): key,
        TriageRun: run,
        FindingReview: review,
        type(trafford): trafford,
    }


@pytest.fixture
def council_admin(southwark, client):
    person = ensure_user(
        "southwark-admin", council=southwark, role=Role.ADMIN, password="demo-password-123"
    )
    person.user_permissions.set(Permission.objects.all())
    client.force_login(person)
    return person


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_no_admin_screen_shows_or_opens_another_councils_records(client, council_admin, theirs):
    walked = 0
    for model in admin.site._registry:
        opts = model._meta
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert listing.status_code in (200, 403), model
        assert SECRET not in listing.content.decode(), f"{model.__name__} list shows Trafford"
        assert "Trafford Council" not in listing.content.decode(), model
        walked += 1
        record = theirs.get(model)
        if record is None:
            continue
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])
            response = client.get(url)
            # "Not found" (a redirect to the index with a message), never the record.
            assert response.status_code in (302, 403, 404), (model, view)
            assert SECRET not in response.content.decode()
    assert walked >= 8
    for platform_only in ("auth_group", "axes_accessattempt", "axes_accesslog"):
        assert client.get(reverse(f"admin:{platform_only}_changelist")).status_code == 403


def test_a_council_admin_cannot_move_an_application_or_change_the_services_fields(
    client, council_admin, southwark, trafford
):
    own = PlanningApplicationFactory(council=southwark, reference="SWK/1", status="received")
    colleague = UserFactory(council=southwark, username="southwark-officer-2")
    outsider = UserFactory(council=trafford, username="trafford-officer-2")
    url = change_url(own)
    page = client.get(url)
    assert outsider.username not in page.content.decode()  # not offered as an assignee

    client.post(
        url,
        {
            "council": trafford.pk,
            "reference": "CHANGED",
            "status": "determined",
            "decision": "granted",
            "assigned_officer": colleague.pk,
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )

    own.refresh_from_db()
    assert (own.council, own.reference, own.status, own.decision) == (
        southwark,
        "SWK/1",
        "received",
        "",
    )
    assert own.assigned_officer == colleague
    response = client.post(
        url,
        {
            "assigned_officer": outsider.pk,
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form refuses a person of another council
    own.refresh_from_db()
    assert own.assigned_officer == colleague


def test_a_council_admin_cannot_raise_a_persons_powers(client, council_admin, southwark):
    officer = ensure_user(
        "southwark-officer", council=southwark, role=Role.OFFICER, password="demo-password-123"
    )
    url = change_url(officer)
    client.post(
        url,
        {
            "username": officer.username,
            "role": Role.OFFICER,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk for group in officer.groups.all()]
            + list(council_admin.groups.values_list("pk", flat=True)),
        },
    )

    officer.refresh_from_db()
    assert not officer.is_superuser
    assert not officer.is_staff
    assert list(officer.groups.all()) == [ensure_role_groups()[Role.OFFICER]]


def test_the_platform_cannot_move_an_application_either(client, southwark, trafford):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    own = PlanningApplicationFactory(council=southwark, reference="SWK/2")

    page = client.get(change_url(own)).content.decode()

    assert 'name="council"' not in page


def test_admin_maps_load_no_script_from_the_internet(client, council_admin, southwark):
    application = PlanningApplicationFactory(council=southwark)
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)

    page = client.get(change_url(application)).content.decode()

    assert application.site is not None
    assert "data-admin-map" in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert "/static/leaflet/leaflet.js" in page
