"""Enqueue again every triage run whose worker seems to have died (also a periodic task)."""

from django.core.management.base import BaseCommand

from triage import runs


class Command(BaseCommand):
    help = (
        "Re-enqueue triage runs stuck past their time limit, and start one for open "
        "applications that never got a run."
    )

    def handle(self, *args, **options):
        run_ids = runs.recover_stuck_runs()
        self.stdout.write(f"re-enqueued {len(run_ids)} run(s): {run_ids}")
        started = runs.start_missing_runs()
        self.stdout.write(f"started {len(started)} run(s) for applications with none: {started}")
