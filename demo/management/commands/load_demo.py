from django.core.management.base import BaseCommand

from planning.models import Role
from planning.services import ensure_council, ensure_user

DEMO_COUNCILS = [
    ("E09000028", "London Borough of Southwark", "southwark"),
    ("E08000009", "Trafford Council", "trafford"),
]
DEMO_PASSWORD = "demo-password-123"
# Names the pages show for the demo people (their logins stay as printed).
DEMO_NAMES = {
    "southwark-officer": ("Sam", "Adeyemi"),
    "southwark-manager": ("Ruth", "Mensah"),
    "southwark-admin": ("Dev", "Shah"),
    "trafford-officer": ("Kate", "Hughes"),
    "trafford-manager": ("Owen", "Pritchard"),
    "trafford-admin": ("Lena", "Novak"),
}


class Command(BaseCommand):
    help = "Load the demo councils and one user per role for each (idempotent)."

    def handle(self, *args, **options):
        rows = []
        for code, name, slug in DEMO_COUNCILS:
            council = ensure_council(code, name)
            for role in Role:
                username = f"{slug}-{role.value}"
                first, last = DEMO_NAMES.get(username, ("", ""))
                ensure_user(
                    username,
                    council=council,
                    role=role.value,
                    password=DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                )
                rows.append((username, role.label, council.name))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, council in rows:
            self.stdout.write(f"  {username:22} {role:18} {council}")
