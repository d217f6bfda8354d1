"""The service as separate hosts, each a network namespace on this machine (tests/hosts.py):
PostGIS and Redis on one, an S3-compatible server (moto) on another, gunicorn and the one
Celery beat on the web host, a Celery worker on each of two worker hosts, and a council's
system on a host of its own that uses only the API. Production settings throughout, with
documents in the bucket: nothing is shared between hosts but the network.

Short leases (a few seconds) keep the test quick; the demo's defaults are measured apart
(docs/decisions/0019). Run alone with `pytest -m multihost`; it needs root.
"""

import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
from PIL import Image, ImageDraw, ImageFont

from tests.hosts import Host, Network
from tests.object_storage import REGION, s3_client, storage_environment
from tests.triage.documents import text_pdf

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    for tool in ("ip", "redis-server", "runuser"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if not (PG_BIN / "initdb").exists():
        return "needs PostgreSQL 15 (deploy/local/setup.sh installs it)"
    return None


pytestmark = [
    pytest.mark.multihost,
    pytest.mark.skipif(_missing() is not None, reason=_missing() or ""),
]

WOODWARDE_ROAD_SITE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-0.082375, 51.451423],
            [-0.082071, 51.451786],
            [-0.082162, 51.451815],
            [-0.082465, 51.451452],
            [-0.082375, 51.451423],
        ]
    ],
}
# Letters a scan of a few pages holds: seconds of OCR each, so a host can be lost mid-read.
SCANNED_LINES = [
    "HERITAGE STATEMENT",
    "The site lies within the Camberwell Grove Conservation Area.",
    "The proposal is a single storey rear extension in matching brick.",
    "The listed building next door is Grade II.",
]


def scanned_pdf(pages: int, marker: str) -> bytes:
    """An image-only PDF (no text layer) of `pages` A4 pages at 200 dpi."""
    font = ImageFont.load_default(size=44)
    images = []
    for number in range(pages):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        for index, line in enumerate([*SCANNED_LINES, f"Page {number + 1} of {marker}"]):
            draw.text((120, 150 + index * 80), line, fill=0, font=font)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return out.getvalue()


# --- The deployment -----------------------------------------------------------------------


@dataclass
class Deployment:
    network: Network
    folder: Path
    db: Host
    s3: Host
    web: Host
    workers: dict[str, Host]
    council: Host
    key: str = ""
    environment: dict[str, str] = field(default_factory=dict)
    pg_data: Path | None = None

    @property
    def api(self) -> str:
        return f"http://{self.web.address}:8000/api/v1"

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@{self.db.address}:5432/triage"

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    # The council's system: every call leaves from its host.
    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        return self.council.call(
            requests.request, method, f"{self.api}{path}", headers=headers, timeout=30, **kwargs
        )

    def sql(self, query: str, *params) -> list[tuple]:
        """What the database holds, read from the council's host for the test's checks."""

        def read():
            with psycopg.connect(self.database_url, connect_timeout=5) as connection:
                return connection.execute(query, params).fetchall()

        return self.council.call(read)

    def postgres(self, *args: str) -> subprocess.CompletedProcess:
        assert self.pg_data is not None
        return self.db.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.pg_data),
                *args,
            ],
            env=_plain_environment(),
        )

    def start_postgres(self) -> subprocess.CompletedProcess:
        assert self.pg_data is not None
        return self.postgres("-w", "-l", str(self.pg_data.parent / "postgres.log"), "start")


def _plain_environment() -> dict[str, str]:
    # Nothing from the developer's shell (an LLM_BASE_URL, say) reaches the hosts.
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }


def _wait(condition, timeout: float, message: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message)


def _answers(host: Host, url: str) -> bool:
    try:
        return host.call(requests.get, url, timeout=2).status_code < 500
    except requests.RequestException:
        return False


