"""Every page and data endpoint, for each role of the other council: another council's
application is "not found", exactly as one that does not exist; nothing is changed."""

import pytest
from django.urls import URLPattern, get_resolver

from planning.models import ApplicationEvent
from triage.models import Finding, FindingReview

ROLES = ["trafford_officer", "trafford_manager", "trafford_admin"]


def dashboard_routes():
    """Every dashboard URL that names an application, from the URL configuration itself, so a
    new page is swept as soon as it exists."""
    resolver = get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        namespace = getattr(pattern, "namespace", None)
        if namespace != "dashboard":
            continue
        for entry in pattern.url_patterns:
            assert isinstance(entry, URLPattern)
            if "<int:pk>" in str(entry.pattern):
                routes.append(str(entry.pattern))
    return routes


def fill(route: str, application_id: int, finding_id: int, document_id: int) -> str:
    return "/" + (
        route.replace("<int:pk>", str(application_id))
        .replace("<int:finding_id>", str(finding_id))
        .replace("<int:document_id>", str(document_id))
        .replace("<int:number>", "1")
    )


@pytest.fixture
def trafford_admin(trafford):
    from planning.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="tina", council=trafford, role=Role.ADMIN, is_staff=True)


def test_the_sweep_covers_every_application_route():
    routes = dashboard_routes()
    assert len(routes) >= 13
    assert "applications/<int:pk>/map.geojson" in routes


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_endpoint_reveals_or_changes_another_councils_application(
    client, triaged, people, trafford_admin, role
):
    user = trafford_admin if role == "trafford_admin" else people[role]
    client.force_login(user)
    finding = Finding.objects.filter(application=triaged).first()
    document = triaged.documents.get()
    events_before = ApplicationEvent.objects.filter(application=triaged).count()
    for route in dashboard_routes():
        theirs = fill(route, triaged.pk, finding.pk, document.pk)
        missing = fill(route, 999_999, 999_999, 999_999)
        for method in ("get", "post"):
            answer = getattr(client, method)(theirs, {"revision": 0, "next": "/"})
            nothing = getattr(client, method)(missing, {"revision": 0, "next": "/"})
            assert answer.status_code == nothing.status_code, (method, route)
            assert answer.status_code in (404, 405), (method, route, answer.status_code)
    triaged.refresh_from_db()
    assert triaged.assigned_officer is None and triaged.valid_date is None
    assert triaged.triage_runs.count() == 1
    assert not FindingReview.objects.filter(finding__application=triaged).exists()
    assert ApplicationEvent.objects.filter(application=triaged).count() == events_before


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_holds_only_the_users_council(client, triaged, people, trafford_admin, role):
    user = trafford_admin if role == "trafford_admin" else people[role]
    client.force_login(user)
    for tab in ("mine", "unassigned", "open", "recent", "decided"):
        page = client.get(f"/?tab={tab}", {"q": "Camberwell"}).content.decode()
        assert "26/AP/0100" not in page and "Camberwell Grove" not in page, tab


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_each_role_of_the_council_reaches_its_applications(client, triaged, people, role):
    client.force_login(people[role])
    assert client.get(f"/applications/{triaged.pk}/").status_code == 200
    assert "26/AP/0100" in client.get("/?tab=open").content.decode()


def test_a_platform_superuser_without_a_council_sees_every_council(client, triaged):
    from tests.factories import UserFactory

    platform = UserFactory(username="platform", council=None, is_superuser=True, is_staff=True)
    client.force_login(platform)
    assert "26/AP/0100" in client.get("/?tab=open").content.decode()


def test_stored_documents_have_no_public_path(client, triaged, people):
    document = triaged.documents.get()
    client.force_login(people["officer"])
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/applications/{triaged.pk}/documents/{document.pk}/file").status_code == 200
