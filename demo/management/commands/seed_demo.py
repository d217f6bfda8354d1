"""`manage.py seed_demo`: a full queue for the demo councils' officers."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.places import COUNCIL_SOURCES, SiteNotFound
from demo.seeding import seed_council
from planning.models import Council


class Command(BaseCommand):
    """For each demo council (Southwark E09000028, Trafford E08000009) created by
    `load_demo`: 160 generated applications on real places of its constraint layers
    (`load_demo_constraints`), received over the last six months, with text documents,
    valid dates, extensions of time, decisions, withdrawals and officers; and, for
    Southwark, the Open Digital Planning examples whose sites are in Southwark
    (deploy/demo/odp), submitted through the API's ODP model with their received dates
    moved into the last few weeks. The other ODP examples are left out: their sites are in
    other authorities' areas (Buckinghamshire, Camden, Lambeth, Croydon, Medway, Islington,
    Tower Hamlets), and an application is made to the authority for its site, so neither
    demo council would receive them. Trafford's queue is all generated. Each council's
    sites get a generated planning history (demo.site_history), and the national and the
    demo councils' sample consultation lists are loaded.

    Triage runs are queued as each application commits; the worker triages them.
    """

    help = (
        "Seed the demo councils with applications and documents through the real services "
        "(idempotent: a council already seeded is skipped)."
    )

    def handle(self, *args, **options):
        # The consultation lists the demo's triage reads: the national list and the demo
        # councils' samples (loading them again changes nothing).
        call_command("load_consultations", stdout=self.stdout)
        total = 0
        for code in COUNCIL_SOURCES:
            council = Council.objects.filter(code=code).first()
            if council is None:
                raise CommandError(f"No council {code}: run `manage.py load_demo` first.")
            try:
                seeded = seed_council(council)
            except (LookupError, SiteNotFound) as error:
                raise CommandError(
                    f"{error} (run load_demo and load_demo_constraints first)"
                ) from error
            logins = ", ".join(f"{username} ({name})" for username, name in seeded.officers)
            history = (
                f"\n  Planning history: {seeded.history} earlier applications generated for "
                "its sites."
                if seeded.history
                else ""
            )
            if seeded.skipped:
                self.stdout.write(
                    f"{council.name}: demo applications already there; skipped.\n"
                    f"  More officers (same demo password): {logins}.{history}"
                )
                continue
            total += seeded.created
            statuses = ", ".join(f"{n} {s}" for s, n in sorted(seeded.by_status.items()))
            types = ", ".join(f"{n} {t}" for t, n in seeded.by_type.most_common())
            officers = ", ".join(
                f"{username or 'nobody'} {n}" for username, n in seeded.assigned.most_common()
            )
            self.stdout.write(
                f"{council.name}: seeded {seeded.created} applications with "
                f"{seeded.documents} documents.\n  Status: {statuses}.\n  Types: {types}.\n"
                f"  Assigned: {officers}.\n  More officers (same demo password): {logins}.{history}"
            )
        if total:
            self.stdout.write(f"Seeded {total} demo applications; the worker will triage them.")
        else:
            self.stdout.write("Seeded 0 demo applications: the demo data is already there.")
