"""Events other apps may react to. `planning` sends them and knows nothing of who listens,
so the dependency stays one way (triage listens; planning never imports triage).

Both are sent from `transaction.on_commit`, so a receiver sees committed rows only.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# sender=PlanningApplication, application=<PlanningApplication>
application_submitted = Signal()
# sender=Document, document=<Document>
document_added = Signal()
# sender=PastApplication, council=<Council>: a council's site history was loaded or replaced
history_loaded = Signal()


def announce_on_commit(signal: Signal, **kwargs: Any) -> None:
    """Send `signal` once the transaction commits, to every listener whatever the others do.

    The record is safe once committed: a listener failing (say, to reach the broker) is
    logged, never turned into an error that would make the submitter retry a saved record.
    """

    def announce() -> None:
        for receiver, outcome in signal.send_robust(**kwargs):
            if isinstance(outcome, Exception):
                logger.error(
                    "%s failed after commit: %r",
                    getattr(receiver, "__qualname__", receiver),
                    outcome,
                    exc_info=outcome,
                )

    transaction.on_commit(announce)
