"""Whatever arrives in a query string or a form, the pages answer with a message, never a 500,
and change nothing they should not."""

import pytest

from triage.models import Finding, FindingReview

NASTY = ["\x00", "a\x00b", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "%", "\u202e"]


@pytest.fixture
def signed_in(client, people):
    client.force_login(people["officer"])
    return client


@pytest.mark.parametrize("value", NASTY)
def test_the_queue_survives_any_query_string(signed_in, triaged, value):
    for name in (
        "q",
        "lane",
        "status",
        "type",
        "category",
        "dataset",
        "officer",
        "deadline",
        "sort",
        "page",
    ):
        response = signed_in.get("/", {"tab": "open", name: value})
        assert response.status_code == 200, (name, value)
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert signed_in.get("/", {"tab": value}).status_code == 404


@pytest.mark.parametrize("value", NASTY)
def test_forms_refuse_bad_values_with_a_message(signed_in, triaged, value):
    finding = Finding.objects.filter(application=triaged).first()
    prefix = f"f{finding.pk}-"
    response = signed_in.post(
        f"/applications/{triaged.pk}/findings/{finding.pk}/review",
        {
            prefix + "decision": "rejected",
            prefix + "reason": value,
            prefix + "amended_value": value,
            prefix + "expected_review": value,
        },
    )
    assert response.status_code in (302, 422), value
    for action, data in [
        (
            "valid-date",
            {"revision": value, "valid_date_0": value, "valid_date_1": "1", "valid_date_2": "2026"},
        ),
        ("decision", {"revision": "0", "outcome": value, "level": value, "decision_date_0": value}),
        ("assign", {"revision": "0", "officer": value}),
        ("findings/new", {"code": value, "title": value, "detail": value}),
    ]:
        response = signed_in.post(f"/applications/{triaged.pk}/{action}", data)
        assert response.status_code in (302, 403, 409, 422), (action, value, response.status_code)
    assert not FindingReview.objects.exclude(
        decision__in=["accepted", "rejected", "amended"]
    ).exists()


def test_unknown_pages_are_govuk_pages(signed_in):
    response = signed_in.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
