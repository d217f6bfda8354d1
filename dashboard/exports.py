"""The managers' downloads as the pages serve them (planning.downloads says which table each
name means), and the large ones made by a worker.

A download of up to EXPORT_BACKGROUND_ROWS[format] rows is made inside the request, as it
always was (CSV streamed, XLSX through a temporary file). A larger one would hold a web
worker for tens of seconds (a 100,000-row workbook takes about 25 s), so it becomes an
`Export`: a worker makes the file, counting its rows as it goes, and keeps it in the shared
document storage, where any web host can serve it to the managers of the same council until
it expires (docs/decisions/0021).
"""

import datetime
import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dashboard.models import Export, ExportStatus
from leases import services as leases
from planning import downloads, exports
from planning.access import applications_visible_to_user, is_manager
from planning.downloads import ChoiceInvalid, Download
from planning.exports import Cell, Table
from planning.models import PlanningApplication, User

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
# How often a worker making an export writes down how far it has got.
PROGRESS_EVERY_ROWS = 1000


def council_applications(user: User) -> QuerySet[PlanningApplication]:
    """The manager's own council's applications (planning.access decides what is visible; a
    platform superuser with a council still sees only that council's figures here)."""
    return applications_visible_to_user(user).filter(council_id=user.council_id)


def download_for(
    name: str, parameters: dict[str, str], visible: QuerySet[PlanningApplication]
) -> Download:
    """The download `name` for a page's query string (an empty value is the default). Raises
    KeyError for no such download, ChoiceInvalid for a query string that names nothing."""
    parameter = downloads.parameter_of(name)
    choice = (parameters.get(parameter) or None) if parameter else None
    return downloads.make_download(name, visible, choice)


def in_background(download: Download, file_format: str) -> bool:
    return download.rows > settings.EXPORT_BACKGROUND_ROWS[file_format]


def start_export(
    user: User, name: str, file_format: str, parameters: dict[str, str], download: Download
) -> Export:
    """Record the export and send its task once the record is committed."""
    parameter = downloads.parameter_of(name)
    kept = {parameter: parameters[parameter]} if parameter and parameter in parameters else {}
    export = Export.objects.create(
        council_id=user.council_id,
        requested_by=user,
        table=name,
        file_format=file_format,
        parameters=kept,
        filename=f"{user.council.code}-{download.stem}.{file_format}",
        rows_total=download.rows,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    transaction.on_commit(lambda: _send(export.pk))
    return export


def _send(export_id: UUID) -> None:
    try:
        # By name: the web process need not have imported dashboard.tasks.
        current_app.send_task(
            "dashboard.tasks.make_export", (str(export_id),), queue=settings.TRIAGE_TASK_QUEUE
        )
    except Exception as error:  # the broker's errors vary by transport
        logger.warning("export %s not sent: %s", export_id, error)
        Export.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error="The export could not be started; ask again."
        )


def make_export(export_id: UUID | str) -> str:
    """The worker's job: write the file, counting rows, and keep it in the storage. Safe to
    deliver twice: a lease makes one maker at a time, and a finished export is left alone."""
    with leases.holding(f"export:{export_id}", 60) as lease:
        export = Export.objects.select_related("council").filter(pk=export_id).first()
        if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return f"already {export.status if export else 'gone'}"
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, rows_written=0)
        maker = export.requested_by
        if maker is None or maker.council_id != export.council_id or not is_manager(maker):
            return _fail(export, "The person who asked for it can no longer see these figures.")
        try:
            download = download_for(export.table, export.parameters, council_applications(maker))
        except (KeyError, ChoiceInvalid) as error:
            return _fail(export, f"This download cannot be made: {error}")
        rows = _counting(download.table.rows, export.pk)
        table = Table(download.table.title, download.table.header, rows)
        with tempfile.TemporaryFile() as file:
            _write(table, export.file_format, file)
            file.seek(0)
            if not lease.still_held(60):
                return "lost the lease: another worker is making it"
            # Saved under the export's own folder; the storage never overwrites another.
            export.file.save(export.filename, File(file), save=False)
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.READY,
            file=export.file.name,
            rows_written=rows.written,
            rows_total=rows.written,
            finished_at=timezone.now(),
        )
        return f"{rows.written} rows"


def _fail(export: Export, reason: str) -> str:
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED, error=reason[:500], finished_at=timezone.now()
    )
    return f"failed: {reason}"


class _counting:
    """The table's rows, noting on the export how many have been written every so often."""

    def __init__(self, rows: Iterable[Sequence[Cell]], export_id: UUID):
        self.rows = rows
        self.export_id = export_id
        self.written = 0

    def __iter__(self) -> Iterator[Sequence[Cell]]:
        for row in self.rows:
            yield row
            self.written += 1
            if self.written % PROGRESS_EVERY_ROWS == 0:
                Export.objects.filter(pk=self.export_id).update(rows_written=self.written)


def _write(table: Table, file_format: str, file: IO[bytes]) -> None:
    if file_format == "xlsx":
        exports.write_xlsx(table, file)
        return
    for chunk in exports.csv_chunks(table, byte_order_mark=True):
        file.write(chunk.encode("utf-8"))


def export_for(user: User, export_id: UUID) -> Export | None:
    """The export, if `user` may have it: a manager of the council it was made for."""
    if not is_manager(user) or user.council_id is None:
        return None
    return Export.objects.filter(pk=export_id, council_id=user.council_id).first()


def is_expired(export: Export) -> bool:
    return export.status == ExportStatus.EXPIRED or export.expires_at <= timezone.now()


def purge_expired_exports() -> int:
    """Delete the files of exports past their time; their records say they expired."""
    purged = 0
    for export in Export.objects.filter(expires_at__lte=timezone.now()).exclude(
        status=ExportStatus.EXPIRED
    ):
        if export.file:
            export.file.delete(save=False)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        purged += 1
    return purged
