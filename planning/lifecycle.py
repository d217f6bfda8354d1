"""An application's status moves only along these transitions, and only here: the planning
services call `move`, and `tests/test_lifecycle.py` fails if anything else sets a status.

    received  -> valid, invalid, withdrawn
    invalid   -> valid, withdrawn
    valid     -> determined, withdrawn
    determined, withdrawn: final

A status that stays the same is not a move. Whatever the caller checked before, a move the
table does not allow raises StatusChangeRefused: the invariant holds even if a service forgets
its own checks.
"""

from planning.models import ApplicationStatus, PlanningApplication

TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.RECEIVED: frozenset(
        {ApplicationStatus.VALID, ApplicationStatus.INVALID, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.INVALID: frozenset({ApplicationStatus.VALID, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.VALID: frozenset({ApplicationStatus.DETERMINED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.DETERMINED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}


class StatusChangeRefused(Exception):
    """A status change the lifecycle does not allow."""


def can_move(current: str, to: str) -> bool:
    return current == to or to in TRANSITIONS[ApplicationStatus(current)]


def move(application: PlanningApplication, to: str) -> bool:
    """Set the application's status to `to` (not saved: the caller saves it with the rest of
    its change). True when the status changed."""
    current = application.status
    if current == to:
        return False
    if not can_move(current, to):
        raise StatusChangeRefused(
            f"An application that is {ApplicationStatus(current).label.lower()} cannot become "
            f"{ApplicationStatus(to).label.lower()}."
        )
    application.status = to
    return True
