"""Every error the API answers is an RFC 9457 problem: `application/problem+json` with
`type`, `title`, `status`, `detail`, and for bad input `errors`, one entry per bad field:

    {"pointer": "/site/coordinates/0/3", "detail": "..."}      a JSON Pointer into the body
    {"parameter": "received_from", "detail": "..."}            a query parameter

One DRF exception handler (settings REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns every
exception DRF sees into that shape; `not_found` does the same for paths the API lacks.
`type` is `about:blank` where the HTTP status says it all, otherwise one of PROBLEM_TYPES.
"""

import logging
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from planning.errors import DomainError
from planning.stored_files import STORAGE_RETRY_AFTER_SECONDS, StorageUnavailable

logger = logging.getLogger("django.request")

PROBLEM_CONTENT_TYPE = "application/problem+json"
_TYPE_PATH = "/api/v1/problems/"

# The problem types of our own, with their titles. Each type is a path of this API that
# answers with its title and description (a relative URI, RFC 9457 section 3.1.1).
PROBLEM_TYPES = {
    "invalid-request": (
        "The request has invalid fields",
        "`errors` lists each bad field: `pointer` into the body or `parameter` in the query.",
    ),
    "reference-conflict": (
        "Another application already has this reference",
        "The council holds an application under this reference with other contents; "
        "`differing_fields` names them and `existing` is its URL.",
    ),
    "document-rejected": (
        "The document was not accepted",
        "`reason` says why in a word a program can act on: too_large, empty, "
        "type_not_accepted, extension_mismatch, unreadable_pdf, unreadable_image, "
        "too_many_pages, page_too_large, document_type_invalid.",
    ),
    "idempotency-key-reused": (
        "The Idempotency-Key was used for a different request",
        "A key identifies one request for 24 hours; send a new key for a new request.",
    ),
    "idempotency-key-in-use": (
        "A request with this Idempotency-Key is still being processed",
        "Wait for the first request to finish, then retry. A request that has not answered "
        "within two minutes is taken to have died, and its key is free again.",
    ),
    "temporarily-unavailable": (
        "A service behind the API did not answer",
        "The database or the document storage is restarting or out of reach. Retry after "
        "`Retry-After` seconds; the same request again (with the same Idempotency-Key, if it "
        "had one) never makes a second record.",
    ),
    "update-refused": (
        "The application cannot be changed that way",
        "The change contradicts the application's state (a decision recorded, a withdrawal).",
    ),
}


def problem_type(slug: str) -> str:
    return _TYPE_PATH + slug


class Problem(exceptions.APIException):
    """An error with a type of our own and, optionally, extension members (`extra`).

    `errors` entries are dicts with `pointer` (or `parameter`) and `detail`.
    """

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        slug: str,
        detail: str,
        *,
        status_code: int = 400,
        errors: list[dict[str, str]] | None = None,
        **extra: Any,
    ):
        super().__init__(detail)
        self.slug = slug
        self.status_code = status_code
        self.errors = errors or []
        self.extra = extra


def invalid(errors: list[dict[str, str]], detail: str | None = None) -> Problem:
    """A 400 for bad input, with an entry per bad field."""
    if detail is None:
        detail = errors[0]["detail"] if len(errors) == 1 else f"{len(errors)} fields are invalid."
    return Problem("invalid-request", detail, errors=errors)


def pointer(*parts: str | int) -> str:
    """A JSON Pointer (RFC 6901) to `parts`: "~" and "/" inside a part are escaped."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def pydantic_errors(
    error: pydantic.ValidationError, data: Any, *, prefix: tuple[str | int, ...] = ()
) -> list[dict[str, str]]:
    """Pointers into `data` for each of pydantic's errors.

    Pydantic puts the name of the union member it tried into `loc` (`site.Polygon.coordinates`);
    those names are not in the document, so they are dropped from the pointer.
    """
    entries = []
    for problem in error.errors(include_url=False, include_input=False):
        parts = _parts_in(data, problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        entries.append({"pointer": pointer(*prefix, *parts), "detail": message})
    return entries


def _parts_in(data: Any, loc: tuple) -> list[str | int]:
    parts: list[str | int] = []
    here = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (isinstance(here, dict) and part in here) or (
            isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here)
        ):
            here = here[part]
        elif last:
            here = None  # a missing field: the pointer names where it should be
        else:
            continue  # a union member's name, not a place in the document
        parts.append(part)
    return parts


def drf_errors(detail: Any, *parts: str | int) -> list[dict[str, str]]:
    """DRF's nested error structure (dicts of lists of messages) as pointer entries."""
    if isinstance(detail, dict):
        entries = []
        for key, value in detail.items():
            here = parts if key in ("non_field_errors", "detail") else (*parts, key)
            entries.extend(drf_errors(value, *here))
        return entries
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"pointer": pointer(*parts), "detail": str(item)} for item in detail]
        entries = []
        for index, item in enumerate(detail):
            if item:
                entries.extend(drf_errors(item, *parts, index))
        return entries
    return [{"pointer": pointer(*parts), "detail": str(detail)}]


