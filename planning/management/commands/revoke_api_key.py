from django.core.management.base import BaseCommand, CommandError

from planning.keys import revoke_api_key
from planning.models import CouncilApiKey


class Command(BaseCommand):
    help = "Revoke a council API key at once, by its prefix (the part after 'pt_')."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        try:
            record = revoke_api_key(prefix)
        except CouncilApiKey.DoesNotExist:
            raise CommandError(f"No API key has the prefix {prefix!r}.") from None
        self.stdout.write(f"Revoked {record} at {record.revoked_at:%Y-%m-%d %H:%M:%S %Z}.")
