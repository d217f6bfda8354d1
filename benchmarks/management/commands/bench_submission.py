"""Measure the submission API end to end, in process: every middleware, authentication, the
pydantic checks, the site's transformation to British National Grid, PostGIS, storage.

Everything runs inside one transaction that is rolled back at the end, under a council of
its own and with documents stored in a temporary folder, so the database and the media root
are left as they were. Listeners (triage) never hear: nothing is committed.
"""

import io
import os
import statistics
import tempfile
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client, override_settings
from pypdf import PdfWriter

from planning.keys import issue_api_key
from planning.services import ensure_council

BENCH_COUNCIL = ("E06999999", "Benchmark council (rolled back)")
# A title boundary in Southwark from the Open Digital Planning examples, nudged per request.
RING = [
    [-0.082375, 51.451423],
    [-0.082071, 51.451786],
    [-0.082162, 51.451815],
    [-0.082465, 51.451452],
    [-0.082375, 51.451423],
]


class Rollback(Exception):
    pass


def _pdf(size_bytes: int) -> bytes:
    """A real PDF of about `size_bytes`: one page and an attachment of random bytes, so that
    each upload is new to the store and as large as a scanned plan."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("scan.bin", os.urandom(size_bytes))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Command(BaseCommand):
    help = "Time submissions, reads and document uploads through the API (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--upload-mib", type=float, default=5.0, help="Size of each PDF.")

    def handle(self, *args, requests, upload_mib, **options):
        timings: dict[str, list[float]] = {}
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            try:
                with transaction.atomic():
                    self._run(timings, requests, int(upload_mib * 1024 * 1024))
                    raise Rollback
            except Rollback:
                pass
        for operation, seconds in timings.items():
            ms = sorted(s * 1000 for s in seconds)
            self.stdout.write(
                f"{operation:32} n={len(ms):4}  median {statistics.median(ms):7.1f} ms  "
                f"p95 {ms[int(len(ms) * 0.95) - 1]:7.1f} ms"
            )

    def _run(self, timings, requests, upload_bytes):
        council = ensure_council(*BENCH_COUNCIL)
        client = Client(
            HTTP_HOST="localhost",
            HTTP_AUTHORIZATION=f"Bearer {issue_api_key(council, 'bench').key}",
        )

        def timed(operation, call):
            started = time.perf_counter()
            response = call()
            timings.setdefault(operation, []).append(time.perf_counter() - started)
            if response.status_code >= 300:
                raise RuntimeError(f"{operation}: {response.status_code} {response.content[:300]}")
            return response

        ids = []
        for number in range(requests):
            shift = number * 1e-5
            payload = {
                "reference": f"BENCH/{number}",
                "application_type": "pp.full.householder",
                "description": "Single storey rear extension.",
                "site": {
                    "type": "Polygon",
                    "coordinates": [[[lon + shift, lat] for lon, lat in RING]],
                },
                "received_date": "2026-11-02",
            }
            response = timed(
                "POST applications/ (new)",
                lambda p=payload: client.post(
                    "/api/v1/applications/", p, content_type="application/json"
                ),
            )
            ids.append(response.json()["id"])
            timed(
                "POST applications/ (retry)",
                lambda p=payload: client.post(
                    "/api/v1/applications/", p, content_type="application/json"
                ),
            )
        for application_id in ids:
            timed("GET applications/<id>/", lambda i=application_id: client.get(_detail(i)))
        for _ in range(max(requests // 10, 1)):
            timed("GET applications/ (page of 50)", lambda: client.get("/api/v1/applications/"))
        uploads = ids[: max(requests // 10, 1)]
        for application_id in uploads:
            content = _pdf(upload_bytes)
            name = f"POST documents/ ({len(content) / 2**20:.1f} MiB PDF)"
            timed(
                name,
                lambda i=application_id, c=content: client.post(
                    f"{_detail(i)}documents/",
                    {"file": SimpleUploadedFile("plan.pdf", c), "document_type": "locationPlan"},
                ),
            )


def _detail(application_id: int) -> str:
    return f"/api/v1/applications/{application_id}/"
