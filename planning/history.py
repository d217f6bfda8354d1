"""The edit history of the records people change in the admin: councils, their people,
applications and keys, and validation requirements (django-simple-history; ADR 0009).

Every save() of a tracked record adds a row to its historical table, with who made it when
a request is in hand (HistoryRequestMiddleware). QuerySet.update() and bulk_create() write
no history: the services use them only for bookkeeping (when a key was last used, the
application's latest activity), which the application's timeline already tells.
"""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from simple_history.models import HistoricalRecords

# A historical row's change reason holds at most this many characters.
REASON_LENGTH = 100


def _caller(request: Any) -> Any:
    return getattr(request, "user", None)


def _person(request: Any = None, **kwargs: Any) -> AbstractBaseUser | None:
    """Who made the change: the signed-in person, or nobody. A council's key stands where
    DRF expects a user, but is not a row of the user table (it is named in the reason)."""
    caller = _caller(request)
    return caller if isinstance(caller, AbstractBaseUser) else None


class EditHistory(HistoricalRecords):
    """HistoricalRecords that names the caller of every change and skips bookkeeping saves.

    `unrecorded_saves`: a save(update_fields=...) that writes only these fields leaves no
    row (a person's last sign-in time is written on every sign-in, and tells nothing new).
    """

    def __init__(self, *, unrecorded_saves: Collection[str] = (), **kwargs: Any) -> None:
        self.unrecorded_saves = frozenset(unrecorded_saves)
        super().__init__(get_user=_person, **kwargs)

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= self.unrecorded_saves:
            return
        super().post_save(instance, created, using=using, **kwargs)

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        if reason:
            return reason
        caller = _caller(getattr(self.context, "request", None))
        if caller is None or isinstance(caller, AbstractBaseUser):
            return None
        if not getattr(caller, "is_authenticated", False):
            return None
        # A council's system, through its API key ("Submission portal (E09000028)").
        return f"Council system: {caller}"[:REASON_LENGTH]
