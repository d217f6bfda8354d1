"""Load the policy library: the NPPF and councils' local policies (formats: docs/policy-files.md).

    python manage.py load_policies                    # the NPPF and the bundled local samples
    python manage.py load_policies --local FILE ...   # a council's own policies
    python manage.py load_policies --nppf FILE        # the NPPF from another copy of the file

A reload keeps every earlier version of a policy that changed, so a finding keeps the text it
cited; applications whose findings cite a changed policy are triaged again in the background.
Bundled local files for councils not in the database are skipped.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies import services
from policies.files import (
    LOCAL_POLICY_FILES,
    NPPF_FILE,
    PolicyFileError,
    parse_nppf,
    parse_policy_file,
)


class Command(BaseCommand):
    help = "Load the NPPF and councils' local policies, keeping earlier versions."

    def add_arguments(self, parser):
        parser.add_argument("--nppf", type=Path, help="the NPPF Markdown file to load")
        parser.add_argument("--local", type=Path, nargs="+", help="local policy files (TOML)")

    def handle(self, *args, nppf: Path | None, local: list[Path] | None, **options):
        bundled = nppf is None and local is None
        jobs = []
        if nppf is not None or bundled:
            jobs.append((nppf or NPPF_FILE, parse_nppf, False))
        for path in local or (LOCAL_POLICY_FILES if bundled else []):
            jobs.append((path, parse_policy_file, bundled))
        for path, parse, skip_unknown in jobs:
            try:
                parsed = parse(path)
                summary = services.load_framework(parsed, source_file=services.source_label(path))
            except PolicyFileError as error:
                raise CommandError(str(error)) from error
            except services.UnknownCouncil as error:
                if skip_unknown:
                    self.stdout.write(f"{path.name}: skipped ({error})")
                    continue
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(summary.describe())
