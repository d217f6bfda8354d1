"""Load validation lists: the national list and councils' local lists (format:
docs/policy-files.md). Councils may then edit their own list in the admin.

    python manage.py load_validation_requirements          # the bundled national list and samples
    python manage.py load_validation_requirements FILE ...

A file is the list it names: its requirements are added or updated, and those an earlier load
of the same file made and the file no longer has are removed. Requirements added in the admin
are left alone. Bundled local lists for councils not in the database are skipped.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies import services
from policies.files import VALIDATION_FILES, PolicyFileError, parse_requirements_file


class Command(BaseCommand):
    help = "Load the national validation list and councils' local lists."

    def add_arguments(self, parser):
        parser.add_argument("files", type=Path, nargs="*")

    def handle(self, *args, files: list[Path], **options):
        bundled = not files
        for path in files or VALIDATION_FILES:
            try:
                parsed = parse_requirements_file(path)
                summary = services.load_requirements(
                    parsed, source_file=services.source_label(path)
                )
            except PolicyFileError as error:
                raise CommandError(str(error)) from error
            except services.UnknownCouncil as error:
                if bundled:
                    self.stdout.write(f"{path.name}: skipped ({error})")
                    continue
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(summary.describe())
