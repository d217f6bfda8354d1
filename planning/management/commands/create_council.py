from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planning.models import Council


class Command(BaseCommand):
    help = (
        "Add a council (a local planning authority) by its ONS code; its people, keys and "
        "branding are added afterwards (create_api_key, the admin). Running it again for the "
        "same code changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The council's ONS code, e.g. E09000028.")
        parser.add_argument("--name", required=True, help="e.g. 'London Borough of Southwark'.")

    def handle(self, *args, code, name, **options):
        held = Council.objects.filter(code=code).first()
        if held is not None:
            if held.name != name:
                raise CommandError(
                    f"{code} is already {held.name!r}; change its name in the admin."
                )
            self.stderr.write(f"{held} is already there.")
            return
        council = Council(code=code, name=name.strip())
        try:
            council.full_clean()
        except ValidationError as error:
            messages = "; ".join(
                f"{field}: {' '.join(m)}" for field, m in error.message_dict.items()
            )
            raise CommandError(messages) from None
        council.save()
        self.stderr.write(f"Added {council}.")
