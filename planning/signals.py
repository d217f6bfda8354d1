"""Events other apps may react to. `planning` sends them and knows nothing of who listens,
so the dependency stays one way (triage listens; planning never imports triage).

Both are sent from `transaction.on_commit`, so a receiver sees committed rows only.
"""

from django.dispatch import Signal

# sender=PlanningApplication, application=<PlanningApplication>
application_submitted = Signal()
# sender=Document, document=<Document>
document_added = Signal()
# sender=PastApplication, council=<Council>: a council's site history was loaded or replaced
history_loaded = Signal()
