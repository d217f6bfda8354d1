"""Load validation lists: the national list and councils' local lists (format:
docs/policy-files.md). Councils may then edit their own list in the admin.

    python manage.py load_validation_requirements          # the bundled national list and samples
    python manage.py load_validation_requirements FILE ...

A file is the list it names: its requirements are added or updated, and those an earlier load
of the same file made and the file no longer has are removed. Requirements added in the admin
are left alone. Bundled local lists for councils not in the database are skipped.
"""

from policies.management.file_commands import ListLoadingCommand
from policies.services import VALIDATION_LISTS


class Command(ListLoadingCommand):
    help = "Load the national validation list and councils' local lists."
    council_list = VALIDATION_LISTS
