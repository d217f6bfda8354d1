"""The verbs of the site history: load a council's register from a file (the command calls
this), and replace a source's records from code (the demo's generated history)."""

from pathlib import Path

from django.db import transaction

from planning.models import Council, PastApplication
from planning.signals import history_loaded
from planning.site_history import importers
from planning.site_history.importers import HistoryImporter, HistoryImportError, HistorySummary
from planning.site_history.sources import (
    COUNCIL_GEOJSON,
    FORMAT_NAMES,
    FORMATS,
    MappingError,
    council_format,
)


def load_history(
    *,
    council: str,
    history_format: str,
    path: Path | str,
    source: str | None = None,
    mapping: Path | str | None = None,
    srid: int | None = None,
    strict: bool = False,
    progress: bool = False,
) -> HistorySummary:
    """Load (or atomically replace) the council's past applications from `source` with the
    file at `path`. Raises HistoryImportError for a file, mapping or council that cannot be
    used; nothing is loaded then."""
    found = Council.objects.filter(code=council).first()
    if found is None:
        raise HistoryImportError(f"No council with the code {council}: create it first.")
    if history_format == COUNCIL_GEOJSON:
        if mapping is None:
            raise HistoryImportError(
                "A council's own GeoJSON needs --mapping, the file naming its columns "
                "(docs/planning-history.md)."
            )
        try:
            chosen = council_format(Path(mapping))
        except MappingError as error:
            raise HistoryImportError(str(error)) from error
    elif history_format in FORMATS:
        chosen = FORMATS[history_format]
    else:
        raise HistoryImportError(
            f"Unknown format {history_format!r}: use {', '.join(FORMAT_NAMES)}."
        )
    importer = HistoryImporter(
        council=found,
        history_format=chosen,
        path=Path(path),
        source=source,
        srid=srid,
        progress=progress,
    )
    summary = importer.run(strict=strict)
    announce_history_loaded(found)
    return summary


def replace_generated(council: Council, source: str, records: list[PastApplication]) -> int:
    """Replace a source's records with records made in code (the demo's history)."""
    _, added = importers.replace_source(council, source, records)
    announce_history_loaded(council)
    return added


def announce_history_loaded(council: Council) -> None:
    transaction.on_commit(lambda: history_loaded.send(sender=PastApplication, council=council))