def problem_body(
    status_code: int,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type(slug) if slug else "about:blank",
        "title": PROBLEM_TYPES[slug][0] if slug else _status_title(status_code),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def _status_title(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


# A PostgreSQL restart or failover takes a few seconds; a client that waits this long and
# retries usually finds it back.
DATABASE_RETRY_AFTER_SECONDS = 5


def problem_response(exc: Exception) -> Response | None:
    """The problem response for `exc`, or None for an exception that is a bug (a 500)."""
    headers: dict[str, str] = {}
    if isinstance(exc, (OperationalError, InterfaceError)):
        # Django's connection errors: the database is away, not a bug of ours.
        logger.warning("answered 503, the database did not answer: %s", exc)
        return unavailable("The database did not answer.", DATABASE_RETRY_AFTER_SECONDS)
    if isinstance(exc, StorageUnavailable):
        logger.warning("answered 503, the document storage did not answer: %s", exc)
        return unavailable("The document storage did not answer.", STORAGE_RETRY_AFTER_SECONDS)
    if isinstance(exc, DomainError):
        field_errors = [{"pointer": pointer(exc.field), "detail": str(exc)}] if exc.field else []
        exc = Problem(
            exc.problem,
            str(exc),
            status_code=exc.status_code,
            errors=field_errors,
            **exc.problem_extra(),
        )
    if isinstance(exc, Problem):
        body = problem_body(
            exc.status_code, str(exc.detail), slug=exc.slug, errors=exc.errors, **exc.extra
        )
        return Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = _TooLarge("The request body is larger than this API accepts.")
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError("The request has more form fields than this API accepts.")
    if not isinstance(exc, exceptions.APIException):
        return None

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        errors = drf_errors(exc.detail)
        body = problem_body(
            exc.status_code,
            errors[0]["detail"] if len(errors) == 1 else f"{len(errors)} fields are invalid.",
            slug="invalid-request",
            errors=errors,
        )
    else:
        body = problem_body(exc.status_code, _flat(exc.detail))
    return Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def unavailable_body(what: str, retry_after: int) -> dict:
    """The problem for a fault that passes (a restart), which a retry gets past."""
    return problem_body(
        503,
        f"{what} Retry in {retry_after} seconds; sending the same request again is safe.",
        slug="temporarily-unavailable",
    )


def unavailable(what: str, retry_after: int) -> Response:
    """503 with Retry-After: a fault that passes (a restart), which a retry gets past."""
    return Response(
        unavailable_body(what, retry_after),
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(retry_after)},
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _flat(detail: Any) -> str:
    if isinstance(detail, dict):
        return " ".join(_flat(value) for value in detail.values())
    if isinstance(detail, list):
        return " ".join(_flat(value) for value in detail)
    return str(detail)


class _TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."


UNEXPECTED_DETAIL = (
    "Something went wrong on our side and the request was not completed. It has been "
    "logged; retrying later with the same request is safe."
)


def unexpected_problem() -> Response:
    """The 500 answer to a bug: a problem like any other, with no exception text in it."""
    return Response(
        problem_body(500, UNEXPECTED_DETAIL),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error the API answers as a problem, bugs included.

    A bug is logged as Django logs an unhandled exception (to `django.request`, with the
    traceback, so error reporting still sees it), and answered without its text.
    """
    response = problem_response(exc)
    if response is None:
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=exc,
            extra={"status_code": 500, "request": getattr(request, "_request", request)},
        )
        response = unexpected_problem()
    # As DRF's own handler does: an atomic request's changes do not outlive its error.
    set_rollback()
    return response


@csrf_exempt  # API clients hold keys, not cookies; an unknown path of any method is a 404.
def not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse(
        problem_body(404, f"The API has no {request.path}."),
        status=status.HTTP_404_NOT_FOUND,
        content_type=PROBLEM_CONTENT_TYPE,
    )


@csrf_exempt  # otherwise a POST here is refused with the CSRF failure page, in HTML
def problem_type_view(request, slug: str) -> JsonResponse:
    """What a problem `type` of ours means: its URI resolves here."""
    if slug not in PROBLEM_TYPES:
        return not_found(request)
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(
            problem_body(405, f'Method "{request.method}" not allowed.'),
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
            content_type=PROBLEM_CONTENT_TYPE,
        )
        response["Allow"] = "GET, HEAD"
        return response
    title, description = PROBLEM_TYPES[slug]
    return JsonResponse({"type": problem_type(slug), "title": title, "description": description})
