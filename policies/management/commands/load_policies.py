"""Load the policy library: the NPPF and councils' local policies (formats: docs/policy-files.md).

    python manage.py load_policies                    # the NPPF and the bundled local samples
    python manage.py load_policies --local FILE ...   # a council's own policies
    python manage.py load_policies --nppf FILE        # the NPPF from another copy of the file

A reload keeps every earlier version of a policy that changed, so a finding keeps the text it
cited; applications whose findings cite a changed policy are triaged again in the background.
Bundled local files for councils not in the database are skipped.
"""

from collections.abc import Callable
from pathlib import Path

from policies.files import (
    LOCAL_POLICY_FILES,
    NPPF_FILE,
    ParsedFramework,
    parse_nppf,
    parse_policy_file,
)
from policies.management.file_commands import FileLoadingCommand
from policies.services import LoadSummary, load_framework, source_label


def _loader(parse: Callable[[Path], ParsedFramework]) -> Callable[[Path], LoadSummary]:
    return lambda path: load_framework(parse(path), source_file=source_label(path))


class Command(FileLoadingCommand):
    help = "Load the NPPF and councils' local policies, keeping earlier versions."

    def add_arguments(self, parser):
        parser.add_argument("--nppf", type=Path, help="the NPPF Markdown file to load")
        parser.add_argument("--local", type=Path, nargs="+", help="local policy files (TOML)")

    def handle(self, *args, nppf: Path | None, local: list[Path] | None, **options):
        bundled = nppf is None and local is None
        if nppf is not None or bundled:
            self.load_each([nppf or NPPF_FILE], _loader(parse_nppf), bundled=False)
        local_files = local or (LOCAL_POLICY_FILES if bundled else [])
        self.load_each(local_files, _loader(parse_policy_file), bundled=bundled)
