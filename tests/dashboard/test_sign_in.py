"""Signing in and out: sessions, CSRF, and the lock-out after repeated failures."""

from django.test import Client

from tests.dashboard.conftest import PASSWORD


def sign_in(client, username, password):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_it_signs_in_to_the_queue_and_out_again(client, people):
    response = sign_in(client, "olivia", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Olivia Okafor" in client.get("/").content.decode()
    assert client.get("/sign-out/").status_code == 405  # signing out is a POST, with CSRF
    response = client.post("/sign-out/")
    assert response["Location"] == "/sign-in/"
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_a_wrong_password_is_explained_and_the_username_kept(client, people):
    response = sign_in(client, "olivia", "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a correct username and password." in page
    assert 'value="olivia"' in page


def test_empty_fields_each_get_their_message(client, people):
    page = sign_in(client, "", "").content.decode()
    assert "Enter your username" in page and "Enter your password" in page
    assert 'href="#id_username"' in page


def test_repeated_failures_lock_the_account_out(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "olivia", "guess")
    response = sign_in(client, "olivia", PASSWORD)
    assert response.status_code == 429
    assert "Too many wrong attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sign_in_form_needs_its_csrf_token(people):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/sign-in/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 403


def test_a_next_page_elsewhere_is_not_followed(client, people):
    response = client.post(
        "/sign-in/",
        {"username": "olivia", "password": PASSWORD, "next": "https://example.org/steal"},
    )
    assert response["Location"] == "/"
