"""Structured logs (decision record 0023): one JSON object a line, each carrying the ids of what
it is about: the request (or task), the council, the application and the triage run.

The ids live in a context variable, so each request, task and thread keeps its own: the
middleware binds the request id (and the signed-in officer's council), the API's key binds its
council, a run binds its application and council, and a Celery task binds its task id as the
request id. `ContextFilter` copies them onto every record, whichever logger wrote it.

Only ids: a log line never carries document text, a name, an address or an email. Code that
logs says what happened and names ids; model output and document text stay out of messages.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.signals import request_finished
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

FIELDS = ("request_id", "council", "application", "run")
_ids: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "log_ids", default=None
)
# A request id a proxy or a council's system sent is kept if it looks like one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _with(ids: dict[str, object]) -> dict[str, str]:
    known = {key: str(value) for key, value in ids.items() if value is not None}
    return {**(_ids.get() or {}), **known}


def bind(**ids: object) -> None:
    """Add ids to the current context (a None id is left out)."""
    _ids.set(_with(ids))


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """The ids for the block only."""
    token = _ids.set(_with(ids))
    try:
        yield
    finally:
        _ids.reset(token)


def current() -> dict[str, str]:
    return dict(_ids.get() or {})


def clear() -> None:
    _ids.set({})


class ContextFilter(logging.Filter):
    """Puts the context's ids on each record (empty where unknown), for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = _ids.get() or {}
        for field in FIELDS:
            setattr(record, field, ids.get(field, ""))
        return True


class IdsJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, leaving out the `request` Django attaches to its own
    records: its text holds the query string, where a search for an address would be."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)


class RequestIdMiddleware:
    """Gives each request an id (the caller's X-Request-ID when it is a sane one), returns it
    in the response's X-Request-ID, and binds it, with the officer's council, for the logs.

    The ids stay bound until Django has finished the request (`request_finished`), so the
    line Django itself logs for an error answer, after every middleware, carries them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(_forget_the_request, dispatch_uid="log_context")

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        clear()
        bind(request_id=request_id)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            bind(council=getattr(user, "council_id", None))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget_the_request(**_) -> None:
    clear()
