"""Load consultation lists: the national list of consultees and councils' own lists (format:
docs/policy-files.md). Councils may then edit their own list in the admin.

    python manage.py load_consultations          # the bundled national list and samples
    python manage.py load_consultations FILE ...

A file is the list it names: its rules are added or updated, and those an earlier load of the
same file made and the file no longer has are removed. Rules added in the admin are left
alone. Bundled lists of councils not in the database are skipped.
"""

from policies.management.file_commands import ListLoadingCommand
from policies.services import CONSULTATION_LISTS


class Command(ListLoadingCommand):
    help = "Load the national consultation list and councils' own lists."
    council_list = CONSULTATION_LISTS
