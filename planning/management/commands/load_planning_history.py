"""Load a council's register of past applications, the planning history each site is read
against (formats: docs/planning-history.md).

    python manage.py load_planning_history FILE --council E09000028 --format london-datahub
    python manage.py load_planning_history FILE.csv --council E09000028 --format planning-data
    python manage.py load_planning_history FILE.geojson --council E08000009 \\
        --format council-geojson --mapping trafford-columns.toml

A file replaces the records an earlier load of the same source made, in one transaction;
this service's own decisions are never touched. Records that cannot be used are skipped and
listed with the reason; with --strict any skipped record loads nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from planning.site_history.importers import HistoryImportError
from planning.site_history.services import load_history
from planning.site_history.sources import FORMAT_NAMES


class Command(BaseCommand):
    help = "Load a council's past applications (its planning history) from a file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV, GeoJSON, a Datahub JSON file or a folder of them")
        parser.add_argument("--council", required=True, help="the council's ONS code")
        parser.add_argument("--format", required=True, choices=FORMAT_NAMES, dest="format")
        parser.add_argument(
            "--source", help="who supplied it (default: the format's name); a reload replaces it"
        )
        parser.add_argument("--mapping", help="the column mapping of a council's own GeoJSON")
        parser.add_argument("--srid", type=int, help="the file's EPSG code if it does not say")
        parser.add_argument(
            "--strict", action="store_true", help="load nothing if any record is skipped"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        try:
            summary = load_history(
                council=options["council"],
                history_format=options["format"],
                path=options["file"],
                source=options["source"],
                mapping=options["mapping"],
                srid=options["srid"],
                strict=options["strict"],
                progress=not options["no_progress"],
            )
        except HistoryImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(summary))