def _start_database(deployment: Deployment) -> None:
    db = deployment.db
    folder = Path(tempfile.mkdtemp(prefix="multihost-pg-"))
    shutil.chown(folder, "postgres")
    folder.chmod(0o755)
    data = folder / "data"
    deployment.pg_data = data
    initdb = db.run(
        ["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(data),
         "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
        env=_plain_environment(),
    )  # fmt: skip
    assert initdb.returncode == 0, initdb.stderr
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {db.address.rsplit('.', 1)[0]}.0/24 trust\n")
    # In its configuration, not on the command line, so a restart keeps it.
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = 5432\nunix_socket_directories = '{folder}'\n"
            f"listen_addresses = '{db.address}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            # A host that vanished without closing its connections is noticed in seconds.
            "tcp_keepalives_idle = 5\ntcp_keepalives_interval = 2\ntcp_keepalives_count = 3\n"
        )
    started = deployment.start_postgres()
    assert started.returncode == 0, started.stderr + started.stdout
    created = db.run(
        ["psql", "-h", db.address, "-U", "postgres", "-c", "CREATE DATABASE triage"],
        env=_plain_environment(),
    )
    assert created.returncode == 0, created.stderr
    db.start(
        ["redis-server", "--bind", db.address, "--port", "6379", "--protected-mode", "no",
         "--save", "", "--appendonly", "no", "--dir", str(deployment.folder)],
        env=_plain_environment(),
        log=deployment.log("redis"),
    )  # fmt: skip


def _service_environment(deployment: Deployment, bucket: str) -> dict[str, str]:
    db = deployment.db.address
    return {
        **_plain_environment(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "TRIAGE_ENVIRONMENT": "production",
        "DJANGO_SECRET_KEY": "multihost-test-only-not-secret",
        "DATABASE_URL": f"postgis://postgres@{db}:5432/triage",
        "REDIS_URL": f"redis://{db}:6379/0",
        "CACHE_REDIS_URL": f"redis://{db}:6379/2",
        **storage_environment(f"http://{deployment.s3.address}:9000", bucket),
        "DJANGO_ALLOWED_HOSTS": deployment.web.address,
        # No TLS between these hosts; in production a proxy in front terminates it.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(deployment.folder / "static"),
        "TRIAGE_TASK_QUEUE": "triage",
        "TRIAGE_RECOVERY_QUEUE": "triage-recovery",
        "TRIAGE_OCR_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
        # MULTIHOST_DEFAULT_TIMINGS=1 keeps the defaults, to measure recovery as deployed.
        **(
            {}
            if os.environ.get("MULTIHOST_DEFAULT_TIMINGS")
            else {
                "TRIAGE_RUN_LEASE_SECONDS": "4",
                "TRIAGE_TEXT_LEASE_SECONDS": "12",
                "TRIAGE_RECOVER_EVERY_SECONDS": "1",
                "TRIAGE_REENQUEUE_AFTER_SECONDS": "5",
            }
        ),
    }


def _manage(deployment: Deployment, *args: str) -> str:
    done = deployment.web.run(
        [sys.executable, "manage.py", *args], env=deployment.environment, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _start_worker(deployment: Deployment, name: str) -> None:
    deployment.workers[name].start(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
         "--concurrency=1", "-Q", "triage,triage-recovery", "-n", f"{name}@multihost",
         "--without-gossip", "--without-mingle", "-l", "info"],
        env=deployment.environment,
        cwd=ROOT,
        log=deployment.log(name),
    )  # fmt: skip


@pytest.fixture(scope="module")
def deployment():
    network = Network()
    folder = Path(tempfile.mkdtemp(prefix="multihost-"))
    try:
        network.create()
        deployment = Deployment(
            network=network,
            folder=folder,
            db=network.add("db"),
            s3=network.add("s3"),
            web=network.add("web"),
            workers={"w1": network.add("w1"), "w2": network.add("w2")},
            council=network.add("council"),
        )
        _start_database(deployment)
        deployment.s3.start(
            [sys.executable, "-m", "moto.server", "-H", deployment.s3.address, "-p", "9000"],
            env=_plain_environment(),
            log=deployment.log("s3"),
        )
        endpoint = f"http://{deployment.s3.address}:9000"
        _wait(lambda: _answers(deployment.council, endpoint), 60, "the S3 server did not start")
        bucket = "planning-documents"
        deployment.council.call(
            lambda: s3_client(endpoint).create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        )
        deployment.environment = _service_environment(deployment, bucket)

        # What an operator does once: the schema, a council, a key for its system.
        _manage(deployment, "migrate", "--noinput", "-v", "0")
        _manage(deployment, "create_council", "E09000028", "--name", "London Borough of Southwark")
        deployment.key = _manage(
            deployment, "create_api_key", "E09000028", "--name", "Southwark portal"
        ).strip()

        web_environment = {
            **deployment.environment,
            "TRIAGE_WEB_HOST": deployment.web.address,
            "WEB_CONCURRENCY": "2",
        }
        deployment.web.start(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            env=web_environment,
            cwd=ROOT,
            log=deployment.log("web"),
        )
        deployment.web.start(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info",
             f"--schedule={folder / 'beat-schedule'}"],
            env=deployment.environment,
            cwd=ROOT,
            log=deployment.log("beat"),
        )  # fmt: skip
        for name in deployment.workers:
            _start_worker(deployment, name)
        health = f"http://{deployment.web.address}:8000/healthz"
        _wait(lambda: _answers(deployment.council, health), 120, "the web host did not start")
        for name in deployment.workers:
            _wait(
                lambda name=name: " ready." in deployment.log(name).read_text(),
                120,
                f"worker {name} did not start:\n{deployment.log(name).read_text()[-3000:]}",
            )
        yield deployment
    finally:
        network.remove()
        if os.environ.get("MULTIHOST_KEEP_LOGS"):  # a folder to keep each host's log in
            shutil.copytree(folder, os.environ["MULTIHOST_KEEP_LOGS"], dirs_exist_ok=True)
        if network.namespaces():
            pytest.fail(f"namespaces left behind: {network.namespaces()}")
        shutil.rmtree(folder, ignore_errors=True)
        if "deployment" in locals() and deployment.pg_data is not None:
            shutil.rmtree(deployment.pg_data.parent, ignore_errors=True)


