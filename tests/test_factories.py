import pytest
from django.db import IntegrityError

from tests.factories import CouncilFactory, PlanningApplicationFactory, UserFactory


def test_it_builds_an_application_with_a_site_in_british_national_grid(db):
    application = PlanningApplicationFactory()
    application.refresh_from_db()
    assert application.site.srid == 27700
    assert application.site.area == pytest.approx(600.0)
    assert application.council.code.startswith("E07")


def test_it_builds_a_user_who_can_log_in(db, client):
    user = UserFactory()
    # Through the sign-in page, as a person would (django-axes needs the request).
    response = client.post(
        "/sign-in/", {"username": user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_it_refuses_a_second_application_with_the_same_reference_in_one_council(db):
    council = CouncilFactory()
    PlanningApplicationFactory(council=council, reference="26/AP/1")
    PlanningApplicationFactory(council=CouncilFactory(), reference="26/AP/1")  # other council: fine
    with pytest.raises(IntegrityError):
        PlanningApplicationFactory(council=council, reference="26/AP/1")


def test_it_refuses_a_user_without_a_council_unless_superuser(db):
    with pytest.raises(IntegrityError):
        UserFactory(council=None)
