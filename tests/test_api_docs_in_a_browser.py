"""The interactive API documentation works in a real browser with nothing from outside."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_it_renders_every_operation_from_our_own_assets(live_server, browser_page):
    requested = []
    browser_page.on("request", lambda request: requested.append(request.url))
    failed = []
    browser_page.on("requestfailed", lambda request: failed.append(request.url))

    browser_page.goto(f"{live_server.url}/api/v1/docs/")
    browser_page.wait_for_selector(".opblock", timeout=15_000)

    operations = browser_page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/applications/" in operations
    assert "/api/v1/applications/{id}/documents/" in operations
    assert "/api/v1/applications/odp/" in operations
    assert failed == []
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_it_shows_the_example_submission(live_server, browser_page):
    browser_page.goto(f"{live_server.url}/api/v1/docs/")
    browser_page.locator(".opblock-post .opblock-summary").first.click()
    # Swagger UI draws the example after the section opens: wait for it, not for the section.
    body = browser_page.locator(".opblock-body").first
    expect(body).to_contain_text("application_type", timeout=15_000)
    expect(body).to_contain_text("site")
