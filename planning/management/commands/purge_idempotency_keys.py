from django.core.management.base import BaseCommand

from planning.idempotency import IDEMPOTENCY_KEY_LIFETIME, purge_expired


class Command(BaseCommand):
    help = (
        "Forget Idempotency-Keys older than their lifetime (24 hours). Expired keys are also "
        "ignored when met, so running this daily only keeps the table small."
    )

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(
            f"Forgot {count} Idempotency-Key(s) older than {IDEMPOTENCY_KEY_LIFETIME}."
        )