# --- What the council's system sees ---------------------------------------------------------


def submit(deployment: Deployment, reference: str) -> int:
    response = deployment.request(
        "POST",
        "/applications/",
        json={
            "reference": reference,
            "application_type": "pp.full.householder",
            "description": "Single storey rear extension.",
            "address": "140, Woodwarde Road, London, SE22 8UR",
            "site": WOODWARDE_ROAD_SITE,
            "received_date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def attach(deployment: Deployment, application: int, name: str, content: bytes) -> dict:
    response = deployment.request(
        "POST",
        f"/applications/{application}/documents/",
        files={"file": (name, content)},
        data={"document_type": "heritageStatement"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def settled(deployment: Deployment, application: int) -> bool:
    """Every document read and the latest run finished, as the API shows them."""
    detail = deployment.request("GET", f"/applications/{application}/").json()
    triage = detail.get("triage") or {}
    run = triage.get("latest_run") or {}
    documents_read = all(d["text_status"] == "extracted" for d in detail["documents"])
    return documents_read and run.get("status") == "succeeded"


@dataclass
class Tasks:
    """What a worker's log says it did: task ids by name, received and finished."""

    received: dict[str, str]
    succeeded: dict[str, str]


_TASK = re.compile(r"Task (triage\.tasks\.\w+)\[([0-9a-f-]+)\] (received|succeeded|retry)")


def tasks_of(deployment: Deployment, worker: str) -> Tasks:
    tasks = Tasks({}, {})
    for name, task, what in _TASK.findall(deployment.log(worker).read_text()):
        if what == "received":
            tasks.received[task] = name
        else:  # a retry is sent as a new delivery of the same id: it is done here
            tasks.succeeded[task] = name
    return tasks


def did(tasks: Tasks, name: str) -> int:
    return sum(1 for done in tasks.succeeded.values() if done == f"triage.tasks.{name}")


# --- The tests ------------------------------------------------------------------------------


def test_documents_are_stored_once_in_the_bucket_and_served_back_through_the_web_host(
    deployment,
):
    application = submit(deployment, "MH/0001")
    content = text_pdf(["Design and access statement for 140 Woodwarde Road."])
    document = attach(deployment, application, "design.pdf", content)

    downloaded = deployment.request(
        "GET", f"/applications/{application}/documents/{document['id']}/file"
    )
    _wait(lambda: settled(deployment, application), 120, "the application was not triaged")
    text = deployment.request(
        "GET", f"/applications/{application}/documents/{document['id']}/text"
    ).json()

    assert downloaded.status_code == 200 and downloaded.content == content
    assert "Design and access statement" in text["pages"][0]["text"]
    endpoint = f"http://{deployment.s3.address}:9000"
    keys = deployment.council.call(
        lambda: [
            item["Key"]
            for item in s3_client(endpoint)
            .list_objects_v2(Bucket="planning-documents")
            .get("Contents", [])
        ]
    )
    assert f"documents/E09000028/{document['sha256'][:2]}/{document['sha256']}" in keys


def test_a_database_restart_is_a_503_and_a_document_is_still_read_once(deployment):
    application = submit(deployment, "MH/0100")
    document = attach(deployment, application, "scan.pdf", scanned_pdf(5, "MH/0100"))
    lease = f"document-reading:{document['id']}"
    _wait(
        lambda: deployment.sql("SELECT 1 FROM leases_lease WHERE name = %s", lease),
        120,
        "no worker started reading the scan",
        interval=0.05,
    )

    # PostgreSQL stops while the scan is being read, and a submission arrives meanwhile.
    stopped = deployment.postgres("-w", "stop", "-m", "fast")
    assert stopped.returncode == 0, stopped.stderr
    try:
        key = str(uuid.uuid4())
        body = {
            "reference": "MH/0101",
            "application_type": "pp.full.householder",
            "description": "Loft conversion.",
            "site": WOODWARDE_ROAD_SITE,
            "received_date": datetime.date.today().isoformat(),
        }
        during = deployment.request(
            "POST", "/applications/", json=body, headers={"Idempotency-Key": key}
        )
    finally:
        started = deployment.postgres(
            "-w", "-l", str(deployment.pg_data.parent / "postgres.log"), "start"
        )
    assert started.returncode == 0, started.stderr

    restarted_at = time.monotonic()
    assert during.status_code == 503, during.text
    assert during.headers["Content-Type"].startswith("application/problem+json")
    assert during.json()["type"] == "/api/v1/problems/temporarily-unavailable"
    assert int(during.headers["Retry-After"]) > 0
    retried = _wait(
        lambda: (
            answer
            if (
                answer := deployment.request(
                    "POST", "/applications/", json=body, headers={"Idempotency-Key": key}
                )
            ).status_code
            != 503
            else None
        ),
        60,
        "the API still answered 503 after the restart",
    )
    assert retried.status_code == 201, retried.text
    print(f"\nPostgreSQL back: the retry succeeded {time.monotonic() - restarted_at:.1f} s later")
    _wait(lambda: settled(deployment, application), 240, "the scan's application never settled")
    # The reader kept its lease through the restart: no one else started on the scan.
    ((attempts,),) = deployment.sql(
        "SELECT attempts FROM triage_textreadingattempts WHERE document_id = %s", document["id"]
    )
    assert attempts == 1
    text = deployment.request(
        "GET", f"/applications/{application}/documents/{document['id']}/text"
    ).json()
    assert [page["ocr"] for page in text["pages"]] == [True] * 5


def _w1_reading(deployment: Deployment, w1) -> list[tuple]:
    """The scan w1 holds the reading lease of while it is still unread, once it does."""
    return _wait(
        lambda: deployment.sql(
            "SELECT document.id FROM leases_lease lease JOIN planning_document document "
            "ON lease.name = 'document-reading:' || document.id "
            "WHERE document.text_status = 'pending' AND lease.expires_at > now() "
            "AND split_part(lease.holder, ':', 2)::int = ANY(%s)",
            w1.pids(),
        ),
        300,
        "w1 never started reading a scan",
        interval=0.05,
    )


# Applications sent, one at a time, before giving up on both hosts having read and run some.
MAX_SHARING_APPLICATIONS = 8


def test_two_worker_hosts_share_the_work_and_losing_one_loses_nothing(deployment):
    sent: dict[int, list[tuple[int, bytes]]] = {}

    def send(number: int, scanned_pages: int) -> None:
        reference = f"MH/1{number:03d}"
        application = submit(deployment, reference)
        documents = [
            (f"statement-{number}.pdf", text_pdf([f"Planning statement for {reference}."])),
            (f"scan-{number}.pdf", scanned_pdf(scanned_pages, reference)),
        ]
        sent[application] = [
            (attach(deployment, application, name, content)["id"], content)
            for name, content in documents
        ]

    def done() -> dict[str, tuple[int, int]]:
        return {
            worker: (
                did(tasks_of(deployment, worker), "read_document"),
                did(tasks_of(deployment, worker), "run_triage"),
            )
            for worker in ("w1", "w2")
        }

    # Both workers read documents and finish runs. How a busy machine shares work out between
    # them is not fixed (one may take three applications in a row), so applications are sent
    # one at a time, each once the last has settled, until each host has done both.
    number = 0
    while not all(reads and runs for reads, runs in done().values()):
        assert number < MAX_SHARING_APPLICATIONS, f"the work was never shared: {done()}"
        send(number, scanned_pages=1)
        number += 1
        _wait(
            lambda: all(settled(deployment, application) for application in sent),
            300,
            "the first applications were never finished",
            interval=0.5,
        )

    # Scans of three pages, seconds of OCR each: lose w1 just after it starts reading one
    # (it holds the scan's reading lease, named after its process). w2 hangs meanwhile, so
    # the scans wait for w1 however the two would have shared them on a busy machine.
    w1, w2 = deployment.workers["w1"], deployment.workers["w2"]
    w2.pause()
    try:
        for scan in range(number, number + 4):
            send(scan, scanned_pages=3)
        being_read = _w1_reading(deployment, w1)
    finally:
        w2.resume()
    ((being_read,),) = being_read
    lost_at = time.monotonic()
    w1.lose()
    ((status,),) = deployment.sql(
        "SELECT text_status FROM planning_document WHERE id = %s", being_read
    )
    assert status == "pending", "w1 finished reading the scan before it was lost"
    w2_done_before = len(tasks_of(deployment, "w2").succeeded)

    _wait(
        lambda: all(settled(deployment, application) for application in sent),
        300,
        "work of the lost host was never finished",
        interval=0.5,
    )
    settled_in = time.monotonic() - lost_at
    print(f"\nw1 lost while reading a scan; everything settled {settled_in:.1f} s later")

    # Nothing lost: every run succeeded, every document read, and served back intact.
    assert deployment.sql("SELECT id FROM triage_triagerun WHERE status <> 'succeeded'") == []
    for application, documents in sent.items():
        for document, content in documents:
            text = deployment.request(
                "GET", f"/applications/{application}/documents/{document}/text"
            ).json()
            assert text["text_status"] == "extracted" and text["pages"], text
            downloaded = deployment.request(
                "GET", f"/applications/{application}/documents/{document}/file"
            )
            assert downloaded.content == content
    # Nothing twice: each application once, each page once, at most the lost reading restarted.
    listed = deployment.request("GET", "/applications/?reference=MH/1000").json()
    assert listed["count"] == 1
    assert (
        deployment.sql(
            "SELECT document_id, number FROM triage_documentpage "
            "GROUP BY document_id, number HAVING count(*) > 1"
        )
        == []
    )
    # The scan w1 was reading was read again, once, by w2; no other reading restarted.
    restarted = deployment.sql(
        "SELECT document_id, attempts FROM triage_textreadingattempts WHERE attempts > 1"
    )
    assert restarted == [(being_read, 2)]
    # w2 carried on after w1 was lost.
    assert len(tasks_of(deployment, "w2").succeeded) > w2_done_before
