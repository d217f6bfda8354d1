"""The interactive API documentation works in a real browser with nothing from outside."""

import os

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop; Django's live server test is synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run deploy/local/setup.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


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
    browser_page.wait_for_selector(".opblock-body", timeout=15_000)
    body = browser_page.locator(".opblock-body").first.inner_text()
    assert "application_type" in body and "site" in body
