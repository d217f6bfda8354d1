"""Large downloads leave the request: above EXPORT_BACKGROUND_ROWS a worker makes the file,
the manager watches its progress, and fetches it from the shared storage while it is kept;
only managers of the same council see it. The queue and the bucket are real."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from dashboard import exports as large_exports
from dashboard.models import Export, ExportStatus
from tests.dashboard.statistics_caseload import SOUTHWARK_OPEN, build
from tests.worker import Worker, wait_for


@pytest.fixture
def made(southwark, trafford, people):
    return build(southwark, trafford, people)


@pytest.fixture
def small_threshold(settings):
    # The caseload is small: anything over two rows goes to a worker.
    settings.EXPORT_BACKGROUND_ROWS = {"xlsx": 2, "csv": 2}


def sign_in(client, user):
    client.force_login(user)
    return client


def export_id(response) -> str:
    assert response.status_code == 302, response.status_code
    found = re.fullmatch(r"/statistics/exports/([0-9a-f-]{36})/", response["Location"])
    assert found, response["Location"]
    return found.group(1)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_workbook_is_made_by_a_worker_and_fetched_from_the_bucket(
    client, made, people, small_threshold, queue, s3_bucket, southwark
):
    manager = sign_in(client, people["manager"])

    asked = manager.get("/statistics/backlog.xlsx")
    identifier = export_id(asked)
    waiting = manager.get(f"/statistics/exports/{identifier}/").content.decode()
    worker = Worker(queue, **s3_bucket.environment).start()
    try:
        wait_for(
            lambda: Export.objects.get(pk=identifier).status == ExportStatus.READY,
            60,
            "the worker did not make the export",
        )
    finally:
        worker.stop()
    ready = manager.get(f"/statistics/exports/{identifier}/").content.decode()
    downloaded = manager.get(f"/statistics/exports/{identifier}/file")

    assert "Waiting to start: 0 of about 5 rows (0%)" in waiting
    assert '<meta http-equiv="refresh"' in waiting
    assert "Ready to download" in ready and '<meta http-equiv="refresh"' not in ready
    today = datetime.date.today()
    assert f'filename="{southwark.code}-backlog-' in downloaded["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(body(downloaded)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == sorted(SOUTHWARK_OPEN)
    export = Export.objects.get(pk=identifier)
    assert (export.rows_written, export.rows_total) == (5, 5)
    assert s3_bucket.keys() == [f"exports/{southwark.code}/{identifier}/{export.filename}"]
    assert export.expires_at > timezone.now() + datetime.timedelta(hours=23)
    assert str(today.year) in export.filename


def test_a_small_download_is_still_made_in_the_request(client, made, people, settings):
    settings.EXPORT_BACKGROUND_ROWS = {"xlsx": 10_000, "csv": 100_000}
    manager = sign_in(client, people["manager"])

    response = manager.get("/statistics/backlog.csv")

    assert response.status_code == 200
    assert not Export.objects.exists()


def test_progress_is_counted_as_the_rows_are_written(
    client, made, people, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(large_exports, "PROGRESS_EVERY_ROWS", 2)
    noted = []
    real_update = Export.objects.filter

    def watching(*args, **kwargs):
        found = real_update(*args, **kwargs)
        original = found.update

        def update(**values):
            if "rows_written" in values and values.get("status") is None:
                noted.append(values["rows_written"])
            return original(**values)

        found.update = update
        return found

    manager = sign_in(client, people["manager"])
    identifier = export_id(manager.get("/statistics/backlog.csv"))
    monkeypatch.setattr(Export.objects, "filter", watching)
    large_exports.make_export(identifier)
    monkeypatch.undo()

    export = Export.objects.get(pk=identifier)
    assert export.status == ExportStatus.READY
    assert 2 in noted and 4 in noted
    text = body(manager.get(f"/statistics/exports/{identifier}/file")).decode("utf-8")
    assert sorted(row[0] for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == sorted(
        ["Reference", *SOUTHWARK_OPEN]
    )


def test_only_managers_of_the_same_council_see_an_export(client, made, people, small_threshold):
    identifier = export_id(sign_in(client, people["manager"]).get("/statistics/backlog.xlsx"))
    large_exports.make_export(identifier)

    for who, status in (("trafford_manager", 404), ("officer", 403)):
        other = sign_in(client, people[who])
        assert other.get(f"/statistics/exports/{identifier}/").status_code == status
        assert other.get(f"/statistics/exports/{identifier}/file").status_code == status
    client.logout()
    assert client.get(f"/statistics/exports/{identifier}/").status_code == 302  # to sign in


def test_an_expired_export_is_no_longer_served_and_its_file_is_deleted(
    client, made, people, small_threshold
):
    manager = sign_in(client, people["manager"])
    identifier = export_id(manager.get("/statistics/backlog.xlsx"))
    large_exports.make_export(identifier)
    export = Export.objects.get(pk=identifier)
    storage, name = export.file.storage, export.file.name
    Export.objects.filter(pk=identifier).update(expires_at=timezone.now())

    page = manager.get(f"/statistics/exports/{identifier}/").content.decode()
    fetched = manager.get(f"/statistics/exports/{identifier}/file")
    purged = large_exports.purge_expired_exports()

    assert "This download has expired" in page
    assert fetched.status_code == 302
    assert purged == 1 and not storage.exists(name)
    assert Export.objects.get(pk=identifier).status == ExportStatus.EXPIRED


def test_a_failed_export_says_why(client, made, people, small_threshold):
    manager = sign_in(client, people["manager"])
    identifier = export_id(manager.get("/statistics/backlog.xlsx"))
    people["manager"].role = "officer"
    people["manager"].save()

    large_exports.make_export(identifier)
    export = Export.objects.get(pk=identifier)

    assert export.status == ExportStatus.FAILED
    assert "can no longer see these figures" in export.error
