"""What the commands that load files share. A file that cannot be read stops the command with
its message, naming the place; so does a file naming a council not in the database, unless the
command is loading the bundled files, whose samples for other councils are skipped."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from django.core.management.base import BaseCommand, CommandError

from policies.files import PolicyFileError
from policies.services import CouncilList, UnknownCouncil


class Summary(Protocol):
    def describe(self) -> str: ...


class FileLoadingCommand(BaseCommand):
    def load_each(
        self, paths: Iterable[Path], load: Callable[[Path], Summary], *, bundled: bool
    ) -> None:
        for path in paths:
            try:
                summary = load(path)
            except PolicyFileError as error:
                raise CommandError(str(error)) from error
            except UnknownCouncil as error:
                if bundled:
                    self.stdout.write(f"{path.name}: skipped ({error})")
                    continue
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(summary.describe())


class ListLoadingCommand(FileLoadingCommand):
    """Load one kind of council list (`council_list`): the files named, or with none the
    bundled national list and the samples of the councils in the database."""

    council_list: CouncilList

    def add_arguments(self, parser):
        parser.add_argument("files", type=Path, nargs="*")

    def handle(self, *args, files: list[Path], **options):
        paths = files or self.council_list.bundled_files
        self.load_each(paths, self.council_list.load_file, bundled=not files)
