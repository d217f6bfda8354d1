"""Load consultation lists: the national list of consultees and councils' own lists (format:
docs/policy-files.md). Councils may then edit their own list in the admin.

    python manage.py load_consultations          # the bundled national list and samples
    python manage.py load_consultations FILE ...

A file is the list it names: its rules are added or updated, and those an earlier load of the
same file made and the file no longer has are removed. Rules added in the admin are left
alone. Bundled lists of councils not in the database are skipped.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies import consultations
from policies.consultation_files import CONSULTATION_FILES, parse_consultations_file
from policies.files import PolicyFileError
from policies.services import UnknownCouncil, source_label


class Command(BaseCommand):
    help = "Load the national consultation list and councils' own lists."

    def add_arguments(self, parser):
        parser.add_argument("files", type=Path, nargs="*")

    def handle(self, *args, files: list[Path], **options):
        bundled = not files
        for path in files or CONSULTATION_FILES:
            try:
                parsed = parse_consultations_file(path)
                summary = consultations.load_consultation_rules(
                    parsed, source_file=source_label(path)
                )
            except PolicyFileError as error:
                raise CommandError(str(error)) from error
            except UnknownCouncil as error:
                if bundled:
                    self.stdout.write(f"{path.name}: skipped ({error})")
                    continue
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(summary.describe())
