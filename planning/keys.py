"""Issuing, revoking and checking the API keys councils' systems use.

A key looks like `pt_<prefix>_<secret>`. The prefix is stored in clear so a request finds
its row in one indexed lookup; the whole key is compared by digest in constant time.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from planning.models import Council, CouncilApiKey

KEY_SCHEME = "pt"
# How stale `last_used_at` may get before a request writes it again: a write per request
# would turn every read into a row lock on a busy portal's key.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    record: CouncilApiKey
    key: str  # shown once to whoever issued it; never stored


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_key(council: Council, name: str, *, read_only: bool = False) -> IssuedKey:
    """A new key for `council`; the clear key is on the result only, never stored."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    record = CouncilApiKey.objects.create(
        council=council, name=name, prefix=prefix, digest=_digest(key), read_only=read_only
    )
    return IssuedKey(record=record, key=key)


def api_keys(council: Council | None = None) -> QuerySet[CouncilApiKey]:
    """Keys on record, live and revoked, oldest first; one council's when given."""
    keys = CouncilApiKey.objects.select_related("council").order_by("created_at", "id")
    return keys.filter(council=council) if council is not None else keys


def revoke_api_key(prefix: str) -> CouncilApiKey:
    """Revoke at once; a revoked key stays on record (who used what, and when)."""
    record = CouncilApiKey.objects.get(prefix=prefix)
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
    return record


def active_key_for(key: str) -> CouncilApiKey | None:
    """The live key record matching `key`, or None: malformed, unknown, wrong or revoked."""
    scheme, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or not prefix or not secret:
        return None
    record = (
        CouncilApiKey.objects.select_related("council")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if record is None or not hmac.compare_digest(record.digest, _digest(key)):
        return None
    _note_use(record)
    return record


def _note_use(record: CouncilApiKey) -> None:
    now = timezone.now()
    if record.last_used_at and now - record.last_used_at < LAST_USED_RESOLUTION:
        return
    # Conditional, so concurrent requests on one key write at most once per resolution.
    CouncilApiKey.objects.filter(pk=record.pk).exclude(
        last_used_at__gt=now - LAST_USED_RESOLUTION
    ).update(last_used_at=now)
    record.last_used_at = now
