from django.core.management import call_command

from planning.models import User


def test_it_loads_demo_users_for_each_role_idempotently(db, client):
    call_command("load_demo")
    call_command("load_demo")
    assert User.objects.filter(username__startswith="southwark-").count() == 3
    client.post("/sign-in/", {"username": "southwark-admin", "password": "demo-password-123"})
    assert "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 200


def test_it_shows_a_council_admin_only_their_own_councils_applications(db, client):
    from tests.factories import PlanningApplicationFactory

    call_command("load_demo")
    admin = User.objects.get(username="southwark-admin")
    own = PlanningApplicationFactory(council=admin.council, reference="SWK/1")
    other = PlanningApplicationFactory(
        council=User.objects.get(username="trafford-admin").council, reference="TRF/1"
    )
    client.force_login(admin)
    listing = client.get("/admin/planning/planningapplication/")
    assert listing.status_code == 200
    assert "SWK/1" in listing.content.decode()
    assert "TRF/1" not in listing.content.decode()
    assert client.get(f"/admin/planning/planningapplication/{own.pk}/change/").status_code == 200
    # Someone else's record is "not found" for them, not "forbidden".
    assert client.get(f"/admin/planning/planningapplication/{other.pk}/change/").status_code == 302


def test_it_keeps_officers_and_managers_out_of_the_admin(db, client):
    call_command("load_demo")
    for username in ("southwark-officer", "southwark-manager"):
        client.post("/sign-in/", {"username": username, "password": "demo-password-123"})
        assert client.get("/admin/").status_code == 302
