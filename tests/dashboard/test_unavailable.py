"""A database or document storage that does not answer (a restart) is a 503 page that says
to try again in a few seconds, with Retry-After, never Django's 500 page."""

import socket

import pytest
from botocore.config import Config
from django.db import OperationalError, connection


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def officer_client(client, people):
    client.force_login(people["officer"])
    return client


def test_a_document_whose_store_does_not_answer_is_a_503_page(
    s3_bucket, officer_client, triaged, settings
):
    document = triaged.documents.get()
    assert s3_bucket.keys()  # the document is in the bucket
    storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **storage,
            "OPTIONS": {
                **storage["OPTIONS"],
                "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
            },
        },
    }

    response = officer_client.get(f"/applications/{triaged.pk}/documents/{document.pk}/file")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Sorry, the service is unavailable for a moment" in page
    assert "Try again in 5 seconds" in page
    assert "127.0.0.1" not in page


def refuse(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_page_whose_database_does_not_answer_is_a_503_page(officer_client, triaged):
    # The first query is the sign-in's session, in a middleware before any view.
    officer_client.raise_request_exception = False
    with connection.execute_wrapper(refuse):
        response = officer_client.get(f"/applications/{triaged.pk}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Sorry, the service is unavailable for a moment" in page
    assert "server closed" not in page


def test_a_view_whose_database_stops_answering_is_a_503_page(officer_client, triaged):
    officer_client.get("/")  # the session is read and the user is known
    calls = []

    def refuse_after_the_sign_in(execute, sql, params, many, context):
        calls.append(sql)
        if "planning_planningapplication" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_after_the_sign_in):
        response = officer_client.get(f"/applications/{triaged.pk}/")

    assert response.status_code == 503
    assert "Sorry, the service is unavailable for a moment" in response.content.decode()


def test_an_api_request_refused_before_its_view_is_a_503_problem(officer_client):
    # A request with a session cookie: the log context's middleware asks who is signed in
    # before the API's own handler is reached; the answer is still a problem.
    officer_client.raise_request_exception = False
    with connection.execute_wrapper(refuse):
        response = officer_client.get("/api/v1/applications/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503


def test_a_bug_is_still_a_500(officer_client, triaged):
    def broken(execute, sql, params, many, context):
        raise ZeroDivisionError("a bug of ours")

    officer_client.raise_request_exception = False
    with connection.execute_wrapper(broken):
        response = officer_client.get(f"/applications/{triaged.pk}/")

    assert response.status_code == 500
