from django.core.management.base import BaseCommand, CommandError

from planning.keys import api_keys
from planning.models import Council


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


class Command(BaseCommand):
    help = "List API keys (never the keys themselves): prefix, name, council, access, dates."

    def add_arguments(self, parser):
        parser.add_argument("council", nargs="?", help="Only this council's keys (ONS code).")

    def handle(self, *args, council=None, **options):
        holder = None
        if council is not None:
            try:
                holder = Council.objects.get(code=council)
            except Council.DoesNotExist:
                raise CommandError(f"No council has the code {council!r}.") from None
        rows = [("PREFIX", "NAME", "COUNCIL", "ACCESS", "CREATED", "LAST USED", "REVOKED")]
        for key in api_keys(holder):
            rows.append(
                (
                    key.prefix,
                    key.name,
                    key.council.code,
                    "read-only" if key.read_only else "read-write",
                    _when(key.created_at),
                    _when(key.last_used_at),
                    _when(key.revoked_at),
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
