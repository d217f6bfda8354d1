import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from planning.keys import revoke_api_key
from planning.models import CouncilApiKey
from tests.api.conftest import client_for, problem
from tests.factories import ReadOnlyCouncilApiKeyFactory

URL = "/api/v1/applications/"


def test_it_issues_a_key_that_works_once_and_stores_only_its_digest(southwark):
    out = StringIO()
    call_command(
        "create_api_key", "E09000028", "--name", "PlanX portal", stdout=out, stderr=StringIO()
    )
    key = out.getvalue().strip()

    record = CouncilApiKey.objects.get()
    assert record.council == southwark
    assert key.startswith(f"pt_{record.prefix}_")
    assert key not in (record.digest, record.prefix)
    response = client_for(key).get(URL)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_it_refuses_requests_without_a_live_key(southwark_key, client, officer):
    assert client.get(URL).status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer pt_nothing_here").status_code == 401
    # The right prefix with the wrong secret.
    forged = f"pt_{southwark_key.prefix}_{'A' * 43}"
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401
    # The scheme name is case-insensitive; another scheme is no key at all.
    assert client.get(URL, HTTP_AUTHORIZATION=f"bearer {southwark_key.key}").status_code == 200
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {southwark_key.key}").status_code == 401
    # A logged-in officer is a person, not a council's system.
    client.force_login(officer)
    assert client.get(URL).status_code == 401


def test_it_refuses_a_revoked_key_at_once(southwark_key):
    api = client_for(southwark_key.key)
    assert api.get(URL).status_code == 200

    out = StringIO()
    call_command("revoke_api_key", southwark_key.prefix, stdout=out)

    assert "Revoked" in out.getvalue()
    response = api.get(URL)
    assert "revoked" in problem(response, 401)["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_writes_last_used_at_at_most_once_a_minute(southwark_key):
    api = client_for(southwark_key.key)
    api.get(URL)
    southwark_key.refresh_from_db()
    first_use = southwark_key.last_used_at

    api.get(URL)
    southwark_key.refresh_from_db()
    assert southwark_key.last_used_at == first_use

    CouncilApiKey.objects.filter(pk=southwark_key.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    api.get(URL)
    southwark_key.refresh_from_db()
    assert southwark_key.last_used_at > first_use


def test_it_names_an_unknown_council_or_key(db):
    with pytest.raises(CommandError, match="E09999999"):
        call_command("create_api_key", "E09999999", "--name", "portal", stdout=StringIO())
    with pytest.raises(CommandError, match="nope"):
        call_command("revoke_api_key", "nope", stdout=StringIO())


def test_it_lets_the_platform_admin_see_and_revoke_keys_without_their_digest(
    southwark_key, client, django_user_model
):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    client.force_login(root)

    listing = client.get("/admin/planning/councilapikey/")
    assert southwark_key.prefix in listing.content.decode()
    page = client.get(f"/admin/planning/councilapikey/{southwark_key.pk}/change/")
    assert southwark_key.digest not in page.content.decode()

    client.post(
        "/admin/planning/councilapikey/",
        {"action": "revoke", "_selected_action": [southwark_key.pk]},
    )
    assert client_for(southwark_key.key).get(URL).status_code == 401


def test_it_creates_a_read_only_key_that_reads_but_cannot_submit(southwark, submission):
    out = StringIO()
    call_command(
        "create_api_key",
        "E09000028",
        "--name",
        "Dashboard",
        "--read-only",
        stdout=out,
        stderr=StringIO(),
    )
    reader = client_for(out.getvalue().strip())

    assert CouncilApiKey.objects.get().read_only is True
    assert reader.get(URL).status_code == 200
    refused = reader.post(URL, submission, format="json")
    assert "read-only" in problem(refused, 403)["detail"]


def test_it_lists_keys_without_their_secret(southwark_key, trafford_key):
    read_only = ReadOnlyCouncilApiKeyFactory(council=southwark_key.council, name="Dashboard")
    revoke_api_key(southwark_key.prefix)
    everyone, southwark_only = StringIO(), StringIO()

    call_command("list_api_keys", stdout=everyone)
    call_command("list_api_keys", "E09000028", stdout=southwark_only)

    lines = southwark_only.getvalue().splitlines()
    assert lines[0].split() == [
        "PREFIX",
        "NAME",
        "COUNCIL",
        "ACCESS",
        "CREATED",
        "LAST",
        "USED",
        "REVOKED",
    ]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {southwark_key.prefix, read_only.prefix}
    assert "read-only" in rows[read_only.prefix] and "Dashboard" in rows[read_only.prefix]
    assert "read-write" in rows[southwark_key.prefix]
    assert not rows[southwark_key.prefix].rstrip().endswith("-")  # revoked: a date
    assert trafford_key.prefix in everyone.getvalue()
    assert southwark_key.key not in everyone.getvalue()
    with pytest.raises(CommandError, match="E09999999"):
        call_command("list_api_keys", "E09999999", stdout=StringIO())
