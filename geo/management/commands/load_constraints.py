from django.core.management.base import BaseCommand, CommandError

from geo.importers import LayerImportError
from geo.services import load_layer


class Command(BaseCommand):
    help = (
        "Load a constraint layer from GeoJSON, GeoPackage, a shapefile or the national "
        "platform's CSV, replacing any earlier copy of the same dataset from the same source "
        "in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON, GeoPackage, shapefile (.shp/.zip) or CSV")
        parser.add_argument("--dataset", required=True, help="national slug, e.g. listed-building")
        parser.add_argument("--source", required=True, help="who supplied it, e.g. southwark")
        parser.add_argument("--srid", type=int, help="the file's EPSG code if it does not say")
        parser.add_argument(
            "--if-changed", action="store_true", help="skip when this file is already loaded"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        try:
            summary = load_layer(
                dataset=options["dataset"],
                source=options["source"],
                path=options["file"],
                srid=options["srid"],
                progress=not options["no_progress"],
                skip_unchanged=options["if_changed"],
            )
        except LayerImportError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(str(summary))
