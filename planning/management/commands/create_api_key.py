from django.core.management.base import BaseCommand, CommandError

from planning.keys import issue_api_key
from planning.models import Council


class Command(BaseCommand):
    help = (
        "Create an API key for a council's system. The key is printed once and never stored: "
        "hand it to the system's operator straight away."
    )

    def add_arguments(self, parser):
        parser.add_argument("council", help="The council's ONS code, e.g. E09000028.")
        parser.add_argument(
            "--name", required=True, help="Which system will hold the key, e.g. 'PlanX portal'."
        )
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="The key may read the council's applications but change nothing.",
        )

    def handle(self, *args, council, name, read_only, **options):
        try:
            holder = Council.objects.get(code=council)
        except Council.DoesNotExist:
            raise CommandError(f"No council has the code {council!r}.") from None
        if not name.strip():
            raise CommandError("Give the key a --name saying which system holds it.")
        issued = issue_api_key(holder, name.strip(), read_only=read_only)
        access = "read-only key" if read_only else "key"
        self.stderr.write(
            f"Created {access} {issued.record.prefix} for {name} at {holder.name}. "
            "It will not be shown again; revoke it with revoke_api_key "
            f"{issued.record.prefix}."
        )
        # Alone on stdout, so a script can capture it.
        self.stdout.write(issued.key)
