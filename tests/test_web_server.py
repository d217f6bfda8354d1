"""The demo's web server as a council would meet it: gunicorn with the demo settings (no
DEBUG), static files collected and served by WhiteNoise, a bounded number of database
connections however many requests arrive, and error pages that show nothing of the setup."""

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2

pytestmark = pytest.mark.django_db(transaction=True)


APP_NAME = "demo-web-server-test"
METRICS_TOKEN = "web-server-test-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path):
    database = connection.settings_dict
    port = free_port()
    metrics_folder = tmp_path / "metrics"
    metrics_folder.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
        "DATABASE_URL": f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "STATIC_ROOT": str(tmp_path / "static"),
        "TRIAGE_WEB_PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        # libpq names the server's connections, so only they are counted (the test process's
        # other threads may hold connections of their own to the same database).
        "PGAPPNAME": APP_NAME,
        # As the production units run it: the workers count into one folder /metrics adds up.
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
        "METRICS_TOKEN": METRICS_TOKEN,
    }
    env.pop("DJANGO_DEBUG", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: on a busy machine the workers take a while to load Django and answer.
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=15).status_code in (200, 503):
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("gunicorn did not start")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(20)


def test_the_demo_serves_its_pages_with_their_styles_and_scripts(demo_server):
    page = requests.get(f"{demo_server}/sign-in/", timeout=60)

    assert page.status_code == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    stylesheet = next(path for path in assets if path.endswith(".css"))
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), "a hashed, cacheable name"
    for path in assets:
        response = requests.get(demo_server + path, timeout=60)
        assert response.status_code == 200, path
    css = requests.get(demo_server + stylesheet, timeout=60)
    assert css.headers["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in css.headers["Cache-Control"]
    # What the pages' script imports by its plain name is there too.
    assert requests.get(f"{demo_server}/static/govuk/govuk-frontend.min.js", timeout=60).ok


def test_the_demo_shows_no_debug_page_and_serves_no_media(demo_server):
    missing = requests.get(f"{demo_server}/no-such-page/", timeout=60)
    media = requests.get(f"{demo_server}/media/documents/E09000028/ab/abc", timeout=60)

    for response in (missing, media):
        assert response.status_code == 404
        for leak in ("DEBUG", "urlpatterns", "Django tried", "DATABASE", "postgis://"):
            assert leak not in response.text


def test_the_demo_holds_at_most_one_database_connection_per_worker(demo_server):
    def fetch(index: int) -> int:
        path = "/healthz" if index % 2 else "/sign-in/"
        return requests.get(demo_server + path, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(fetch, range(300)))

    assert set(statuses) <= {200, 503}  # 503: a dependency the health check names is down
    assert statuses.count(200) >= 150
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [APP_NAME],
        )
        held = cursor.fetchone()[0]
    assert 1 <= held <= WORKERS


def test_metrics_count_every_workers_requests_whichever_answers_the_scrape(demo_server):
    sent = 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda _: requests.get(f"{demo_server}/sign-in/", timeout=30), range(sent))
        )
    assert [response.status_code for response in statuses] == [200] * sent

    counted = []
    for _ in range(6):  # scrapes land on either worker
        scrape = requests.get(
            f"{demo_server}/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
            timeout=30,
        )
        assert scrape.status_code == 200
        counted.append(
            sum(
                sample.value
                for family in text_string_to_metric_families(scrape.text)
                for sample in family.samples
                if sample.name == "http_requests_total"
                and sample.labels == {"method": "GET", "route": "sign-in/", "status": "200"}
            )
        )
    # Every scrape adds up both workers' counts: none sees only its own share.
    assert counted == [sent] * 6
