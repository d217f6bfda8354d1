"""`Idempotency-Key` for POSTs: a council's system that lost the answer to a request sends
it again under the same key and gets the first answer back, not a second record.

What "the same request" means is a digest of the method, the path and the parsed body (a
multipart body by its fields and each file's SHA-256, since a client library draws a new
boundary on every retry). A key is kept for IDEMPOTENCY_KEY_LIFETIME (24 hours), per
council; afterwards it is forgotten and may be used again.

Only successful answers are kept. A request that failed leaves no record, so a client can
correct it and send it again under the same key.
"""

import hashlib
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from planning.models import Council, IdempotentRequest

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)
# A request still unanswered after this long died mid-way (its process was killed): its key
# is taken by the next request that sends it, rather than refused for 24 hours. Longer than
# any request may take (gunicorn stops one after WEB_TIMEOUT_SECONDS, 60 s).
IDEMPOTENCY_LOCK_TIME = timedelta(seconds=120)
# Visible ASCII, as the IETF draft suggests (a UUID is typical); bounded so it fits the row.
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyKeyInvalid(Exception):
    pass


class IdempotencyKeyReused(Exception):
    """The key was used, within its lifetime, for a request with another body or path."""


class IdempotencyKeyInUse(Exception):
    """The first request under this key has not finished yet."""


@dataclass(frozen=True)
class Claim:
    record: IdempotentRequest
    replay: bool  # True: `record` holds the answer to give again


def fingerprint(method: str, path: str, data: Any) -> str:
    """A digest of what a request asks for, independent of how its body was encoded."""
    canonical = json.dumps([method.upper(), path, _plain(data)], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(data: Any) -> Any:
    if isinstance(data, UploadedFile):
        digest = hashlib.sha256()
        data.seek(0)
        for chunk in data.chunks():
            digest.update(chunk)
        data.seek(0)
        return {"file_sha256": digest.hexdigest(), "name": data.name}
    if hasattr(data, "lists"):  # a QueryDict: a multipart form's fields
        return {key: [_plain(value) for value in values] for key, values in data.lists()}
    if isinstance(data, dict):
        return {str(key): _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


def claim(council: Council, key: str, request_hash: str) -> Claim:
    """Take `key` for this request, or find the answer already given under it.

    Raises IdempotencyKeyInvalid, IdempotencyKeyReused or IdempotencyKeyInUse.
    """
    if not KEY_PATTERN.fullmatch(key):
        raise IdempotencyKeyInvalid(
            "An Idempotency-Key is 1 to 255 visible ASCII characters, e.g. a UUID."
        )
    for _ in range(3):  # a loop, not recursion: each pass either decides or frees the key
        now = timezone.now()
        IdempotentRequest.objects.filter(
            Q(created_at__lt=now - IDEMPOTENCY_KEY_LIFETIME)
            # Its request died mid-way (a killed process answers nothing, so nothing let go).
            | Q(response_status__isnull=True, created_at__lt=now - IDEMPOTENCY_LOCK_TIME),
            council=council,
            key=key,
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    council=council, key=key, request_hash=request_hash
                )
            return Claim(record, replay=False)
        except IntegrityError:
            pass
        held = IdempotentRequest.objects.filter(council=council, key=key).first()
        if held is None:  # the holder failed and let go meanwhile: try again
            continue
        if held.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request in the last "
                f"{IDEMPOTENCY_KEY_LIFETIME.total_seconds() / 3600:.0f} hours."
            )
        if held.response_status is None:
            raise IdempotencyKeyInUse(
                "The first request with this Idempotency-Key is still being processed."
            )
        return Claim(held, replay=True)
    raise IdempotencyKeyInUse("Other requests with this Idempotency-Key keep taking it.")


def complete(record: IdempotentRequest, status: int, body: Any, headers: dict[str, str]) -> None:
    """Keep a successful answer for retries; let go of the key after a failure."""
    if 200 <= status < 300:
        record.response_status = status
        record.response_body = body
        record.response_headers = headers
        record.save(update_fields=["response_status", "response_body", "response_headers"])
    else:
        release(record)


def release(record: IdempotentRequest) -> None:
    IdempotentRequest.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def release_when_possible(record: IdempotentRequest) -> None:
    """Let go of the key now, or, when the database is away (the very fault that failed the
    request), from a thread that keeps trying, so the client's retry after a restart finds
    the key free rather than "in use" until IDEMPOTENCY_LOCK_TIME passes."""
    try:
        release(record)
        return
    except DatabaseError as error:
        logger.warning("Idempotency-Key not let go yet, the database is away: %s", error)
    threading.Thread(
        target=_release_later, args=(record.pk,), name="idempotency-release", daemon=True
    ).start()


def _release_later(record_id: int) -> None:
    deadline = time.monotonic() + IDEMPOTENCY_LOCK_TIME.total_seconds()
    pause = 0.25
    try:
        while time.monotonic() < deadline:
            try:
                IdempotentRequest.objects.filter(
                    pk=record_id, response_status__isnull=True
                ).delete()
                return
            except DatabaseError:
                connection.close()  # a fresh connection on the next try
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
    finally:
        connection.close()


def purge_expired() -> int:
    """Forget keys past their lifetime; returns how many."""
    deleted, _ = IdempotentRequest.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_KEY_LIFETIME
    ).delete()
    return deleted
